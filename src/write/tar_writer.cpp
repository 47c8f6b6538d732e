// The tar writers: POSIX ustar headers (pax extended headers only where ustar cannot say it: long
// names and link targets, huge sizes), plain, gzip or zstd, and the self-extracting installer
// (a shell script and a plain tar). Deterministic: entries come from the plan, every entry has the
// same time, uid/gid 0 and no owner names, a normalised mode.
//
// gzip: one member (streaming readers, like Python's tarfile "r|gz", stop after the first), in
// which each tar header is a stored block, so that the bundle's id, known only once the private
// files are hashed, can be written over the pending one (the CRC is kept by stretches and summed
// at the end); the contents are deflated by write_bundle's workers, each ending on a byte boundary.
// zstd: one stream, compressed by zstd's own threads (a frame per file would lose the matches
// between files: 5% more for gdb); it cannot be patched, so the id is known first.
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <optional>
#include <vector>

#include <spdlog/spdlog.h>

#include "elfpack/base/error.h"
#include "elfpack/write/output.h"
#include "elfpack/write/output_file.h"

namespace elfpack {

std::string installer_script(const BundlePlan& plan, const std::string& id);

namespace {

constexpr std::size_t kBlock = 512;

void octal(char* field, std::size_t width, std::uint64_t value) {
  // width - 1 digits and a NUL, as ustar writes them.
  for (std::size_t i = width - 1; i-- > 0; value >>= 3) field[i] = static_cast<char>('0' + (value & 7));
  field[width - 1] = '\0';
}

void checksum(char* header) {
  std::memset(header + 148, ' ', 8);
  unsigned sum = 0;
  for (std::size_t i = 0; i < kBlock; ++i) sum += static_cast<unsigned char>(header[i]);
  octal(header + 148, 7, sum);
  header[155] = ' ';
}

std::string pax_record(const std::string& key, const std::string& value) {
  // "<length> key=value\n", the length counting its own digits.
  const std::size_t rest = key.size() + value.size() + 3;
  std::size_t length = rest + 1;
  while (std::to_string(length).size() + rest != length) ++length;
  return std::to_string(length) + " " + key + "=" + value + "\n";
}

std::string ustar_block(const std::string& name, const std::string& prefix, char type, mode_t mode,
                        std::uint64_t size, long long mtime, const std::string& link) {
  std::string block(kBlock, '\0');
  char* h = block.data();
  std::memcpy(h, name.data(), std::min<std::size_t>(name.size(), 100));
  octal(h + 100, 8, mode);
  octal(h + 108, 8, 0);
  octal(h + 116, 8, 0);
  octal(h + 124, 12, size);
  octal(h + 136, 12, static_cast<std::uint64_t>(mtime));
  h[156] = type;
  std::memcpy(h + 157, link.data(), std::min<std::size_t>(link.size(), 100));
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  std::memcpy(h + 345, prefix.data(), std::min<std::size_t>(prefix.size(), 155));
  checksum(h);
  return block;
}

// The header blocks of an entry: a ustar header, after a pax header when ustar cannot hold it.
// `hard_link`: the entry is a hard link to its first copy (same_as), written before it.
std::string tar_headers(const BundleEntry& entry, std::uint64_t size, long long mtime, bool hard_link) {
  std::string path = entry.path;
  char type = '0';
  mode_t mode = entry.mode;
  std::string link;
  if (hard_link) {
    type = '1';
    link = entry.same_as;
    size = 0;
  } else if (entry.kind == BundleEntry::Kind::kDirectory) {
    type = '5';
    path += '/';
    size = 0;
  } else if (entry.kind == BundleEntry::Kind::kSymlink) {
    type = '2';
    mode = 0777;
    link = entry.bytes;
    size = 0;
  }
  std::string records, name = path, prefix;
  if (path.size() > 100) {
    // ustar's split: prefix (up to 155) '/' name (up to 100).
    name.clear();
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      if (slash <= 155 && path.size() - slash - 1 <= 100 && slash + 1 < path.size()) {
        prefix = path.substr(0, slash);
        name = path.substr(slash + 1);
        break;
      }
    }
    if (name.empty()) {
      records += pax_record("path", path);
      name = path.substr(0, 100);
      prefix.clear();
    }
  }
  if (link.size() > 100) records += pax_record("linkpath", link);
  constexpr std::uint64_t kUstarMaxSize = 077777777777;
  if (size > kUstarMaxSize) records += pax_record("size", std::to_string(size));
  std::string out;
  if (!records.empty()) {
    // The pax header's own name: deterministic, beside the entry, as libarchive and GNU tar do.
    const auto slash = path.rfind('/', path.size() - 2);
    std::string pax_name = (slash == std::string::npos ? "" : path.substr(0, slash + 1)) + "PaxHeader/" +
                           path.substr(slash == std::string::npos ? 0 : slash + 1);
    if (pax_name.back() == '/') pax_name.pop_back();
    out = ustar_block(pax_name.substr(0, 100), "", 'x', 0644, records.size(), mtime, "");
    out += records;
    out.append((kBlock - records.size() % kBlock) % kBlock, '\0');
  }
  out += ustar_block(name, prefix, type, mode, size > kUstarMaxSize ? 0 : size, mtime, link.substr(0, 100));
  return out;
}

std::span<const unsigned char> as_bytes(const std::string& s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

void put32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

// A gzip member's header: no name, no time (reproducible), Unix.
constexpr unsigned char kGzipHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

// A stored deflate block's header (not final: the stream goes on), for a tar header kept
// uncompressed in the gzip stream so that the bundle's id can be written over it.
std::vector<unsigned char> stored_block(std::size_t n) {
  return {0, static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(~n),
          static_cast<unsigned char>((~n) >> 8)};
}

// A zstd stream compressed by zstd's threads; its output is the same for any number of them.
class ZstdStream {
 public:
  ZstdStream(OutputFile& file, int level, unsigned jobs) : file_(file), cctx_(ZSTD_createCCtx()) {
    if (cctx_ == nullptr) throw Error(file_.output() + ": zstd: cannot start");
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level < 0 ? 3 : level);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    // At least one worker: zstd's output then does not depend on how many. A libzstd built
    // without threads refuses: it compresses in this thread (other bytes, the same archive).
    const std::size_t threads = ZSTD_CCtx_setParameter(cctx_, ZSTD_c_nbWorkers, static_cast<int>(std::max(1u, jobs)));
    if (ZSTD_isError(threads)) spdlog::debug("zstd: {}: compressing in one thread", ZSTD_getErrorName(threads));
    out_.resize(ZSTD_CStreamOutSize());
  }
  ~ZstdStream() { ZSTD_freeCCtx(cctx_); }
  ZstdStream(const ZstdStream&) = delete;
  ZstdStream& operator=(const ZstdStream&) = delete;

  void write(std::span<const unsigned char> bytes, const std::string& what) { run(bytes, ZSTD_e_continue, what); }
  void finish() { run({}, ZSTD_e_end, "the end of the archive"); }

 private:
  void run(std::span<const unsigned char> bytes, ZSTD_EndDirective mode, const std::string& what) {
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      const std::size_t left = ZSTD_compressStream2(cctx_, &out, &in, mode);
      if (ZSTD_isError(left)) throw Error(file_.output() + ": zstd: " + ZSTD_getErrorName(left));
      file_.write(std::span<const unsigned char>(out_.data(), out.pos), what);
      if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) return;
    }
  }

  OutputFile& file_;
  ZSTD_CCtx* cctx_;
  std::vector<unsigned char> out_;
};

class TarWriter : public BundleWriter {
 public:
  // `zstd`: a tar.zst (then `codec` is kNone: the stream compresses what is written).
  TarWriter(const std::string& output, Codec codec, int level, bool installer, bool zstd, unsigned jobs)
      : file_(output), codec_(codec), level_(level), installer_(installer), mtime_(archive_timestamp()) {
    if (zstd) zstd_ = std::make_unique<ZstdStream>(file_, level, jobs);
  }

  Coding coding() const override {
    return {.codec = codec_, .level = level_, .crc = codec_ == Codec::kDeflate, .pad_to = kBlock,
            .patches_id = !zstd_, .final_blocks = false, .links = Links::kHard};
  }

  void begin(const BundlePlan& plan) override {
    if (codec_ == Codec::kDeflate) file_.write(std::span<const unsigned char>(kGzipHeader, 10), "the gzip header");
    if (!installer_) return;
    // The id's places in the script: where it differs from the script for another id.
    const std::string script = installer_script(plan, plan.id);
    const std::string other = installer_script(plan, std::string(plan.id.size(), plan.id[0] == '0' ? '1' : '0'));
    for (std::size_t i = 0; i + plan.id.size() <= script.size() && script.size() == other.size(); ++i) {
      if (script[i] != other[i]) {
        pending_script_.push_back(i);
        i += plan.id.size() - 1;
      }
    }
    file_.write(script, "the installer script");
  }

  void start_entry(const BundleEntry& entry, std::uint64_t size) override {
    entry_ = &entry;
    const std::string headers = tar_headers(entry, size, mtime_, stored_as_link(entry, coding()));
    if (headers.size() > 0xffff) throw Error(file_.output() + ": " + entry.path + ": name too long for an archive");
    if (codec_ == Codec::kDeflate) file_.write(stored_block(headers.size()), entry.path);
    const std::uint64_t at = file_.size();
    emit(as_bytes(headers), entry.path);
    add_segment(crc_of(headers), headers.size());
    crc_ = 0;
    crc_length_ = 0;
    if (pending_id_at(entry.path)) {
      // The entry without its content (a payload is 100 MiB): its headers need a link's target alone.
      Pending p{at, {entry.kind, entry.path, entry.mode, {}, entry.kind == BundleEntry::Kind::kSymlink ? entry.bytes : std::string(),
                     {}, entry.size}, size, segments_.size() - 1};
      p.entry.same_as = entry.same_as;
      p.entry.same_as_symlink_ok = entry.same_as_symlink_ok;
      pending_.push_back(std::move(p));
    }
  }

  void piece(const Piece& piece) override {
    if (codec_ == Codec::kNone) {
      emit(piece.raw, entry_->path);
      if (piece.padding != 0) emit(std::vector<unsigned char>(piece.padding, 0), entry_->path);
    } else {
      file_.write(piece.coded, entry_->path);
    }
    const std::size_t n = piece.raw.size() + piece.padding;
    crc_ = crc_length_ == 0 ? piece.crc : static_cast<std::uint32_t>(crc32_combine(crc_, piece.crc, static_cast<z_off_t>(n)));
    crc_length_ += n;
  }

  void end_entry() override {
    if (crc_length_ != 0) add_segment(crc_, crc_length_);
  }

  // The headers written under the pending id are written again with the id (same length), and
  // their share of the gzip CRC computed again.
  void set_id(const std::string& id) override {
    const std::span<const unsigned char> bytes = as_bytes(id);
    for (const std::size_t at : pending_script_) file_.patch(at, bytes);
    for (auto& p : pending_) {
      BundleEntry entry = p.entry;
      entry.path.replace(*pending_id_at(entry.path), id.size(), id);
      if (const auto at = pending_id_at(entry.same_as)) entry.same_as.replace(*at, id.size(), id);
      const std::string headers = tar_headers(entry, p.size, mtime_, stored_as_link(entry, coding()));
      file_.patch(p.offset, as_bytes(headers));
      if (codec_ == Codec::kDeflate) segments_[p.segment].first = crc_of(headers);
    }
    pending_.clear();
  }

  void commit() override {
    // The end: two blocks of zeros; for gzip, the last deflate block and the member's trailer
    // (the CRC of everything, and its length).
    const std::vector<unsigned char> end(2 * kBlock, 0);
    if (codec_ == Codec::kDeflate) {
      z_stream z{};
      if (deflateInit2(&z, level_ < 0 ? 6 : level_, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw Error(file_.output() + ": deflate: cannot start at level " + std::to_string(level_));
      }
      std::vector<unsigned char> out(deflateBound(&z, end.size()) + 16);
      z.next_in = const_cast<unsigned char*>(end.data());
      z.avail_in = static_cast<uInt>(end.size());
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      const int status = deflate(&z, Z_FINISH);
      out.resize(out.size() - z.avail_out);
      deflateEnd(&z);
      if (status != Z_STREAM_END) throw Error(file_.output() + ": deflate: cannot finish");
      add_segment(crc_of(end), end.size());
      std::uint32_t crc = 0;
      std::uint64_t length = 0;
      for (const auto& [c, n] : segments_) {
        crc = length == 0 ? c : static_cast<std::uint32_t>(crc32_combine(crc, c, static_cast<z_off_t>(n)));
        length += n;
      }
      unsigned char trailer[8];
      put32(trailer, crc);
      put32(trailer + 4, static_cast<std::uint32_t>(length));
      out.insert(out.end(), trailer, trailer + 8);
      file_.write(out, "the end of the archive");
    } else {
      emit(end, "the end of the archive");
      if (zstd_) zstd_->finish();
    }
    file_.commit();
  }

 private:
  // Uncompressed tar bytes: to the file, or through the zstd stream.
  void emit(std::span<const unsigned char> bytes, const std::string& what) {
    if (zstd_) {
      zstd_->write(bytes, what);
    } else {
      file_.write(bytes, what);
    }
  }

  template <typename Bytes>
  static std::uint32_t crc_of(const Bytes& bytes) {
    return static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
  }

  void add_segment(std::uint32_t crc, std::uint64_t length) {
    if (codec_ == Codec::kDeflate) segments_.emplace_back(crc, length);
  }

  // An entry written under the pending id: where its headers are, what they said, and (gzip)
  // which segment of the CRC they are.
  struct Pending {
    std::uint64_t offset = 0;
    BundleEntry entry;
    std::uint64_t size = 0;
    std::size_t segment = 0;
  };

  OutputFile file_;
  std::unique_ptr<ZstdStream> zstd_;
  Codec codec_;
  int level_;
  bool installer_;
  long long mtime_;
  const BundleEntry* entry_ = nullptr;
  std::uint64_t crc_length_ = 0;
  std::uint32_t crc_ = 0;
  // gzip: the CRC and length of each stretch of the stream (headers, contents), in order.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> segments_;
  std::vector<std::size_t> pending_script_;
  std::vector<Pending> pending_;
};

}  // namespace

std::unique_ptr<BundleWriter> open_tar_writer(const std::string& output, OutputFormat format, int level, unsigned jobs) {
  const Codec codec = format == OutputFormat::kTarGz ? Codec::kDeflate : Codec::kNone;
  return std::make_unique<TarWriter>(output, codec, level, format == OutputFormat::kInstaller,
                                     format == OutputFormat::kTarZst, jobs);
}

}  // namespace elfpack
