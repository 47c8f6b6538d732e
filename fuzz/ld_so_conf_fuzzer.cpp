// Fuzz target for the ld.so.conf parser: the input is one file's text. Checks what the includes
// walk (read_ld_so_conf) relies on: directories are non-empty single lines without comments.
#include <cstddef>
#include <cstdint>
#include <string>

#include "elfpack/resolve/loader_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& entry : elfpack::parse_ld_so_conf(text)) {
    if (entry.value.empty() || entry.value.find_first_of("\n#") != std::string::npos) __builtin_trap();
    if (entry.include && entry.value.find_first_of(" \t") != std::string::npos) __builtin_trap();
  }
  return 0;
}
