// A script's #! chain, as exec would follow it, and the programs a shell script runs.
#include "elfpack/resolve/scripts.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include <spdlog/spdlog.h>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/base/paths.h"
#include "elfpack/elf/elf_file.h"
#include "elfpack/resolve/loader_profile.h"
#include "elfpack/resolve/shebang.h"
#include "resolve/programs.h"

namespace elfpack {

namespace {

// The interpreter a #! line names, found as Linux (or env) would find it on the target: its path,
// and the interpreter's argv before the script's path.
struct Interpreter {
  std::string path;
  std::vector<std::string> head;
};

Interpreter find_interpreter(const Shebang& shebang, const std::string& file, const std::string& sysroot) {
  Interpreter found;
  std::string named = shebang.interpreter;
  if (is_env(shebang.interpreter)) {
    // The bundle runs the interpreter itself: env is neither needed nor bundled.
    EnvCommand env = parse_env_arguments(shebang.argument, file);
    found.head.push_back(env.program);
    found.head.insert(found.head.end(), env.arguments.begin(), env.arguments.end());
    if (env.program.find('/') == std::string::npos) {
      try {
        found.path = find_program(env.program, sysroot).path;
      } catch (const Error& e) {
        throw Error(file + ": interpreter " + e.what() + " (from its #! line, through env)");
      }
      return found;
    }
    named = env.program;
  } else {
    found.head.push_back(shebang.interpreter);
    if (shebang.argument) found.head.push_back(*shebang.argument);
    if (shebang.carriage_return) {
      spdlog::warn("{}: the #! line ends in a carriage return (CRLF line endings): {} is given \"{}\\r\", as Linux "
                   "would give it",
                   file, shebang.interpreter, shebang.argument->substr(0, shebang.argument->size() - 1));
    }
  }
  if (!named.starts_with('/')) {
    throw Error(file + ": the #! line names the interpreter " + named + " by a relative path, which Linux looks "
                "for in the current directory of whoever runs the script; name it by its absolute path");
  }
  struct stat st;
  if (::stat(in_root(sysroot, named).c_str(), &st) != 0) {
    throw Error(file + ": interpreter " + named + " not found (from its #! line" +
                (sysroot == "/" ? std::string(")") : ", in " + sysroot + ")"));
  }
  if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) {
    throw Error(file + ": interpreter " + named + " (from its #! line) is not an executable file");
  }
  found.path = named;
  return found;
}

// Follows the chain from the script at `path` (read from `file`) to its ELF interpreter.
void follow(const std::string& path, const std::string& file, const std::string& sysroot, const std::string& top,
            Script& script) {
  const MappedFile mapped(file);
  const std::optional<Shebang> shebang = parse_shebang(mapped.bytes(), file);
  mapped.ensure_intact();
  if (!shebang) throw Error(file + ": not a script (no #!)");
  script.chain.push_back({path, file, shebang->line});
  const Interpreter interpreter = find_interpreter(*shebang, file, sysroot);
  const std::string interpreter_file = in_root(sysroot, interpreter.path);
  const MappedFile next(interpreter_file);
  const auto bytes = next.bytes();
  const bool is_script = bytes.size() >= 2 && bytes[0] == '#' && bytes[1] == '!';
  next.ensure_intact();
  if (is_script) {
    if (script.chain.size() == kMaxScriptDepth) {
      throw Error(top + ": its #! chain holds more than " + std::to_string(kMaxScriptDepth) +
                  " scripts before an ELF interpreter (" + interpreter.path + " is a script too); Linux would refuse it "
                  "(ELOOP)");
    }
    // Linux puts the inner interpreter's argv in place of argv[0] (the name on this #! line).
    follow(interpreter.path, interpreter_file, sysroot, top, script);
    script.arguments.insert(script.arguments.end(), interpreter.head.begin() + 1, interpreter.head.end());
  } else {
    script.interpreter = interpreter.path;
    script.arguments = interpreter.head;
  }
  script.arguments.push_back(path);
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

bool is_shell(const std::string& interpreter) {
  static const char* const kShells[] = {"sh", "ash", "dash", "bash", "ksh", "ksh93", "mksh", "pdksh", "posh", "yash", "zsh"};
  const std::string name = base_name(interpreter);
  return std::any_of(std::begin(kShells), std::end(kShells), [&](const char* s) { return name == s; });
}

// A word ends at a blank, a newline or an operator; quotes join, and are dropped.
std::vector<std::string> absolute_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false, expansion = false;
  char quote = 0;
  auto end_word = [&] {
    if (in_word && !expansion && word.starts_with('/') &&
        std::find(words.begin(), words.end(), word) == words.end()) {
      words.push_back(word);
    }
    word.clear();
    in_word = expansion = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        if (c == '$' || c == '`' || (c == '\\' && quote == '"')) expansion = true;
        word += c;
      }
      continue;
    }
    if (is_blank(c) || c == '\n' || std::strchr(";&|()<>", c) != nullptr) {
      end_word();
    } else if (c == '#' && !in_word) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else {
      if (std::strchr("$`*?[~\\{", c) != nullptr) expansion = true;
      word += c;
      in_word = true;
    }
  }
  end_word();
  return words;
}

Script follow_script(const std::string& name, const std::string& path, const std::string& file,
                     const std::string& sysroot) {
  Script script;
  script.name = name;
  follow(path, file, sysroot, file, script);
  if (!is_shell(script.interpreter)) return script;
  // A shell front end: the ELF programs it names by absolute path (exec /usr/lib/x/bin/x "$@").
  const MappedFile mapped(file);
  const std::string text(reinterpret_cast<const char*>(mapped.bytes().data()), mapped.bytes().size());
  mapped.ensure_intact();
  for (const auto& word : absolute_words(text.substr(text.find('\n') == std::string::npos ? text.size() : text.find('\n')))) {
    if (word == script.interpreter || word == path) continue;
    const std::string candidate = in_root(sysroot, word);
    struct stat st;
    if (::stat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) continue;
    try {
      const ElfFacts elf = read_elf(candidate);
      if (elf.interp || elf.ident.type == kEtExec) script.runs.push_back(word);
    } catch (const Error&) {
      // not an ELF program: a script or data, left to --add
    }
  }
  return script;
}

}  // namespace elfpack
