#include "elfpack/layout/closed_world.h"

namespace elfpack {

namespace {

// Every byte of a path but its slashes becomes \x01: the same length, no directory can match.
void void_path(std::string& bytes, std::size_t at, std::size_t length) {
  for (std::size_t i = at; i < at + length; ++i) {
    if (bytes[i] != '/') bytes[i] = '\x01';
  }
}

// Replaces every occurrence of `text` (followed by its NUL) in `bytes`; returns the count.
int void_all(std::string& bytes, const std::string& text) {
  int count = 0;
  const std::string needle = text + '\0';
  for (std::size_t at = bytes.find(needle); at != std::string::npos; at = bytes.find(needle, at + needle.size())) {
    void_path(bytes, at, text.size());
    ++count;
  }
  return count;
}

}  // namespace

bool close_linker(std::string& bytes, const std::vector<std::string>& default_dirs, std::string& problem) {
  // glibc's system_dirs: the directories with a trailing '/', each followed by its NUL.
  std::string table;
  for (const auto& dir : default_dirs) table += (dir.ends_with('/') ? dir : dir + "/") + '\0';
  if (table.empty()) {
    problem = "no default directories known for it";
    return false;
  }
  table.pop_back();  // void_all adds the last NUL
  if (void_all(bytes, table) == 0) {
    problem = "its default directories are not stored as glibc stores them";
    return false;
  }
  void_all(bytes, "/etc/ld.so.preload");
  return true;
}

int close_run_path(std::string& bytes, const std::string& run_path) {
  const std::string needle = run_path + '\0';
  int changed = 0;
  for (std::size_t at = bytes.find(needle); at != std::string::npos; at = bytes.find(needle, at + needle.size())) {
    std::size_t start = at;
    while (start <= at + run_path.size()) {
      std::size_t end = bytes.find_first_of(std::string(":\0", 2), start);
      if (end == std::string::npos || end > at + run_path.size()) end = at + run_path.size();
      if (end > start && bytes[start] == '/') {
        void_path(bytes, start, end - start);
        ++changed;
      }
      start = end + 1;
    }
  }
  return changed;
}

}  // namespace elfpack
