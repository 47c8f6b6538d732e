// Fuzz target for the strace-log reader: the input is a log as `strace -f -o LOG` writes it.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "elfpack/base/error.h"
#include "elfpack/runtime/trace_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    std::set<std::string> seen;
    for (const auto& traced : elfpack::parse_strace_log(text, "fuzz.log")) {
      // Documented: non-empty paths, each once.
      if (traced.path.empty() || traced.syscall.empty() || !seen.insert(traced.path).second) __builtin_trap();
    }
  } catch (const elfpack::Error&) {
  }
  return 0;
}
