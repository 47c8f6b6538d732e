// The files a shell script reads into itself with `.` or `source` by absolute path, a `for` loop's
// pattern over a directory (for f in /etc/x.d/*; do . "$f"; done) among them, and where they are
// in a root. Takes a script's text; gives paths and patterns (scripts.h).
#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <memory>

#include "elfpack/base/paths.h"
#include "elfpack/resolve/loader_profile.h"
#include "elfpack/resolve/scripts.h"
#include "resolve/shell_words.h"

namespace elfpack {

namespace {

// A word of the script with its quotes taken out (`text`), as written (`raw`), and whether the
// shell would expand it (`$`, a command substitution, or an unquoted glob character).
struct Token {
  std::string text, raw;
  bool op = false;           // an operator: newline ; & && | || ( ) ;;
  bool expands = false;      // $ or ` anywhere but in single quotes
  bool globs = false;        // *, ? or [ outside quotes
  bool redirection = false;  // < > and their forms: the next word is a file
};

// The end of a $( ) or ` ` that starts at `i` (just past its opening), counting nested pairs.
std::size_t skip_substitution(const std::string& text, std::size_t i, char closer) {
  int depth = 1;
  char quote = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\\') {
      ++i;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (closer == ')' && c == '(') {
      ++depth;
    } else if (c == closer && --depth == 0) {
      return i;
    }
  }
  return text.size();
}

std::vector<Token> tokens(const std::string& text) {
  std::vector<Token> out;
  Token word;
  bool in_word = false;
  char quote = 0;
  const auto end_word = [&] {
    if (in_word) out.push_back(word);
    word = Token{};
    in_word = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;
      else word.text += c;
      word.raw += c;
      continue;
    }
    if (c == '\\') {
      if (i + 1 < text.size() && text[i + 1] != '\n') (word.text += text[i + 1]), (word.raw += text.substr(i, 2)), in_word = true;
      ++i;
      continue;
    }
    if (c == '`' || (c == '$' && text.compare(i, 2, "$(") == 0)) {
      const std::size_t end = skip_substitution(text, i + (c == '`' ? 1 : 2), c == '`' ? '`' : ')');
      word.raw += text.substr(i, end + 1 - i);
      word.expands = in_word = true;
      i = end;
      continue;
    }
    if (quote == '"') {
      if (c == '"') quote = 0;
      else word.text += c;
      if (c == '$') word.expands = true;
      word.raw += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      word.raw += c;
      in_word = true;
    } else if (c == '#' && !in_word) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (is_shell_blank(c)) {
      end_word();
    } else if (std::strchr("\n;&|()<>", c) != nullptr) {
      Token op;
      op.op = true;
      op.text = c;
      op.redirection = c == '<' || c == '>';
      // "2>file": the number is the redirection's, not a word.
      const bool digits = in_word && !word.raw.empty() && std::all_of(word.raw.begin(), word.raw.end(), [](char d) {
        return std::isdigit(static_cast<unsigned char>(d));
      });
      if (op.redirection && digits) word = Token{}, in_word = false;
      end_word();
      // Two-character operators (&& || ;; >> >& <<), one token.
      const char* more = op.redirection ? "<>&|" : c == '&' || c == '|' || c == ';' ? "&|;" : "";
      if (i + 1 < text.size() && text[i + 1] != '\n' && std::strchr(more, text[i + 1]) != nullptr) op.text += text[++i];
      out.push_back(op);
    } else {
      if (c == '$') word.expands = true;
      if (c == '*' || c == '?' || c == '[') word.globs = true;
      word.text += c;
      word.raw += c;
      in_word = true;
    }
  }
  end_word();
  return out;
}

// The NAME of a word that is only "$NAME", "${NAME}" or those in double quotes; else "".
std::string variable_of(const Token& t) {
  std::string raw = t.raw;
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') raw = raw.substr(1, raw.size() - 2);
  if (!raw.starts_with('$')) return {};
  raw.erase(0, 1);
  if (raw.starts_with('{') && raw.ends_with('}')) raw = raw.substr(1, raw.size() - 2);
  const bool name = !raw.empty() && !std::isdigit(static_cast<unsigned char>(raw[0])) &&
                    std::all_of(raw.begin(), raw.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
  return name ? raw : std::string();
}

// Reserved words after which a command comes.
bool command_follows(const std::string& word) {
  static const char* const kWords[] = {"!", "{", "do", "elif", "else", "if", "then", "time", "until", "while"};
  return std::any_of(std::begin(kWords), std::end(kWords), [&](const char* w) { return word == w; });
}

}  // namespace

std::vector<std::string> sourced_words(const std::string& text) {
  const std::vector<Token> all = tokens(text);
  std::map<std::string, std::vector<std::string>> loops;  // a for loop's variable: its absolute words
  std::vector<std::string> out;
  const auto add = [&](const std::string& path) {
    if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(path);
  };
  bool command = true;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Token& t = all[i];
    if (t.op) {
      if (t.redirection) ++i;  // its file
      else command = true;
      continue;
    }
    if (!command) continue;
    if (command_follows(t.raw) || is_assignment(t.raw)) continue;
    command = false;
    if (t.raw == "for" && i + 1 < all.size() && !all[i + 1].op) {
      // for NAME in WORDS: the absolute ones that the shell does not expand but as a pattern.
      std::vector<std::string>& words = loops[all[i + 1].raw];
      words.clear();
      std::size_t j = i + 2;
      if (j < all.size() && all[j].raw == "in") ++j;
      for (; j < all.size() && !all[j].op; ++j) {
        const Token& w = all[j];
        const bool literal = w.globs || w.text.find_first_of("*?[") == std::string::npos;  // a quoted * is no pattern
        if (w.text.starts_with('/') && !w.expands && literal) words.push_back(w.text);
      }
      i = j - 1;
      continue;
    }
    if ((t.raw != "." && t.raw != "source") || i + 1 >= all.size() || all[i + 1].op) continue;
    const Token& file = all[++i];
    if (const std::string name = variable_of(file); !name.empty()) {
      if (const auto loop = loops.find(name); loop != loops.end()) {
        for (const auto& w : loop->second) add(w);
      }
    } else if (file.text.starts_with('/') && !file.expands && !file.globs) {
      add(file.text);
    }
  }
  return out;
}

std::vector<std::string> sourced_files(const std::string& word, const std::string& sysroot) {
  const auto is_file = [&](const std::string& path) {
    struct stat st;
    return ::stat(in_root(sysroot, path).c_str(), &st) == 0 && S_ISREG(st.st_mode);
  };
  const std::string dir = directory_of(word), pattern = base_name(word);
  if (dir.find_first_of("*?[") != std::string::npos) return {};  // a pattern over directories: not followed
  if (pattern.find_first_of("*?[") == std::string::npos) return is_file(word) ? std::vector<std::string>{word} : std::vector<std::string>{};
  // The shell's pathname expansion: names that match, no leading dot unless the pattern has one,
  // sorted as dash sorts them (bytewise).
  std::vector<std::string> names;
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(in_root(sysroot, dir).c_str()), ::closedir);
  for (const dirent* e = d ? ::readdir(d.get()) : nullptr; e != nullptr; e = ::readdir(d.get())) {
    const std::string name = e->d_name;
    if (name != "." && name != ".." && ::fnmatch(pattern.c_str(), name.c_str(), FNM_PERIOD) == 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string> out;
  for (const auto& name : names) {
    if (is_file(join_path(dir, name))) out.push_back(join_path(dir, name));
  }
  return out;
}

}  // namespace elfpack
