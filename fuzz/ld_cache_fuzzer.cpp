// Fuzz target for the ld.so.cache reader: the input is a cache file. parse() promises that every
// offset is checked once, so that lookups and entries() read without checks: exercising both on
// whatever parse() accepted is what tests that promise.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "elfpack/base/error.h"
#include "elfpack/resolve/ld_cache.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::optional<elfpack::LdCache> cache;
  try {
    cache.emplace(elfpack::LdCache::parse(std::span<const unsigned char>(data, size), "fuzz.cache"));
  } catch (const elfpack::Error&) {
    return 0;
  }
  const std::vector<elfpack::LdCache::Entry> entries = cache->entries();
  if (entries.size() != cache->size()) __builtin_trap();
  (void)cache->has_hwcaps();
  const std::vector<std::string> active = {"x86-64-v4", "x86-64-v3", "x86-64-v2"};
  // x86-64's flags, i386's (where entries flagged 1 count too), and names both present and not.
  for (const int32_t flags : {0x0303, 3}) {
    (void)cache->lookup("libc.so.6", flags, active);
    (void)cache->lookup("", flags);
    // Lookups cost a binary search each: a bounded sample of the keys keeps the target fast.
    for (std::size_t i = 0; i < entries.size() && i < 64; ++i) {
      (void)cache->lookup(entries[i].key, flags, active);
      (void)cache->lookup(entries[i].key + "0", flags);
    }
  }
  return 0;
}
