// Takes one locale out of glibc's locale archive. The format is glibc's locale/locarchive.h, in
// the byte order of the machine that wrote it (the C library's own; x86_64 and aarch64 are
// little-endian, which is all this reads):
//   header      magic 0xde020109, serial, then (offset, used, size) of the name hash table, the
//               string table, the locale record table and the MD5 sum table
//   name hash   entries of (hash value, name offset, locale record offset); offset 0: empty slot
//   locale rec  refs, then (offset, length) of each of the 13 categories (LC_ALL's spans them all)
// Every offset counts from the archive's start.
#include "elfpack/runtime/locale_archive.h"

#include <array>
#include <cstring>

#include "elfpack/base/error.h"

namespace elfpack {

namespace {

constexpr std::uint32_t kMagic = 0xde020109;
constexpr std::size_t kCategories = 13;  // glibc's __LC_LAST
constexpr std::size_t kLcAll = 6;
// The file each category has in a locale directory (glibc's locale/categories.def order).
constexpr std::array<const char*, kCategories> kFiles = {
    "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES/SYS_LC_MESSAGES", nullptr,
    "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION"};

class Reader {
 public:
  Reader(std::span<const unsigned char> data, const std::string& file) : data_(data), file_(file) {}

  std::uint32_t u32(std::uint64_t offset, const char* what) const {
    check(offset, 4, what);
    std::uint32_t v;
    std::memcpy(&v, data_.data() + offset, 4);
    return v;
  }
  void check(std::uint64_t offset, std::uint64_t length, const char* what) const {
    if (offset > data_.size() || length > data_.size() - offset) {
      throw Error(file_ + ": damaged locale archive: " + what + " at " + std::to_string(offset) + " (" +
                  std::to_string(length) + " bytes) is past its end (" + std::to_string(data_.size()) + " bytes)");
    }
  }
  // The NUL-terminated string at `offset`, which must end inside the archive.
  std::string_view string(std::uint64_t offset) const {
    check(offset, 1, "a locale name");
    const auto* start = reinterpret_cast<const char*>(data_.data() + offset);
    const void* nul = std::memchr(start, '\0', data_.size() - offset);
    if (nul == nullptr) throw Error(file_ + ": damaged locale archive: a locale name runs past its end");
    return {start, static_cast<std::size_t>(static_cast<const char*>(nul) - start)};
  }
  std::string bytes(std::uint64_t offset, std::uint64_t length, const char* what) const {
    check(offset, length, what);
    return {reinterpret_cast<const char*>(data_.data() + offset), static_cast<std::size_t>(length)};
  }

 private:
  std::span<const unsigned char> data_;
  const std::string& file_;
};

}  // namespace

std::optional<std::map<std::string, std::string>> read_archived_locale(std::span<const unsigned char> data,
                                                                       const std::string& name,
                                                                       const std::string& file) {
  const Reader r(data, file);
  if (data.size() < 56 || r.u32(0, "the magic number") != kMagic) {
    throw Error(file + ": not a glibc locale archive (no magic number 0xde020109 at its start)");
  }
  const std::uint64_t namehash_offset = r.u32(8, "the header"), namehash_size = r.u32(16, "the header");
  r.check(namehash_offset, namehash_size * 12, "the name hash table");
  // Every slot, rather than glibc's probe sequence: the same answer for an archive glibc wrote,
  // and no trust in its hash function's stability across versions.
  for (std::uint64_t i = 0; i < namehash_size; ++i) {
    const std::uint64_t entry = namehash_offset + i * 12;
    const std::uint64_t name_offset = r.u32(entry + 4, "a name hash entry");
    if (name_offset == 0) continue;
    if (r.string(name_offset) != name) continue;
    const std::uint64_t record = r.u32(entry + 8, "a name hash entry");
    r.check(record, 4 + kCategories * 8, "a locale record");
    std::map<std::string, std::string> files;
    for (std::size_t c = 0; c < kCategories; ++c) {
      if (c == kLcAll) continue;
      const std::uint64_t offset = r.u32(record + 4 + c * 8, "a locale record");
      const std::uint64_t length = r.u32(record + 8 + c * 8, "a locale record");
      files[kFiles[c]] = r.bytes(offset, length, "a locale category");
    }
    return files;
  }
  return std::nullopt;
}

}  // namespace elfpack
