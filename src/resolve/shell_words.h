// What a word of a shell script is, shared by the readers of shell scripts (scripts.cpp: the
// programs a script runs; sourced.cpp: the files it sources). Internal to src/resolve.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>

namespace elfpack {

inline bool is_shell_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// NAME=... with NAME a shell variable name: an assignment, after which a command may still come.
inline bool is_assignment(const std::string& word) {
  const std::size_t equals = word.find('=');
  if (equals == 0 || equals == std::string::npos) return false;
  return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(equals),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace elfpack
