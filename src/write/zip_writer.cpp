// The zip writer (PKWARE APPNOTE 6.3): deflate or stored entries, Unix modes in the external
// attributes ("made by" Unix, so unzip restores execute bits and symlinks as AWS Lambda needs
// them), Info-ZIP's UT (time) and ux (uid/gid 0) extra fields, every entry at the same time,
// zip64 records where sizes or offsets pass 4 GiB or entries 65,535. Written straight to the
// output file; sizes, CRCs and the bundle's id are patched into the local headers afterwards.
#include <zlib.h>

#include <ctime>
#include <optional>
#include <cstring>
#include <vector>

#include "elfpack/base/error.h"
#include "elfpack/write/output.h"
#include "elfpack/write/output_file.h"

namespace elfpack {

namespace {

constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint16_t kMadeByUnix = (3 << 8) | 30;  // Unix, APPNOTE 3.0 (as Info-ZIP)
constexpr std::uint32_t kMax32 = 0xffffffff;
// An entry at least this big gets zip64 sizes in its local header (deflate can grow what does
// not compress by a little).
constexpr std::uint64_t kZip64Entry = 0xff000000;

class Bytes {
 public:
  Bytes& u16(std::uint32_t v) {
    b_.push_back(static_cast<unsigned char>(v));
    b_.push_back(static_cast<unsigned char>(v >> 8));
    return *this;
  }
  Bytes& u32(std::uint32_t v) { return u16(v & 0xffff).u16(v >> 16); }
  Bytes& u64(std::uint64_t v) { return u32(static_cast<std::uint32_t>(v)).u32(static_cast<std::uint32_t>(v >> 32)); }
  Bytes& text(const std::string& s) {
    b_.insert(b_.end(), s.begin(), s.end());
    return *this;
  }
  Bytes& bytes(const std::vector<unsigned char>& v) {
    b_.insert(b_.end(), v.begin(), v.end());
    return *this;
  }
  std::size_t size() const { return b_.size(); }
  const std::vector<unsigned char>& data() const { return b_; }
  std::span<const unsigned char> span() const { return b_; }

 private:
  std::vector<unsigned char> b_;
};

struct CentralEntry {
  std::string name;
  std::uint16_t method = 0, flags = 0;
  std::uint32_t crc = 0, external = 0;
  std::uint64_t compressed = 0, size = 0, offset = 0;
  bool zip64_local = false;  // its local header has zip64 sizes
};

class ZipWriter : public BundleWriter {
 public:
  ZipWriter(const std::string& output, int level) : file_(output), level_(level) {
    const time_t t = static_cast<time_t>(archive_timestamp());
    mtime_ = static_cast<std::uint32_t>(t);
    struct tm tm;
    ::gmtime_r(&t, &tm);  // MS-DOS time has no zone: UTC, so the bytes do not depend on the machine
    dos_time_ = static_cast<std::uint16_t>((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
    dos_date_ = static_cast<std::uint16_t>(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
  }

  Coding coding() const override {
    return {.codec = Codec::kDeflate, .level = level_, .crc = true, .whole_up_to = kWholeUpTo, .links = Links::kSymbolic};
  }
  // Entries up to this size are compressed whole, each by one thread: at most the window of
  // pieces ahead of the writer (write_bundle.cpp) times this is held compressed in memory.
  static constexpr std::uint64_t kWholeUpTo = 32 << 20;

  void start_entry(const BundleEntry& entry, std::uint64_t size) override {
    entry_ = &entry;
    current_ = CentralEntry{};
    current_.name = entry.kind == BundleEntry::Kind::kDirectory ? entry.path + "/" : entry.path;
    current_.size = size;
    current_.offset = file_.size();
    // An identical file, where a link is safe: a relative symbolic link to its first copy.
    const bool symlink = entry.kind == BundleEntry::Kind::kSymlink || stored_as_link(entry, coding());
    const std::string target = entry.kind == BundleEntry::Kind::kSymlink ? entry.bytes
                               : symlink ? relative_link(entry.path, entry.same_as) : std::string();
    std::uint32_t type = 0100000;
    if (entry.kind == BundleEntry::Kind::kDirectory) type = 0040000;
    if (symlink) type = 0120000;
    const std::uint32_t mode = symlink ? 0777 : entry.mode;
    current_.external = ((type | mode) << 16) | (entry.kind == BundleEntry::Kind::kDirectory ? 0x10 : 0);
    // Names are written as their bytes, without the UTF-8 flag (bit 11): given it, Info-ZIP's
    // unzip converts names to the locale's charset, and in the C locale of a CI job or a
    // container writes "ü" as "#U00fc", so that a launcher would not find its program.
    header_written_ = false;
    crc_length_ = 0;
    if (symlink) {
      // A link's target is its content, stored.
      current_.size = target.size();
      write_local_header(0);
      Piece link;
      link.raw = {reinterpret_cast<const unsigned char*>(target.data()), target.size()};
      link.stored = true;
      link.crc = static_cast<std::uint32_t>(crc32(0, link.raw.data(), static_cast<uInt>(link.raw.size())));
      write_piece_data(link);
    }
  }

  void piece(const Piece& piece) override {
    if (!header_written_) write_local_header(piece.stored ? 0 : 8);
    if (piece.stored != (current_.method == 0)) {
      throw Error("internal error: " + entry_->path + ": stored and deflated pieces in one entry");
    }
    write_piece_data(piece);
  }

  void end_entry() override {
    if (!header_written_) write_local_header(0);  // a directory or an empty file
    // The sizes and CRC, now known, into the local header.
    Bytes fields;
    fields.u32(current_.crc);
    if (zip64_local_) {
      fields.u32(kMax32).u32(kMax32);
      file_.patch(current_.offset + 14, fields.span());
      Bytes sizes;
      sizes.u64(current_.size).u64(current_.compressed);
      file_.patch(current_.offset + 30 + current_.name.size() + 4, sizes.span());
    } else {
      fields.u32(static_cast<std::uint32_t>(current_.compressed)).u32(static_cast<std::uint32_t>(current_.size));
      file_.patch(current_.offset + 14, fields.span());
    }
    if (pending_id_at(current_.name)) pending_names_.push_back(central_.size());
    current_.zip64_local = zip64_local_;
    central_.push_back(std::move(current_));
  }

  // The names written under the pending id get the id: in their local headers, and for the
  // central directory, still to come.
  void set_id(const std::string& id) override {
    const std::span<const unsigned char> bytes(reinterpret_cast<const unsigned char*>(id.data()), id.size());
    for (const std::size_t i : pending_names_) {
      CentralEntry& c = central_[i];
      const std::size_t at = *pending_id_at(c.name);
      file_.patch(c.offset + 30 + at, bytes);
      c.name.replace(at, id.size(), id);
    }
    pending_names_.clear();
  }

  void commit() override {
    const std::uint64_t start = file_.size();
    Bytes cd;
    for (const auto& c : central_) {
      Bytes zip64;
      if (c.size >= kMax32) zip64.u64(c.size);
      if (c.compressed >= kMax32) zip64.u64(c.compressed);
      if (c.offset >= kMax32) zip64.u64(c.offset);
      Bytes extra;
      if (zip64.size() != 0) extra.u16(0x0001).u16(static_cast<std::uint32_t>(zip64.size())).bytes(zip64.data());
      extra.u16(0x5455).u16(5).bytes({1}).u32(mtime_);  // UT: modification time
      extra.u16(0x7875).u16(11).bytes({1, 4}).u32(0).bytes({4}).u32(0);  // ux: uid 0, gid 0
      // The version needed, as in the local header (45 wherever either has zip64 fields).
      cd.u32(kCentralSignature).u16(kMadeByUnix).u16(zip64.size() != 0 || c.zip64_local ? 45 : c.method == 8 ? 20 : 10);
      cd.u16(c.flags);
      cd.u16(c.method).u16(dos_time_).u16(dos_date_).u32(c.crc);
      cd.u32(c.compressed >= kMax32 ? kMax32 : static_cast<std::uint32_t>(c.compressed));
      cd.u32(c.size >= kMax32 ? kMax32 : static_cast<std::uint32_t>(c.size));
      cd.u16(static_cast<std::uint32_t>(c.name.size())).u16(static_cast<std::uint32_t>(extra.size())).u16(0);
      cd.u16(0).u16(0).u32(c.external).u32(c.offset >= kMax32 ? kMax32 : static_cast<std::uint32_t>(c.offset));
      cd.text(c.name).bytes(extra.data());
      if (cd.size() >= (1 << 20)) {
        file_.write(cd.span(), "the central directory");
        cd = Bytes();
      }
    }
    file_.write(cd.span(), "the central directory");
    const std::uint64_t end = file_.size();
    const std::uint64_t count = central_.size();
    const bool zip64 = count >= 0xffff || start >= kMax32 || end - start >= kMax32;
    Bytes tail;
    if (zip64) {
      tail.u32(kZip64EndSignature).u64(44).u16(kMadeByUnix).u16(45).u32(0).u32(0);
      tail.u64(count).u64(count).u64(end - start).u64(start);
      tail.u32(kZip64LocatorSignature).u32(0).u64(end).u32(1);
    }
    tail.u32(kEndSignature).u16(0).u16(0);
    tail.u16(zip64 ? 0xffff : static_cast<std::uint32_t>(count)).u16(zip64 ? 0xffff : static_cast<std::uint32_t>(count));
    tail.u32(zip64 ? kMax32 : static_cast<std::uint32_t>(end - start)).u32(zip64 ? kMax32 : static_cast<std::uint32_t>(start));
    tail.u16(0);
    file_.write(tail.span(), "the end of the archive");
    file_.commit();
  }

 private:
  void write_local_header(std::uint16_t method) {
    header_written_ = true;
    current_.method = method;
    zip64_local_ = current_.size >= kZip64Entry;
    Bytes extra;
    if (zip64_local_) extra.u16(0x0001).u16(16).u64(0).u64(0);
    extra.u16(0x5455).u16(5).bytes({1}).u32(mtime_);
    extra.u16(0x7875).u16(11).bytes({1, 4}).u32(0).bytes({4}).u32(0);
    Bytes h;
    h.u32(kLocalSignature).u16(zip64_local_ ? 45 : method == 8 ? 20 : 10).u16(current_.flags).u16(method);
    h.u16(dos_time_).u16(dos_date_).u32(0).u32(0).u32(0);  // CRC and sizes: patched by end_entry
    h.u16(static_cast<std::uint32_t>(current_.name.size())).u16(static_cast<std::uint32_t>(extra.size()));
    h.text(current_.name).bytes(extra.data());
    file_.write(h.span(), entry_->path);
  }

  void write_piece_data(const Piece& piece) {
    const std::span<const unsigned char> data = piece.stored ? piece.raw : std::span<const unsigned char>(piece.coded);
    file_.write(data, entry_->path);
    current_.compressed += data.size();
    current_.crc = crc_length_ == 0 ? piece.crc
                                    : static_cast<std::uint32_t>(crc32_combine(current_.crc, piece.crc,
                                                                               static_cast<z_off_t>(piece.raw.size())));
    crc_length_ += piece.raw.size();
  }

  OutputFile file_;
  int level_;
  std::uint32_t mtime_ = 0;
  std::uint16_t dos_time_ = 0, dos_date_ = 0;
  const BundleEntry* entry_ = nullptr;
  CentralEntry current_;
  bool header_written_ = false, zip64_local_ = false;
  std::uint64_t crc_length_ = 0;  // the bytes the entry's CRC covers so far
  std::vector<std::size_t> pending_names_;  // the entries whose names have the pending id
  std::vector<CentralEntry> central_;
};

}  // namespace

std::unique_ptr<BundleWriter> open_zip_writer(const std::string& output, int level) {
  return std::make_unique<ZipWriter>(output, level);
}

}  // namespace elfpack
