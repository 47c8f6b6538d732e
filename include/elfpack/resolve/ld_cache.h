// A bounds-checked reader of glibc's /etc/ld.so.cache (the format of elf/cache.c and
// sysdeps/generic/dl-cache.h): the new "glibc-ld.so.cache1.1" format, alone or after an old
// "ld.so-1.7.0" header, and the old format alone.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <memory>
#include <vector>

namespace elfpack {

class LdCache {
 public:
  struct Entry {
    int32_t flags = 0;
    std::string key;    // the soname, e.g. "libc.so.6"
    std::string value;  // the path, e.g. "/lib/x86_64-linux-gnu/libc.so.6"
    uint32_t osversion = 0;
    uint64_t hwcap = 0;
    std::string hwcaps_subdir;  // for glibc-hwcaps entries: the subdirectory name, e.g. "x86-64-v3"
  };

  // Parses (and checks every offset and string of) cache bytes, keeping a copy. Throws Error
  // naming `origin` and the problem.
  static LdCache parse(std::span<const unsigned char> data, const std::string& origin);
  // Maps a file; nullopt if it does not exist; Error for any other failure or bad content.
  static std::optional<LdCache> load(const std::string& path);

  LdCache(LdCache&&) noexcept;
  LdCache& operator=(LdCache&&) noexcept;
  ~LdCache();

  // What glibc's _dl_load_cache_lookup returns for `name` (elf/dl-cache.c search_cache): a binary
  // search over the entries as the file orders them, names compared with digit runs as numbers;
  // among the entries of that name whose flags the architecture accepts (`default_flags`, and 1
  // as well where that is 3), an entry of an active glibc-hwcaps level (`active_hwcaps`, best
  // first) beats a plain one, entries of inactive levels are unusable, and the first plain entry
  // with exactly `default_flags` ends the search.
  std::optional<std::string> lookup(std::string_view name, int32_t default_flags,
                                    std::span<const std::string> active_hwcaps = {}) const;

  // Every entry, decoded (for listings and tests; lookups do not need this).
  std::vector<Entry> entries() const;
  std::size_t size() const { return count_; }
  bool has_hwcaps() const { return !hwcaps_.empty(); }  // any glibc-hwcaps entries

 private:
  LdCache() = default;
  void index(const std::string& origin);  // finds the entries and checks every one
  template <typename T>
  T field(std::size_t index, std::size_t offset) const;
  std::string_view string_at(uint32_t offset) const;
  Entry entry(std::size_t index) const;

  std::vector<unsigned char> owned_;     // parse(): a copy of the bytes
  std::unique_ptr<class MappedFile> mapped_;  // load(): the mapping
  std::span<const unsigned char> data_;
  std::size_t strings_ = 0;  // where string offsets count from
  std::size_t first_ = 0;    // offset of the first entry
  std::size_t stride_ = 0;   // entry size: 12 (old format) or 24 (new)
  std::size_t count_ = 0;
  std::vector<std::string> hwcaps_;  // the glibc-hwcaps extension's subdirectory names
};

// Orders names as ldconfig sorts the cache (elf/dl-cache.c _dl_cache_libcmp): runs of digits
// compare as numbers, so "libfoo.so.10" > "libfoo.so.9" and "libfoo.so.01" == "libfoo.so.1".
int cache_name_compare(std::string_view a, std::string_view b);

// The flags ldconfig writes, and the loader requires, for libraries of an ELF machine and class
// (1: 32-bit, 2: 64-bit); nullopt for a machine glibc's cache does not describe here.
std::optional<int32_t> ld_cache_flags_for(uint16_t e_machine, int elf_class);

}  // namespace elfpack
