// Reading what a program touched from an strace log (`strace -f -e trace=file -o LOG prog ...`),
// so that a trace taken on another machine (or with `elfpack --trace`) names the files a program
// opens at run time: data it reads, libraries it dlopens, helpers it executes.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace elfpack {

struct TracedPath {
  std::string path;     // as the program named it (absolute, or relative to its directory)
  std::string syscall;  // "openat", "execve", "stat", ...
};

// Each path once, in the order first seen, with the call that says most of what it is to the
// program: an exec (execve, execveat) once one ran it, else the first call that named it. A shell
// or git looks a helper up (stat, access) before it runs it: the helper is a program, not a
// library. `index`: the place in `paths` of each path recorded so far.
void record_traced(std::vector<TracedPath>& paths, std::map<std::string, std::size_t>& index, const std::string& path,
                   const std::string& syscall);

// Every successful (result >= 0) path-taking file call in the log, as record_traced keeps them.
// Lines split by -f ("<unfinished ...>" / "<... resumed>") are joined; pid prefixes ("[pid 12] "
// or "12 ") and timestamps are skipped; C escapes in the quoted path are decoded. Lines that
// are not calls (signals, exits) are ignored. Throws Error naming `origin` and the line number
// for a call whose path cannot be read (an unterminated string).
std::vector<TracedPath> parse_strace_log(const std::string& text, const std::string& origin);

}  // namespace elfpack
