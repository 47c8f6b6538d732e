#include "elfpack/runtime/trace_log.h"

#include <map>
#include <optional>
#include <sstream>

#include "elfpack/base/error.h"

namespace elfpack {

namespace {

// The calls whose first path argument names a file: the argument's position (0 or 1, after a
// directory descriptor).
const std::map<std::string, int>& path_calls() {
  static const std::map<std::string, int> calls = {
      {"open", 0},       {"openat", 1},    {"openat2", 1},     {"creat", 0},    {"stat", 0},
      {"lstat", 0},      {"stat64", 0},    {"lstat64", 0},     {"newfstatat", 1}, {"fstatat64", 1},
      {"statx", 1},      {"access", 0},    {"faccessat", 1},   {"faccessat2", 1}, {"execve", 0},
      {"execveat", 1},   {"readlink", 0},  {"readlinkat", 1},  {"truncate", 0}, {"chdir", 0},
      {"uselib", 0},     {"statfs", 0}};
  return calls;
}

// Strips "[pid 123] ", "123 " and leading timestamps ("12:34:56.789 ", "1700000000.123 ").
std::string_view strip_prefixes(std::string_view line, std::string& pid) {
  if (line.starts_with("[pid ")) {
    const auto close = line.find(']');
    if (close == std::string_view::npos) return line;
    pid = std::string(line.substr(5, close - 5));
    line.remove_prefix(close + 1);
  }
  for (int i = 0; i < 2; ++i) {
    while (line.starts_with(' ')) line.remove_prefix(1);
    std::size_t n = 0;
    while (n < line.size() && ((line[n] >= '0' && line[n] <= '9') || line[n] == '.' || line[n] == ':')) ++n;
    if (n > 0 && n < line.size() && line[n] == ' ') {
      if (i == 0 && pid.empty() && line.substr(0, n).find_first_of(".:") == std::string_view::npos) {
        pid = std::string(line.substr(0, n));
      }
      line.remove_prefix(n + 1);
    }
  }
  return line;
}

// The value of a hexadecimal digit, -1 for any other character.
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The quoted string starting at `at` (the opening '"'), decoded; nullopt if not terminated.
std::optional<std::string> quoted(std::string_view text, std::size_t at) {
  std::string out;
  for (std::size_t i = at + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') return out;
    if (c != '\\' || i + 1 >= text.size()) {
      out += c;
      continue;
    }
    const char e = text[++i];
    if (e == 'n') out += '\n';
    else if (e == 't') out += '\t';
    else if (e == 'r') out += '\r';
    else if (e == 'v') out += '\v';
    else if (e == 'f') out += '\f';
    else if (e == 'x' && i + 1 < text.size() && hex_digit(text[i + 1]) >= 0) {
      // strace -x writes two hex digits; as in C, one is enough, and a non-digit (the closing
      // quote) ends the escape.
      int value = hex_digit(text[++i]);
      if (i + 1 < text.size() && hex_digit(text[i + 1]) >= 0) value = value * 16 + hex_digit(text[++i]);
      out += static_cast<char>(value);
    } else if (e >= '0' && e <= '7') {
      std::size_t n = 1;
      while (n < 3 && i + n < text.size() && text[i + n] >= '0' && text[i + n] <= '7') ++n;
      out += static_cast<char>(std::stoi(std::string(text.substr(i, n)), nullptr, 8));
      i += n - 1;
    } else {
      out += e;
    }
  }
  return std::nullopt;
}

}  // namespace

void record_traced(std::vector<TracedPath>& paths, std::map<std::string, std::size_t>& index, const std::string& path,
                   const std::string& syscall) {
  const auto [it, inserted] = index.emplace(path, paths.size());
  if (inserted) {
    paths.push_back({path, syscall});
  } else if (syscall == "execve" || syscall == "execveat") {
    paths[it->second].syscall = syscall;
  }
}

std::vector<TracedPath> parse_strace_log(const std::string& text, const std::string& origin) {
  std::vector<TracedPath> result;
  std::map<std::string, std::size_t> seen;
  std::map<std::string, std::string> unfinished;  // pid -> the start of its split call
  std::istringstream lines(text);
  std::string raw;
  std::size_t number = 0;
  while (std::getline(lines, raw)) {
    ++number;
    std::string pid;
    std::string line(strip_prefixes(raw, pid));
    if (line.starts_with("<... ")) {
      // "<... openat resumed>, O_RDONLY) = 3": glue to the start kept for this pid.
      const auto end = line.find("resumed>");
      auto it = unfinished.find(pid);
      if (end == std::string::npos || it == unfinished.end()) continue;
      line = it->second + line.substr(end + 8);
      unfinished.erase(it);
    } else if (const auto cut = line.find(" <unfinished ...>"); cut != std::string::npos) {
      unfinished[pid] = line.substr(0, cut);
      continue;
    }
    const auto paren = line.find('(');
    if (paren == std::string::npos) continue;
    const auto call = path_calls().find(line.substr(0, paren));
    if (call == path_calls().end()) continue;
    // The result: after the last " = "; a failure is "-1 ENOENT (...)".
    const auto equals = line.rfind(") = ");
    if (equals == std::string::npos || line.compare(equals + 4, 1, "-") == 0 || line.compare(equals + 4, 1, "?") == 0) continue;
    // The path argument: the first (or second) quoted string.
    std::size_t at = line.find('"', paren);
    if (call->second == 1 && at != std::string::npos && line.find(',', paren) < at) {
      // openat(AT_FDCWD, "..."): the string after the first comma
    } else if (call->second == 1) {
      continue;  // no path string where one belongs (a descriptor-only form)
    }
    if (at == std::string::npos) continue;
    const auto path = quoted(line, at);
    if (!path) throw Error(origin + ":" + std::to_string(number) + ": an unterminated string in: " + raw);
    if (!path->empty()) record_traced(result, seen, *path, call->first);
  }
  return result;
}

}  // namespace elfpack
