#include "elfpack/ld_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

#include "elfpack/error.h"
#include "elfpack/mapped_file.h"

namespace elfpack {

namespace {

constexpr std::string_view kOldMagic = "ld.so-1.7.0";            // 11 bytes, padded to 12
constexpr std::string_view kNewMagic = "glibc-ld.so.cache1.1";   // magic + version, 20 bytes
constexpr std::size_t kOldHeaderSize = 16;                       // magic[12] + nlibs
constexpr std::size_t kOldEntrySize = 12;                        // flags, key, value
constexpr std::size_t kNewHeaderSize = 48;
constexpr std::size_t kNewEntrySize = 24;                        // flags, key, value, osversion, hwcap
constexpr uint32_t kExtensionMagic = 0xeaa42174;
constexpr uint32_t kExtensionTagHwcaps = 1;
constexpr uint64_t kHwcapExtensionBit = uint64_t{1} << 62;
constexpr uint8_t kEndianLittle = 2;
constexpr uint8_t kEndianBig = 3;

class Bytes {
 public:
  Bytes(std::span<const unsigned char> data, const std::string& origin) : data_(data), origin_(origin) {}

  bool fits(std::size_t off, std::size_t n) const { return off <= data_.size() && data_.size() - off >= n; }

  template <typename T>
  T get(std::size_t off, const char* field) const {
    if (!fits(off, sizeof(T))) fail(std::string(field) + " at offset " + std::to_string(off) + " is past the end");
    T value;
    std::memcpy(&value, data_.data() + off, sizeof(T));
    return value;
  }

  // A NUL-terminated string starting at `off`.
  std::string string_at(std::size_t off, const char* field) const {
    if (off >= data_.size()) fail(std::string(field) + " string offset " + std::to_string(off) + " is past the end");
    const void* nul = std::memchr(data_.data() + off, 0, data_.size() - off);
    if (nul == nullptr) fail(std::string(field) + " string at offset " + std::to_string(off) + " is not NUL-terminated");
    return std::string(reinterpret_cast<const char*>(data_.data() + off),
                       static_cast<const unsigned char*>(nul) - (data_.data() + off));
  }

  bool starts_with(std::size_t off, std::string_view magic) const {
    return fits(off, magic.size()) && std::memcmp(data_.data() + off, magic.data(), magic.size()) == 0;
  }

  std::size_t size() const { return data_.size(); }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(origin_ + ": not a valid ld.so cache: " + what + " (file size " + std::to_string(data_.size()) + ")");
  }

 private:
  std::span<const unsigned char> data_;
  const std::string& origin_;
};

// The count of entries must fit in what is left of the file.
void check_count(const Bytes& bytes, std::size_t start, uint32_t count, std::size_t entry_size, const char* what) {
  if (!bytes.fits(start, std::size_t{count} * entry_size)) {
    bytes.fail(std::string(what) + " count " + std::to_string(count) + " does not fit in the file");
  }
}

// glibc elf/dl-cache.c cache_extension_load: the extension and its sections are located from the
// start of the file; the strings they name, like all strings, from the new-format header (`base`).
std::vector<std::string> read_hwcaps_strings(const Bytes& bytes, std::size_t base, uint32_t extension_offset) {
  std::vector<std::string> strings;
  if (extension_offset == 0) return strings;
  const std::size_t at = extension_offset;
  if (!bytes.fits(at, 8) || bytes.get<uint32_t>(at, "extension magic") != kExtensionMagic) return strings;
  const uint32_t count = bytes.get<uint32_t>(at + 4, "extension count");
  check_count(bytes, at + 8, count, 16, "extension section");
  for (uint32_t i = 0; i < count; ++i) {
    const std::size_t section = at + 8 + std::size_t{i} * 16;
    if (bytes.get<uint32_t>(section, "extension tag") != kExtensionTagHwcaps) continue;
    const uint32_t offset = bytes.get<uint32_t>(section + 8, "extension offset");
    const uint32_t size = bytes.get<uint32_t>(section + 12, "extension size");
    if (size % 4 != 0 || !bytes.fits(offset, size)) bytes.fail("glibc-hwcaps section out of range");
    for (uint32_t s = 0; s < size / 4; ++s) {
      const uint32_t string_offset = bytes.get<uint32_t>(std::size_t{offset} + s * 4, "glibc-hwcaps string");
      strings.push_back(bytes.string_at(base + string_offset, "glibc-hwcaps"));
    }
  }
  return strings;
}

std::vector<LdCache::Entry> read_new_format(const Bytes& bytes, std::size_t base) {
  if (!bytes.fits(base, kNewHeaderSize)) bytes.fail("truncated header");
  const uint8_t endian = bytes.get<uint8_t>(base + 28, "flags");
  const bool native_little = std::endian::native == std::endian::little;
  if ((endian == kEndianLittle && !native_little) || (endian == kEndianBig && native_little) ||
      (endian != 0 && endian != kEndianLittle && endian != kEndianBig)) {
    bytes.fail("byte order flag " + std::to_string(endian) + " is not this machine's");
  }
  const uint32_t nlibs = bytes.get<uint32_t>(base + 20, "nlibs");
  check_count(bytes, base + kNewHeaderSize, nlibs, kNewEntrySize, "entry");
  const auto hwcaps = read_hwcaps_strings(bytes, base, bytes.get<uint32_t>(base + 32, "extension_offset"));
  std::vector<LdCache::Entry> entries;
  entries.reserve(nlibs);
  for (uint32_t i = 0; i < nlibs; ++i) {
    const std::size_t at = base + kNewHeaderSize + std::size_t{i} * kNewEntrySize;
    LdCache::Entry e;
    e.flags = bytes.get<int32_t>(at, "flags");
    e.key = bytes.string_at(base + bytes.get<uint32_t>(at + 4, "key"), "key");
    e.value = bytes.string_at(base + bytes.get<uint32_t>(at + 8, "value"), "value");
    e.osversion = bytes.get<uint32_t>(at + 12, "osversion");
    e.hwcap = bytes.get<uint64_t>(at + 16, "hwcap");
    if ((e.hwcap & kHwcapExtensionBit) != 0) {
      const uint32_t index = static_cast<uint32_t>(e.hwcap);
      if (index >= hwcaps.size()) bytes.fail("glibc-hwcaps index " + std::to_string(index) + " out of range");
      e.hwcaps_subdir = hwcaps[index];
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<LdCache::Entry> read_old_format(const Bytes& bytes, std::size_t& end_of_entries) {
  const uint32_t nlibs = bytes.get<uint32_t>(12, "nlibs");
  check_count(bytes, kOldHeaderSize, nlibs, kOldEntrySize, "entry");
  end_of_entries = kOldHeaderSize + std::size_t{nlibs} * kOldEntrySize;
  std::vector<LdCache::Entry> entries;
  entries.reserve(nlibs);
  for (uint32_t i = 0; i < nlibs; ++i) {
    const std::size_t at = kOldHeaderSize + std::size_t{i} * kOldEntrySize;
    LdCache::Entry e;
    e.flags = bytes.get<int32_t>(at, "flags");
    // Old-format string offsets count from the string table after the entries.
    e.key = bytes.string_at(end_of_entries + bytes.get<uint32_t>(at + 4, "key"), "key");
    e.value = bytes.string_at(end_of_entries + bytes.get<uint32_t>(at + 8, "value"), "value");
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace

LdCache LdCache::parse(std::span<const unsigned char> data, const std::string& origin) {
  const Bytes bytes(data, origin);
  LdCache cache;
  if (bytes.starts_with(0, kNewMagic)) {
    cache.entries_ = read_new_format(bytes, 0);
  } else if (bytes.starts_with(0, kOldMagic)) {
    if (!bytes.fits(0, kOldHeaderSize)) bytes.fail("truncated header");
    std::size_t end = 0;
    auto old_entries = read_old_format(bytes, end);
    // glibc elf/dl-cache.c: the new format follows the old entries, aligned like its header.
    const std::size_t aligned = (end + alignof(uint64_t) - 1) & ~(alignof(uint64_t) - 1);
    if (bytes.starts_with(aligned, kNewMagic)) {
      cache.entries_ = read_new_format(bytes, aligned);
    } else {
      cache.entries_ = std::move(old_entries);
    }
  } else {
    bytes.fail("bad magic");
  }
  for (std::size_t i = 0; i < cache.entries_.size(); ++i) cache.by_key_[cache.entries_[i].key].push_back(i);
  return cache;
}

std::optional<LdCache> LdCache::load(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) return std::nullopt;
  const MappedFile file(path);
  return parse(file.bytes(), path);
}

std::optional<std::string> LdCache::lookup(std::string_view name, int32_t required_flags,
                                           std::span<const std::string> active_hwcaps) const {
  const auto it = by_key_.find(std::string(name));
  if (it == by_key_.end()) return std::nullopt;
  const Entry* best = nullptr;
  std::size_t best_priority = active_hwcaps.size();  // plain entries rank after every hwcaps level
  for (const std::size_t i : it->second) {
    const Entry& e = entries_[i];
    if (e.flags != required_flags) continue;
    std::size_t priority = active_hwcaps.size();
    if (!e.hwcaps_subdir.empty()) {
      const auto level = std::find(active_hwcaps.begin(), active_hwcaps.end(), e.hwcaps_subdir);
      if (level == active_hwcaps.end()) continue;
      priority = static_cast<std::size_t>(level - active_hwcaps.begin());
    }
    if (best == nullptr || priority < best_priority) {
      best = &e;
      best_priority = priority;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->value;
}

// sysdeps/generic/ldconfig.h FLAG_* values, as sysdeps/*/dl-cache.h pick them per architecture.
std::optional<int32_t> ld_cache_flags_for(uint16_t e_machine, int elf_class) {
  constexpr int32_t kElfLibc6 = 0x0003;
  switch (e_machine) {
    case 62: return elf_class == 2 ? kElfLibc6 | 0x0300 : kElfLibc6 | 0x0800;  // x86-64 / x32
    case 3: return kElfLibc6;                                                  // i386
    case 183: return kElfLibc6 | 0x0a00;                                       // aarch64
    case 40: return kElfLibc6 | 0x0900;                                        // arm hard-float
    case 21: return elf_class == 2 ? kElfLibc6 | 0x0500 : kElfLibc6;           // ppc64 / ppc
    case 22: return elf_class == 2 ? kElfLibc6 | 0x0400 : kElfLibc6;           // s390x / s390
    default: return std::nullopt;
  }
}

}  // namespace elfpack
