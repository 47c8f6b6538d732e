// Lexical path helpers (no file-system access, no normalisation of "..": the kernel and the
// loader resolve those, and so must we).
#pragma once

#include <string>

namespace elfpack {

// "a/b/c" -> "c"; "c" -> "c".
inline std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "a/b/c" -> "a/b"; "/c" -> "/"; "c" -> ".".
inline std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// dir + "/" + name; an empty dir is the current directory, as glibc opens it.
inline std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace elfpack
