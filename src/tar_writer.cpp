// The tar writers: POSIX ustar headers (pax extended headers only where ustar cannot say it: long
// names and link targets, huge sizes), plain, gzip or zstd, and the self-extracting installer
// (a shell script and a plain tar). Deterministic: entries come from the plan, every entry has the
// same time, uid/gid 0 and no owner names, a normalised mode.
//
// gzip: each entry is its own member (gzip reads a concatenation as one stream): its header is
// stored uncompressed at the member's start, so that the bundle's id, known only once the private
// files are hashed, can be written over the pending one (with the member's CRC); its content
// follows, compressed by write_bundle's workers.
// zstd: one stream, compressed by zstd's own threads (a frame per file would lose the matches
// between files: 5% more for gdb); it cannot be patched, so the id is known first.
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <vector>

#include "elfpack/error.h"
#include "elfpack/output.h"
#include "elfpack/output_file.h"

namespace elfpack {

std::string installer_script(const BundlePlan& plan);

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
std::string tar_headers(const BundleEntry& entry, std::uint64_t size, long long mtime) {
  std::string path = entry.path;
  char type = '0';
  mode_t mode = entry.mode;
  std::string link;
  if (entry.kind == BundleEntry::Kind::kDirectory) {
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

// What goes before a header stored uncompressed at the start of an entry's gzip member: the
// member's header and a stored block's.
std::vector<unsigned char> stored_prefix(std::size_t n, bool final_block) {
  std::vector<unsigned char> p(kGzipHeader, kGzipHeader + 10);
  p.push_back(final_block ? 1 : 0);  // BFINAL, BTYPE 00 (stored)
  p.push_back(static_cast<unsigned char>(n));
  p.push_back(static_cast<unsigned char>(n >> 8));
  p.push_back(static_cast<unsigned char>(~n));
  p.push_back(static_cast<unsigned char>((~n) >> 8));
  return p;
}

// A zstd stream compressed by zstd's threads; its output is the same for any number of them.
class ZstdStream {
 public:
  ZstdStream(OutputFile& file, int level, unsigned jobs) : file_(file), cctx_(ZSTD_createCCtx()) {
    if (cctx_ == nullptr) throw Error(file_.output() + ": zstd: cannot start");
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level < 0 ? 3 : level);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    // At least one worker: zstd's output then does not depend on how many.
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_nbWorkers, static_cast<int>(std::max(1u, jobs)));
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
    return {.codec = codec_, .level = level_, .crc = codec_ == Codec::kDeflate, .pad_to = kBlock, .patches_id = !zstd_};
  }

  void begin(const BundlePlan& plan) override {
    if (!installer_) return;
    const std::string script = installer_script(plan);
    for (auto at = script.find(kPendingId); at != std::string::npos; at = script.find(kPendingId, at + 1)) {
      pending_script_.push_back(at);
    }
    file_.write(script, "the installer script");
  }

  void start_entry(const BundleEntry& entry, std::uint64_t size) override {
    entry_ = &entry;
    const std::string headers = tar_headers(entry, size, mtime_);
    if (headers.size() > 0xffff) throw Error(file_.output() + ": " + entry.path + ": name too long for an archive");
    content_ = entry.kind == BundleEntry::Kind::kFile || entry.kind == BundleEntry::Kind::kBytes ? size : 0;
    if (codec_ == Codec::kDeflate) file_.write(stored_prefix(headers.size(), content_ == 0), entry.path);
    const std::uint64_t at = file_.size();
    emit(as_bytes(headers), entry.path);
    header_crc_ = static_cast<std::uint32_t>(crc32(0, as_bytes(headers).data(), static_cast<uInt>(headers.size())));
    header_length_ = headers.size();
    crc_ = 0;
    crc_length_ = 0;
    pending_entry_ = entry.path.find(kPendingId) != std::string::npos;
    if (pending_entry_) {
      Pending p{at, entry, size};
      if (entry.kind != BundleEntry::Kind::kSymlink) p.entry.bytes.clear();
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
    if (codec_ != Codec::kDeflate) return;
    // The member's trailer: the CRC of the header and the content, and their length.
    const std::uint32_t crc = crc_length_ == 0 ? header_crc_
                                               : static_cast<std::uint32_t>(crc32_combine(header_crc_, crc_, static_cast<z_off_t>(crc_length_)));
    if (pending_entry_) {
      pending_.back().trailer = file_.size();
      pending_.back().content_crc = crc_;
      pending_.back().content_length = crc_length_;
    }
    unsigned char trailer[8];
    put32(trailer, crc);
    put32(trailer + 4, static_cast<std::uint32_t>(header_length_ + crc_length_));
    file_.write(std::span<const unsigned char>(trailer, 8), entry_->path);
  }

  void set_id(const std::string& id) override {
    const std::span<const unsigned char> bytes = as_bytes(id);
    for (const std::size_t at : pending_script_) file_.patch(at, bytes);
    for (auto& p : pending_) {
      BundleEntry entry = p.entry;
      for (auto at = entry.path.find(kPendingId); at != std::string::npos; at = entry.path.find(kPendingId, at + id.size())) {
        entry.path.replace(at, id.size(), id);
      }
      const std::string headers = tar_headers(entry, p.size, mtime_);
      file_.patch(p.offset, as_bytes(headers));
      if (codec_ == Codec::kDeflate) {
        std::uint32_t crc = static_cast<std::uint32_t>(crc32(0, as_bytes(headers).data(), static_cast<uInt>(headers.size())));
        if (p.content_length != 0) crc = static_cast<std::uint32_t>(crc32_combine(crc, p.content_crc, static_cast<z_off_t>(p.content_length)));
        unsigned char field[4];
        put32(field, crc);
        file_.patch(p.trailer, std::span<const unsigned char>(field, 4));
      }
    }
    pending_.clear();
  }

  void commit() override {
    // The end: two blocks of zeros (as their own member when gzip'd).
    const std::vector<unsigned char> end(2 * kBlock, 0);
    if (codec_ == Codec::kDeflate) {
      std::vector<unsigned char> member(kGzipHeader, kGzipHeader + 10);
      z_stream z{};
      deflateInit2(&z, level_ < 0 ? 6 : level_, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
      std::vector<unsigned char> out(deflateBound(&z, end.size()) + 16);
      z.next_in = const_cast<unsigned char*>(end.data());
      z.avail_in = static_cast<uInt>(end.size());
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      deflate(&z, Z_FINISH);
      out.resize(out.size() - z.avail_out);
      deflateEnd(&z);
      member.insert(member.end(), out.begin(), out.end());
      unsigned char trailer[8];
      put32(trailer, static_cast<std::uint32_t>(crc32(0, end.data(), static_cast<uInt>(end.size()))));
      put32(trailer + 4, static_cast<std::uint32_t>(end.size()));
      member.insert(member.end(), trailer, trailer + 8);
      file_.write(member, "the end of the archive");
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

  // An entry written under the pending id: where its headers are, what they said, and for gzip
  // where its member's CRC is and the CRC of its content.
  struct Pending {
    std::uint64_t offset = 0;
    BundleEntry entry;
    std::uint64_t size = 0;
    std::uint64_t trailer = 0;
    std::uint32_t content_crc = 0;
    std::uint64_t content_length = 0;
  };

  OutputFile file_;
  std::unique_ptr<ZstdStream> zstd_;
  Codec codec_;
  int level_;
  bool installer_;
  long long mtime_;
  const BundleEntry* entry_ = nullptr;
  std::uint64_t content_ = 0, crc_length_ = 0, header_length_ = 0;
  bool pending_entry_ = false;
  std::uint32_t crc_ = 0, header_crc_ = 0;
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
