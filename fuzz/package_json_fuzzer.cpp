// Fuzz target for the JSON reader (base/json_reader.h): the input is the text of an npm package's
// package.json. Any input either gives the member names asked for or throws elfpack::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "elfpack/base/error.h"
#include "elfpack/base/json_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto keys = elfpack::json_object_keys(text, {"dependencies", "optionalDependencies", "peerDependencies"},
                                                "package.json");
    std::size_t names = 0;
    for (const auto& [member, list] : keys) names += list.size();
    // Each name takes at least its two quotes and a colon in the text.
    if (names * 3 > size) __builtin_trap();
  } catch (const elfpack::Error&) {
  }
  return 0;
}
