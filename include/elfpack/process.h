// Running a helper program (the target's linker for its parameters, the package manager) and
// reading what it prints. Never used to run the programs being bundled.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace elfpack {

struct ProcessOutput {
  int exit_status = -1;  // -1: did not start, or ended by a signal
  std::string out;       // standard output (and standard error, when asked)
};

// Runs argv[0] (a path, not looked up) with `environment` ("NAME=value" entries; empty: an empty
// environment) and standard input from /dev/null; standard error is discarded, or captured with
// standard output when `with_stderr`.
ProcessOutput run_process(const std::vector<std::string>& argv, const std::vector<std::string>& environment = {},
                          bool with_stderr = false);

// The first of `names` found as an executable in the usual system directories, or nullopt.
std::optional<std::string> find_system_tool(const std::string& name);

}  // namespace elfpack
