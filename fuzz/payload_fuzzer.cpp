// Fuzz target for the payload reader that the expander of compressed bundles runs on a bundle's
// payload (launchers/expand/payload_format.c): the input is a payload file.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "payload_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  payload p;
  const char* problem = nullptr;
  if (payload_open(&p, data, size, &problem) != 0) {
    if (problem == nullptr) __builtin_trap();
    return 0;
  }
  std::uint64_t cursor = 0, offset = 0;
  payload_entry e;
  int r;
  while ((r = payload_next(&p, &cursor, &offset, &e, &problem)) == 1) {
    // What reaches the file system: a plain relative path inside the input, a target inside it.
    const auto* path = reinterpret_cast<const uint8_t*>(e.path);
    if (path < data || path >= data + size || e.path[0] == '/' || e.path[0] == '\0') __builtin_trap();
    const std::size_t n = std::strlen(e.path);
    if (static_cast<std::size_t>(data + size - path) <= n) __builtin_trap();
    if (e.target != nullptr && std::strlen(e.target) != e.size) __builtin_trap();
    if (offset > p.expanded) __builtin_trap();
  }
  if (r == 0 && cursor != p.index_size) __builtin_trap();
  payload_frame before{}, f{};
  for (std::uint32_t i = 0; i < p.frames; ++i) {
    payload_frame_at(&p, i, i ? &before : nullptr, &f);
    if (f.coded_offset > size || size - f.coded_offset < f.coded_size) __builtin_trap();
    before = f;
  }
  return 0;
}
