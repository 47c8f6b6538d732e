// Running a helper program (the target's linker for its parameters, the package manager) and
// reading what it prints. Never used to run the programs being bundled.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace elfpack {

struct ProcessOutput {
  int exit_status = -1;  // -1: did not start, or ended by a signal
  std::string out;       // standard output (and standard error, when asked)
};

// A helper started now and waited for later, so that it runs beside elfpack's own work (on
// another core) instead of before it. Destroying one that was not waited for kills it: its
// answer was not needed.
class Process {
 public:
  // Starts argv[0] (a path, not looked up) with `environment` ("NAME=value" entries; empty: an
  // empty environment) and standard input from /dev/null; standard error is discarded, or
  // captured with standard output when `with_stderr`.
  Process(const std::vector<std::string>& argv, const std::vector<std::string>& environment = {},
          bool with_stderr = false);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Everything it printed and how it ended (the same answer each time).
  const ProcessOutput& wait();

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool waited_ = false;
  ProcessOutput result_;
};

// Starts a Process and waits for it.
ProcessOutput run_process(const std::vector<std::string>& argv, const std::vector<std::string>& environment = {},
                          bool with_stderr = false);

// The first of `names` found as an executable in the usual system directories, or nullopt.
std::optional<std::string> find_system_tool(const std::string& name);

}  // namespace elfpack
