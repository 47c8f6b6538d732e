// The #! line as Linux reads it, and env's arguments as GNU env splits them.
#include "elfpack/resolve/shebang.h"

#include <algorithm>

#include "elfpack/base/error.h"
#include "elfpack/base/paths.h"

namespace elfpack {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

// A string as a message shows it: control characters as C escapes, in double quotes.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '"' || c == '\\') out += std::string("\\") + c;
    else out += c;
  }
  return out + "\"";
}

// `what`: what goes wrong at run time, "Linux would look for an interpreter named \"perl\\r\"".
std::string carriage_return_error(const std::string& file, const std::string& what) {
  return file + ": the #! line ends in a carriage return (CRLF line endings): " + what +
         " and fail; convert the file to LF line endings (dos2unix, or sed -i 's/\\r$//')";
}

// GNU env -S: the string split into words (coreutils env.c, build_argv): blanks separate words;
// '...' keeps everything but \\ and \'; "..." and unquoted text take the escapes \" \' \\ \# \$
// \f \n \r \t \v, \_ (a space in quotes, else a separator) and \c (the end); a # that starts a
// word starts a comment. ${VAR} would be expanded from env's environment: refused.
std::vector<std::string> split_string(const std::string& s, const std::string& file) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  auto refuse = [&](const std::string& why) { throw Error(file + ": the #! line's env -S string " + quoted(s) + " " + why); };
  auto end_word = [&] {
    if (in_word) words.push_back(word);
    word.clear();
    in_word = false;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote == '\'') {
      if (c == '\'') {
        quote = 0;
      } else {
        if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '\\' || s[i + 1] == '\'')) ++i;
        word += s[i];
      }
      continue;
    }
    if (quote == 0 && (blank(c) || c == '\n' || c == '\r' || c == '\f' || c == '\v')) {
      end_word();
      continue;
    }
    if (quote == 0 && c == '#' && !in_word) break;
    if (c == '$') refuse("expands a variable: name the interpreter directly");
    in_word = true;
    if (c == '"' || (c == '\'' && quote == 0)) {
      quote = quote == c ? 0 : c;
      continue;
    }
    if (c != '\\') {
      word += c;
      continue;
    }
    if (++i == s.size()) refuse("ends in a backslash");
    static const std::string kFrom = "\"'\\#$fnrtv", kTo = "\"'\\#$\f\n\r\t\v";
    if (const auto k = kFrom.find(s[i]); k != std::string::npos) {
      word += kTo[k];
    } else if (s[i] == '_') {
      if (quote != 0) {
        word += ' ';
      } else {
        end_word();
      }
    } else if (s[i] == 'c' && quote == 0) {
      break;
    } else {
      refuse("has the escape \\" + std::string(1, s[i]) + ", which env refuses here");
    }
  }
  if (quote != 0) refuse(std::string("has an unterminated ") + quote);
  end_word();
  return words;
}

}  // namespace

bool is_env(const std::string& interpreter) { return base_name(interpreter) == "env"; }

// Linux fs/binfmt_script.c load_script: blanks are spaces and tabs; the interpreter name ends at a
// blank or NUL; the argument is the rest of the line with its trailing blanks removed.
std::optional<Shebang> parse_shebang(std::span<const unsigned char> bytes, const std::string& file) {
  if (bytes.size() < 2 || bytes[0] != '#' || bytes[1] != '!') return std::nullopt;
  const std::size_t seen = std::min(bytes.size(), kShebangBufferSize);
  const auto* begin = reinterpret_cast<const char*>(bytes.data());
  std::string line(begin + 2, begin + seen);
  const auto newline = line.find('\n');
  if (newline != std::string::npos) {
    line.resize(newline);
  } else if (bytes.size() > kShebangBufferSize) {
    throw Error(file + ": the #! line does not end within its first " + std::to_string(kShebangBufferSize) +
                " bytes: Linux reads only that much of a script (BINPRM_BUF_SIZE; 128 bytes before Linux 5.1) and "
                "would cut it; shorten the line (a shorter path, or #!/usr/bin/env NAME)");
  }
  line = line.substr(0, line.find('\0'));  // the kernel's string ends at a NUL too
  Shebang shebang;
  shebang.line = line;
  while (!line.empty() && blank(line.back())) line.pop_back();
  std::size_t at = 0;
  while (at < line.size() && blank(line[at])) ++at;
  const std::size_t end = std::min(line.size(), static_cast<std::size_t>(
                                                    std::find_if(line.begin() + at, line.end(), blank) - line.begin()));
  shebang.interpreter = line.substr(at, end - at);
  if (shebang.interpreter.empty()) throw Error(file + ": the #! line names no interpreter (Linux would not run it)");
  if (shebang.interpreter.back() == '\r') {
    throw Error(carriage_return_error(file, "Linux would look for an interpreter named " + quoted(shebang.interpreter)));
  }
  at = end;
  while (at < line.size() && blank(line[at])) ++at;
  if (at < line.size()) {
    shebang.argument = line.substr(at);
    shebang.carriage_return = shebang.argument->back() == '\r';
  }
  return shebang;
}

EnvCommand parse_env_arguments(const std::optional<std::string>& argument, const std::string& file) {
  const std::string how = file + ": the #! line runs env ";
  if (!argument) throw Error(how + "with no program to run");
  std::vector<std::string> words;
  const std::string& a = *argument;
  if (a.back() == '\r') throw Error(carriage_return_error(file, "env would be given " + quoted(a)));
  if (a.starts_with("-S") || a.starts_with("--split-string=")) {
    words = split_string(a.substr(a.starts_with("-S") ? 2 : 15), file);
  } else {
    if (std::any_of(a.begin(), a.end(), blank)) {
      throw Error(how + "with " + quoted(a) + ": Linux passes the rest of the #! line as one argument, so env would "
                  "look for a program of that name; split it with env -S");
    }
    words.push_back(a);
  }
  if (words.empty()) throw Error(how + "-S with no program to run");
  if (words.front().starts_with('-')) {
    throw Error(how + "with the option " + words.front() + ": only -S is understood; name the interpreter directly");
  }
  if (words.front().find('=') != std::string::npos) {
    throw Error(how + "with an assignment (" + words.front() + "): the bundle runs the interpreter without env, "
                "so it cannot set variables; name the interpreter directly");
  }
  return EnvCommand{words.front(), std::vector<std::string>(words.begin() + 1, words.end())};
}

}  // namespace elfpack
