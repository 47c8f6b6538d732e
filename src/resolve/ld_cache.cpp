#include "elfpack/resolve/ld_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"

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
  std::string string_at(std::size_t off, const char* field) const { return std::string(view_at(off, field)); }

  // The same, without a copy.
  std::string_view view_at(std::size_t off, const char* field) const {
    if (off >= data_.size()) fail(std::string(field) + " string offset " + std::to_string(off) + " is past the end");
    const void* nul = std::memchr(data_.data() + off, 0, data_.size() - off);
    if (nul == nullptr) fail(std::string(field) + " string at offset " + std::to_string(off) + " is not NUL-terminated");
    return std::string_view(reinterpret_cast<const char*>(data_.data() + off),
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

// glibc elf/dl-cache.c dl_cache_hwcap_extension: the entry names a glibc-hwcaps subdirectory.
bool is_hwcaps_entry(uint64_t hwcap) { return (hwcap >> 32) == (kHwcapExtensionBit >> 32); }

}  // namespace

int cache_name_compare(std::string_view a, std::string_view b) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0, j = 0;
  while (i < a.size()) {
    const char ca = a[i];
    const char cb = j < b.size() ? b[j] : '\0';
    if (digit(ca)) {
      if (!digit(cb)) return 1;
      // glibc accumulates a run in an int and returns the difference, both wrapping (in
      // practice) for runs of ten digits or more; ldconfig sorted the file that way, so the same
      // arithmetic, done in uint32_t where wrapping is defined, keeps the search consistent.
      uint32_t va = 0, vb = 0;
      while (i < a.size() && digit(a[i])) va = va * 10 + static_cast<uint32_t>(a[i++] - '0');
      while (j < b.size() && digit(b[j])) vb = vb * 10 + static_cast<uint32_t>(b[j++] - '0');
      if (va != vb) return static_cast<int32_t>(va - vb) < 0 ? -1 : 1;
    } else if (digit(cb)) {
      return -1;
    } else if (ca != cb) {
      return static_cast<unsigned char>(ca) - static_cast<unsigned char>(cb);
    } else {
      ++i;
      ++j;
    }
  }
  return j < b.size() ? -static_cast<unsigned char>(b[j]) : 0;
}

LdCache::LdCache(LdCache&&) noexcept = default;
LdCache& LdCache::operator=(LdCache&&) noexcept = default;
LdCache::~LdCache() = default;

void LdCache::index(const std::string& origin) {
  const Bytes bytes(data_, origin);
  std::size_t base = 0;
  if (bytes.starts_with(0, kOldMagic)) {
    if (!bytes.fits(0, kOldHeaderSize)) bytes.fail("truncated header");
    const uint32_t nlibs = bytes.get<uint32_t>(12, "nlibs");
    check_count(bytes, kOldHeaderSize, nlibs, kOldEntrySize, "entry");
    const std::size_t end = kOldHeaderSize + std::size_t{nlibs} * kOldEntrySize;
    // glibc elf/dl-cache.c: the new format follows the old entries, aligned like its header.
    const std::size_t aligned = (end + alignof(uint64_t) - 1) & ~(alignof(uint64_t) - 1);
    if (!bytes.starts_with(aligned, kNewMagic)) {
      // The old format alone: string offsets count from the string table after the entries.
      strings_ = end;
      first_ = kOldHeaderSize;
      stride_ = kOldEntrySize;
      count_ = nlibs;
    } else {
      base = aligned;
    }
  } else if (!bytes.starts_with(0, kNewMagic)) {
    bytes.fail("bad magic");
  }
  if (stride_ == 0) {
    if (!bytes.fits(base, kNewHeaderSize)) bytes.fail("truncated header");
    const uint8_t endian = bytes.get<uint8_t>(base + 28, "flags");
    const bool native_little = std::endian::native == std::endian::little;
    if ((endian == kEndianLittle && !native_little) || (endian == kEndianBig && native_little) ||
        (endian != 0 && endian != kEndianLittle && endian != kEndianBig)) {
      bytes.fail("byte order flag " + std::to_string(endian) + " is not this machine's");
    }
    const uint32_t nlibs = bytes.get<uint32_t>(base + 20, "nlibs");
    check_count(bytes, base + kNewHeaderSize, nlibs, kNewEntrySize, "entry");
    hwcaps_ = read_hwcaps_strings(bytes, base, bytes.get<uint32_t>(base + 32, "extension_offset"));
    strings_ = base;
    first_ = base + kNewHeaderSize;
    stride_ = kNewEntrySize;
    count_ = nlibs;
  }
  // Every string and hwcaps index is checked once here, so lookups need no checks.
  for (std::size_t i = 0; i < count_; ++i) {
    const std::size_t at = first_ + i * stride_;
    (void)bytes.view_at(strings_ + bytes.get<uint32_t>(at + 4, "key"), "key");
    (void)bytes.view_at(strings_ + bytes.get<uint32_t>(at + 8, "value"), "value");
    if (stride_ == kNewEntrySize) {
      const uint64_t hwcap = bytes.get<uint64_t>(at + 16, "hwcap");
      if (is_hwcaps_entry(hwcap) && static_cast<uint32_t>(hwcap) >= hwcaps_.size()) {
        bytes.fail("glibc-hwcaps index " + std::to_string(static_cast<uint32_t>(hwcap)) + " out of range");
      }
    }
  }
}

template <typename T>
T LdCache::field(std::size_t index, std::size_t offset) const {
  T value;
  std::memcpy(&value, data_.data() + first_ + index * stride_ + offset, sizeof(T));
  return value;
}

std::string_view LdCache::string_at(uint32_t offset) const {
  return std::string_view(reinterpret_cast<const char*>(data_.data() + strings_ + offset));  // checked in index()
}

LdCache::Entry LdCache::entry(std::size_t index) const {
  Entry e;
  e.flags = field<int32_t>(index, 0);
  e.key = string_at(field<uint32_t>(index, 4));
  e.value = string_at(field<uint32_t>(index, 8));
  if (stride_ == kNewEntrySize) {
    e.osversion = field<uint32_t>(index, 12);
    e.hwcap = field<uint64_t>(index, 16);
    if (is_hwcaps_entry(e.hwcap)) e.hwcaps_subdir = hwcaps_[static_cast<uint32_t>(e.hwcap)];
  }
  return e;
}

std::vector<LdCache::Entry> LdCache::entries() const {
  std::vector<Entry> all;
  all.reserve(count_);
  for (std::size_t i = 0; i < count_; ++i) all.push_back(entry(i));
  return all;
}

LdCache LdCache::parse(std::span<const unsigned char> data, const std::string& origin) {
  LdCache cache;
  cache.owned_.assign(data.begin(), data.end());
  cache.data_ = cache.owned_;
  cache.index(origin);
  return cache;
}

std::optional<LdCache> LdCache::load(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) return std::nullopt;
  LdCache cache;
  cache.mapped_ = std::make_unique<MappedFile>(path);
  cache.data_ = cache.mapped_->bytes();
  cache.index(path);
  cache.mapped_->ensure_intact();
  return cache;
}

std::optional<std::string> LdCache::lookup(std::string_view name, int32_t default_flags,
                                           std::span<const std::string> active_hwcaps) const {
  // sysdeps/generic/dl-cache.h: where the default id is 3 (32-bit), entries marked 1 are
  // accepted too; elsewhere only the default id.
  auto accepted = [default_flags](int32_t flags) { return flags == default_flags || (default_flags == 3 && flags == 1); };
  auto key = [this](long i) { return string_at(field<uint32_t>(static_cast<std::size_t>(i), 4)); };
  long left = 0;
  long right = static_cast<long>(count_) - 1;
  std::optional<std::string_view> best;
  std::size_t best_priority = 0;
  while (left <= right) {
    long middle = (left + right) / 2;
    const int cmp = cache_name_compare(name, key(middle));
    if (cmp == 0) {
      left = middle;
      while (middle > 0 && cache_name_compare(name, key(middle - 1)) == 0) --middle;
      do {
        if (middle > left && cache_name_compare(name, key(middle)) != 0) break;
        const int32_t flags = field<int32_t>(static_cast<std::size_t>(middle), 0);
        if (!accepted(flags)) continue;
        bool named = false;
        if (stride_ == kNewEntrySize) {
          const uint64_t hwcap = field<uint64_t>(static_cast<std::size_t>(middle), 16);
          named = is_hwcaps_entry(hwcap);
          // Entries of glibc-hwcaps subdirectories come first; after them a found one is final.
          if (!named && best) break;
          if (named) {
            const std::string& subdir = hwcaps_[static_cast<uint32_t>(hwcap)];
            const auto level = std::find(active_hwcaps.begin(), active_hwcaps.end(), subdir);
            if (level == active_hwcaps.end()) continue;  // not usable on this CPU
            const auto priority = static_cast<std::size_t>(level - active_hwcaps.begin());
            if (best && priority >= best_priority) continue;
            best_priority = priority;
          }
        }
        best = string_at(field<uint32_t>(static_cast<std::size_t>(middle), 8));
        if (!named && flags == default_flags) break;
      } while (++middle <= right);
      break;
    }
    if (cmp < 0) {
      left = middle + 1;
    } else {
      right = middle - 1;
    }
  }
  if (mapped_) mapped_->ensure_intact();
  if (!best) return std::nullopt;
  return std::string(*best);
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
