// A script's #! chain, as exec would follow it, and the programs a shell script runs.
#include "elfpack/resolve/scripts.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include <spdlog/spdlog.h>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/base/paths.h"
#include "elfpack/elf/elf_file.h"
#include "elfpack/resolve/loader_profile.h"
#include "elfpack/resolve/shebang.h"
#include "resolve/programs.h"
#include "resolve/shell_words.h"

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

// An executable regular file that is an ELF program (not a script, which is left to --add).
bool is_elf_program(const std::string& file) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) return false;
  try {
    const ElfFacts elf = read_elf(file);
    return elf.interp || elf.ident.type == kEtExec;
  } catch (const Error&) {
    return false;
  }
}

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
    if (is_shell_blank(c) || c == '\n' || std::strchr(";&|()<>", c) != nullptr) {
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

namespace {

// What a shell runs itself (dash's and bash's builtins) and the reserved words: never programs.
bool is_builtin_or_reserved(const std::string& word) {
  static const char* const kWords[] = {
      ".", ":", "[", "[[", "]]", "alias", "bg", "break", "builtin", "case", "cd", "command", "continue", "declare",
      "do", "done", "echo", "elif", "else", "esac", "eval", "exec", "exit", "export", "false", "fc", "fg", "fi", "for",
      "function", "getopts", "hash", "if", "in", "jobs", "kill", "let", "local", "nohup", "printf", "pwd", "read",
      "readonly", "return", "select", "set", "shift", "shopt", "source", "test", "then", "time", "times", "trap",
      "true", "type", "typeset", "ulimit", "umask", "unalias", "unset", "until", "wait", "while", "!", "{", "}"};
  return std::any_of(std::begin(kWords), std::end(kWords), [&](const char* w) { return word == w; });
}

// Words after which the next word is a command again: reserved words that open a list, and the
// builtins that run their argument.
bool command_follows(const std::string& word) {
  static const char* const kWords[] = {"!", "{", "do", "elif", "else", "if", "then", "time", "until", "while",
                                       "exec", "command", "builtin", "nohup"};
  return std::any_of(std::begin(kWords), std::end(kWords), [&](const char* w) { return word == w; });
}

}  // namespace

// A word ends at a blank, a newline or an operator. `$(` and ` open a nested command (inside
// double quotes too), after which the word around it goes on; `for` and `case` take words that
// are not commands up to the end of their list; the word after a redirection is a file.
std::vector<std::string> command_words(const std::string& text) {
  struct State {
    std::string word;
    bool in_word = false, plain = true;  // plain: no quote, escape or expansion in it
    bool expect = true;                  // the next word is in a command's place
    bool prefix = false;                 // after exec, command...: options may come first
    bool listing = false;                // after for or case: no command until the list ends
    bool case_head = false;              // between case and its in
    bool patterns = false;               // a case's patterns, up to their )
    int cases = 0;                       // case ... esac open
    char quote = 0;
    char closer = 0;  // of a substitution: ')' or '`'
    int parens = 0;   // ( ) pairs open inside a $( )
  };
  std::vector<std::string> words;
  State s;
  std::vector<State> outer;  // the states around the substitutions open
  auto end_word = [&] {
    if (!s.in_word) return;
    if (s.case_head && s.plain && s.word == "in") {
      s.case_head = s.listing = false;
      s.patterns = true;
      ++s.cases;
    } else if ((s.patterns || s.expect) && s.plain && s.word == "esac" && s.cases > 0) {
      --s.cases;
      s.patterns = false;
      s.expect = true;  // what follows esac's line or ; is a command
    } else if (s.expect && !s.listing && !s.patterns) {
      if (s.plain && (s.word == "for" || s.word == "case")) {
        s.listing = true;
        s.case_head = s.word == "case";
      } else if (s.plain && command_follows(s.word)) {
        s.prefix = s.word == "exec" || s.word == "command" || s.word == "builtin" || s.word == "nohup";
      } else if (is_assignment(s.word) || (s.prefix && s.word.starts_with('-'))) {
        // the command is still to come
      } else {
        if (s.plain && !s.word.starts_with('-') && !is_builtin_or_reserved(s.word) &&
            std::find(words.begin(), words.end(), s.word) == words.end()) {
          words.push_back(s.word);
        }
        s.expect = s.prefix = false;
      }
    }
    s.word.clear();
    s.in_word = false;
    s.plain = true;
  };
  auto open_substitution = [&](char closer) {
    outer.push_back(s);
    s = State{};
    s.closer = closer;
  };
  auto close_substitution = [&] {
    end_word();
    s = outer.back();
    outer.pop_back();
    s.in_word = true;  // the substitution is part of the word around it
    s.plain = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (s.quote == '\'') {
      if (c == '\'') s.quote = 0;
    } else if (c == '\\') {
      if (i + 1 < text.size() && text[i + 1] != '\n') s.plain = false, s.in_word = true;  // else a line continued
      ++i;
    } else if (c == '$' && text.compare(i, 2, "$(") == 0 && text.compare(i, 3, "$((") != 0) {
      ++i;
      open_substitution(')');
    } else if (c == '`') {
      if (s.closer == '`') {
        close_substitution();
      } else {
        open_substitution('`');
      }
    } else if (s.quote == '"') {
      if (c == '"') s.quote = 0;
      if (c == '$') s.plain = false;
    } else if (c == '\'' || c == '"') {
      s.quote = c;
      s.plain = false;
      s.in_word = true;
    } else if (c == ')' && s.closer == ')' && s.parens == 0) {
      close_substitution();
    } else if (s.patterns && (c == '\n' || c == '|' || c == '(' || c == ')')) {
      end_word();
      if (c == ')') s.patterns = false, s.expect = true;  // the pattern's commands follow
    } else if (c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')') {
      end_word();
      if (c == ';' && text.compare(i, 2, ";;") == 0 && s.cases > 0) {  // the next pattern
        ++i;
        s.patterns = true;
        continue;
      }
      if (s.closer == ')') s.parens += c == '(' ? 1 : c == ')' ? -1 : 0;
      s.expect = true;
      s.prefix = s.listing = false;
    } else if (c == '<' || c == '>') {
      end_word();
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == '<' || text[j] == '>' || text[j] == '&')) ++j;
      while (j < text.size() && is_shell_blank(text[j])) ++j;
      while (j < text.size() && !is_shell_blank(text[j]) && std::strchr("\n;&|()`", text[j]) == nullptr) ++j;
      i = j - 1;
    } else if (is_shell_blank(c)) {
      end_word();
    } else if (c == '#' && !s.in_word) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else {
      if (std::strchr("$*?[~{/", c) != nullptr) s.plain = false;
      s.word += c;
      s.in_word = true;
    }
  }
  end_word();
  return words;
}

namespace {

// A shell script's text after its #! line (all of it when it has none: a sourced file).
std::string shell_body(const std::string& file) {
  const MappedFile mapped(file);
  std::string text(reinterpret_cast<const char*>(mapped.bytes().data()), mapped.bytes().size());
  mapped.ensure_intact();
  if (text.starts_with("#!")) text.erase(0, text.find('\n') == std::string::npos ? text.size() : text.find('\n'));
  return text;
}

// The ELF programs `body` (of the script at `path`, or a file it sources) runs: by absolute path
// (exec /usr/lib/x/bin/x "$@"), and by name (dirname, sed) where a shell here would find them.
void add_runs(const std::string& body, const std::string& path, const std::string& sysroot, Script& script) {
  const auto known = [&](const std::string& program) {
    return program == script.interpreter || program == path ||
           std::find(script.runs.begin(), script.runs.end(), program) != script.runs.end() ||
           std::find(script.runs_by_name.begin(), script.runs_by_name.end(), program) != script.runs_by_name.end();
  };
  for (const auto& word : absolute_words(body)) {
    if (!known(word) && is_elf_program(in_root(sysroot, word))) script.runs.push_back(word);
  }
  for (const auto& word : command_words(body)) {
    std::string found;
    try {
      found = find_program(word, sysroot).path;
    } catch (const Error&) {
      continue;  // not a program here: a function of the script, a case pattern
    }
    if (found.starts_with('/') && !known(found) && is_elf_program(in_root(sysroot, found))) {
      script.runs_by_name.push_back(found);
    }
  }
}

}  // namespace

Script follow_script(const std::string& name, const std::string& path, const std::string& file,
                     const std::string& sysroot) {
  Script script;
  script.name = name;
  follow(path, file, sysroot, file, script);
  if (!is_shell(script.interpreter)) return script;
  // A shell front end: what it and the files it sources run. Those files are read as it is, once
  // each, and as many as a front end's configuration directory holds.
  constexpr std::size_t kMaxSourced = 256;
  std::vector<std::string> bodies{shell_body(file)};
  for (std::size_t b = 0; b < bodies.size(); ++b) {
    for (const auto& word : sourced_words(bodies[b])) {
      for (const auto& sourced : sourced_files(word, sysroot)) {
        const bool known = sourced == path || std::any_of(script.sourced.begin(), script.sourced.end(),
                                                          [&](const Script::File& f) { return f.path == sourced; });
        if (known || script.sourced.size() == kMaxSourced) continue;
        const std::string sourced_file = in_root(sysroot, sourced);
        try {
          bodies.push_back(shell_body(sourced_file));
        } catch (const Error&) {
          continue;  // unreadable here: the shell could not read it either
        }
        script.sourced.push_back({sourced, sourced_file, {}});
      }
    }
  }
  for (const auto& body : bodies) add_runs(body, path, sysroot, script);
  return script;
}

}  // namespace elfpack
