// Errors: library code throws elfpack::Error (the one exception type) for anything that stops the
// current operation; problems that should be collected and reported together (every missing
// library at once) go to a Diagnostics list and are turned into one Error at the end of a step.
// Only main() maps errors to exit codes.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace elfpack {

// Exit codes, documented in `elfpack --help`.
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,  // the input or the environment made the job impossible
  kExitUsage = 2,  // the command line is wrong
};

// The message is complete and user-facing: it names the file, the field, the value and the limit.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Errors that do not stop the current step, so that the user sees all of them in one run.
class Diagnostics {
 public:
  void error(std::string message) { errors_.push_back(std::move(message)); }
  const std::vector<std::string>& errors() const { return errors_; }
  bool has_errors() const { return !errors_.empty(); }

 private:
  std::vector<std::string> errors_;
};

}  // namespace elfpack
