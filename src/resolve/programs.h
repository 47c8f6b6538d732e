// Finding a program as a shell does: shared by programs.cpp (the programs given) and scripts.cpp
// (an interpreter env looks up). Internal to src/resolve.
#pragma once

#include <string>

namespace elfpack {

// Where a program was found: its path as the target sees it, and where this machine reads it.
struct Found {
  std::string path;
  std::string file;
};

// A program as the user typed it: a path (absolute: in the root; relative: this machine's) or a
// name looked up on the PATH (in a sysroot: its usual bin directories). Throws Error for a name
// that is not found (programs.cpp has the rules).
Found find_program(const std::string& typed, const std::string& sysroot);

}  // namespace elfpack
