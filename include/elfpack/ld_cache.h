// A bounds-checked reader of glibc's /etc/ld.so.cache (the format of elf/cache.c and
// sysdeps/generic/dl-cache.h): the new "glibc-ld.so.cache1.1" format, alone or after an old
// "ld.so-1.7.0" header, and the old format alone.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
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

  // Parses cache bytes. Throws Error naming `origin` and the problem.
  static LdCache parse(std::span<const unsigned char> data, const std::string& origin);
  // Reads a file; nullopt if it does not exist; Error for any other failure or bad content.
  static std::optional<LdCache> load(const std::string& path);

  // What glibc's _dl_load_cache_lookup returns for `name`: among entries with this key and
  // `required_flags`, one in an active glibc-hwcaps subdirectory (best first) wins over a plain
  // one; entries of inactive hwcaps are unusable; among plain entries the first in file order.
  std::optional<std::string> lookup(std::string_view name, int32_t required_flags,
                                    std::span<const std::string> active_hwcaps = {}) const;

  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_key_;
};

// The flags ldconfig writes, and the loader requires, for libraries of an ELF machine and class
// (1: 32-bit, 2: 64-bit); nullopt for a machine glibc's cache does not describe here.
std::optional<int32_t> ld_cache_flags_for(uint16_t e_machine, int elf_class);

}  // namespace elfpack
