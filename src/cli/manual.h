// The manual page and the shell completions, generated from the command line's own definition
// (the CLI11 app that also prints --help), so the three cannot drift apart. Built into the
// executable only: `elfpack --print-man-page`, `elfpack --print-completion bash|zsh` (hidden
// options; CMake runs them at build time and installs what they print).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace elfpack::cli {

// elfpack(1) in roff (man(7) macros): synopsis, description, every visible option of the
// program and of each subcommand with its description, and the footer's sections (examples,
// exit status) as sections of their own.
std::string manual_page(const CLI::App& app, const std::string& version);

// A completion script for `shell` ("bash" or "zsh"): subcommands, each one's options, and for
// options that take a value, files, directories (type name DIR or DIRS) or the words `choices`
// lists for it (by long name). Throws std::invalid_argument
// for another shell.
std::string completion_script(const CLI::App& app, const std::string& shell,
                              const std::map<std::string, std::vector<std::string>>& choices);

}  // namespace elfpack::cli
