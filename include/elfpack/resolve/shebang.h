// The #! line of a script, read as Linux reads it (fs/binfmt_script.c load_script), and the
// arguments `env` makes of it (`#!/usr/bin/env NAME`, `#!/usr/bin/env -S "NAME ARGS"`). Takes a
// file's first bytes; gives the interpreter as written and the arguments it is run with. Refuses,
// with one line naming the file, what Linux would refuse or cut, or what cannot be bundled.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace elfpack {

// How much of a script Linux reads to find its interpreter: BINPRM_BUF_SIZE, 256 bytes since
// Linux 5.1 (128 before). A #! line must end within it: a longer one is refused rather than cut.
inline constexpr std::size_t kShebangBufferSize = 256;

struct Shebang {
  std::string line;                     // the line after "#!", as written, for messages
  std::string interpreter;              // "/usr/bin/perl", "/usr/bin/env"
  std::optional<std::string> argument;  // the one argument Linux passes: the rest of the line
  bool carriage_return = false;         // the argument ends in '\r' (CRLF line endings)
};

// nullopt when `bytes` does not start with "#!". Throws Error naming `file` when Linux would not
// run it (no interpreter name, an interpreter name ending in '\r') or when the line does not end
// within kShebangBufferSize bytes.
std::optional<Shebang> parse_shebang(std::span<const unsigned char> bytes, const std::string& file);

// What `env` runs when a #! line names it: the program (a name looked up in PATH, or a path) and
// the arguments that come before the script's path.
struct EnvCommand {
  std::string program;
  std::vector<std::string> arguments;
};

// `argument`: the #! line's argument to env. Without -S, one program name (Linux passes the rest
// of the line as one argument); with -S (or --split-string=), split as GNU env splits it: blanks,
// '...' and "..." quotes, backslash escapes, # comments. Assignments (NAME=VALUE), other options
// and ${VAR} are refused: the bundle runs the interpreter without env. Throws Error naming `file`.
EnvCommand parse_env_arguments(const std::optional<std::string>& argument, const std::string& file);

// Whether `interpreter` is env (by its base name), whose argument names the real interpreter.
bool is_env(const std::string& interpreter);

}  // namespace elfpack
