// --trace -- COMMAND ARGS...: run the program once under ptrace, following every process it
// starts, and record the files it opened, statted or executed.
#pragma once

#include <string>
#include <vector>

#include "elfpack/runtime/trace_log.h"

namespace elfpack {

struct TraceResult {
  std::vector<TracedPath> paths;  // successful path calls, each path once, in order
  int exit_status = -1;           // the command's (128 + signal when killed)
};

// Runs `command` (looked up in PATH) with its standard output sent to our standard error. Throws
// Error when it cannot be traced (no ptrace permission: use --trace-log with a trace taken
// elsewhere).
TraceResult trace_command(const std::vector<std::string>& command);

}  // namespace elfpack
