// Following a script's #! chain to the ELF program that runs it, as Linux's exec would
// (fs/binfmt_script.c, fs/exec.c), and reading a shell script for the programs it runs. Takes a
// script's path; gives a Script (elfpack/bundle.h).
#pragma once

#include <string>
#include <vector>

#include "elfpack/bundle.h"

namespace elfpack {

// How many scripts a #! chain may hold before its ELF interpreter: Linux's BINPRM_MAX_RECURSION
// (4 before Linux 5.8; since then exec allows 5 handlers, the ELF one included).
inline constexpr std::size_t kMaxScriptDepth = 4;

// The #! chain of the script at `path` (absolute, as the target sees it; read from `file`): its
// ELF interpreter's path, the arguments Linux would give it and, for a shell script, the files it
// sources and the ELF programs it and they run, by absolute path and by name. `name` is its name in bin/. Throws Error naming the script:
// a #! line Linux would refuse or cut, an interpreter that is missing, relative, or neither an
// ELF program nor a script, a chain deeper than kMaxScriptDepth.
Script follow_script(const std::string& name, const std::string& path, const std::string& file,
                     const std::string& sysroot);

// Whether an interpreter is a POSIX-style shell (sh, dash, bash, ksh, zsh...), by its base name.
bool is_shell(const std::string& interpreter);

// The words of a shell script that could be programs it runs by absolute path: each word that
// starts with '/' once its quotes are removed and holds no expansion ($, `, *, ?, [, ~), outside
// comments, in the order they first appear. Which of them are programs is for the caller to see.
std::vector<std::string> absolute_words(const std::string& text);

// The names a shell script may run as commands: each plain word (no slash, quote or expansion, not
// an assignment) in a command's place — first on a line, after ; & | ( ) `, $( and a reserved
// word that a command follows (then, do, !, ...), after assignments and exec, command, nohup —
// outside comments, in the order they first appear, but the shell's own builtins. Which of them
// are programs on the PATH is for the caller to see.
std::vector<std::string> command_words(const std::string& text);

// The files a shell script reads into itself by absolute path: the word after `.` or `source` in a
// command's place when it holds no expansion, and, when that word is only a `for` loop's variable
// ("$f"), the loop's absolute words, each a path or a pathname pattern (for f in /etc/x.d/*; do .
// "$f"; done), in the order they first appear. Where they are is for sourced_files to see.
std::vector<std::string> sourced_words(const std::string& text);

// The regular files in `sysroot` that a word of sourced_words stands for: the path itself, or
// what the shell's pathname expansion gives for a pattern in the last name (sorted bytewise, no
// leading dot unless the pattern has one, as dash expands).
std::vector<std::string> sourced_files(const std::string& word, const std::string& sysroot);

}  // namespace elfpack
