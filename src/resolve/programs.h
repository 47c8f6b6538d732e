// Finding a program as a shell does: shared by programs.cpp (the programs given) and scripts.cpp
// (an interpreter env looks up). Internal to src/resolve.
#pragma once

#include <string>

namespace elfpack {

// A name with a slash is a path (made absolute); others are searched in $PATH (in a sysroot: its
// usual bin directories, and paths are inside it). Throws Error for a name that is not found.
std::string find_program(const std::string& name, const std::string& sysroot);

}  // namespace elfpack
