// --trace -- COMMAND ARGS...: run the program once under ptrace, following every process it
// starts, and record the files it opened, statted or executed until the command (the first
// process) ends. What it left running (an agent, a backgrounded job) is reported and stopped.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "elfpack/runtime/trace_log.h"

namespace elfpack {

// A process the command started and left running when it ended.
struct LeftRunning {
  pid_t pid = 0;
  std::string executable;  // /proc/<pid>/exe, or "?" when it could not be read
};

struct TraceResult {
  std::vector<TracedPath> paths;  // successful path calls until the command ended, each path once, in order
  int exit_status = -1;           // the command's (128 + signal when killed)
  std::vector<LeftRunning> left_running;  // one per process (not thread), in pid order
};

// Runs `command` (looked up in PATH) with its standard output sent to our standard error, and
// returns when it has ended. The processes it left running are sent SIGTERM, then SIGKILL after a
// grace period, and returns once they are gone; their calls after the command ended are not
// recorded, so the result does not depend on how far they got. Throws Error when it cannot be
// traced (no ptrace permission: use --trace-log with a trace taken elsewhere).
TraceResult trace_command(const std::vector<std::string>& command);

}  // namespace elfpack
