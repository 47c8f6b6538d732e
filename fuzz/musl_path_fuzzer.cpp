// Fuzz target for the musl path-file parser: the input is the text of etc/ld-musl-<arch>.path.
#include <cstddef>
#include <cstdint>
#include <string>

#include "elfpack/resolve/loader_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::size_t total = 0;
  for (const auto& dir : elfpack::parse_musl_path(text)) {
    // Elements are the non-empty runs between separators, nothing dropped or added.
    if (dir.empty() || dir.find_first_of(":\n") != std::string::npos) __builtin_trap();
    total += dir.size();
  }
  if (total > size) __builtin_trap();
  return 0;
}
