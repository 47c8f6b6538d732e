// Reading what a program touched from an strace log (`strace -f -e trace=file -o LOG prog ...`),
// so that a trace taken on another machine (or with `elfpack --trace`) names the files a program
// opens at run time: data it reads, libraries it dlopens, helpers it executes.
#pragma once

#include <string>
#include <vector>

namespace elfpack {

struct TracedPath {
  std::string path;     // as the program named it (absolute, or relative to its directory)
  std::string syscall;  // "openat", "execve", "stat", ...
};

// Every successful (result >= 0) path-taking file call in the log, in order, each path once.
// Lines split by -f ("<unfinished ...>" / "<... resumed>") are joined; pid prefixes ("[pid 12] "
// or "12 ") and timestamps are skipped; C escapes in the quoted path are decoded. Lines that
// are not calls (signals, exits) are ignored. Throws Error naming `origin` and the line number
// for a call whose path cannot be read (an unterminated string).
std::vector<TracedPath> parse_strace_log(const std::string& text, const std::string& origin);

}  // namespace elfpack
