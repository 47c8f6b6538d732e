// Paths that stay inside a bundle (bundle_paths.h).
#include "verify/bundle_paths.h"

#include <algorithm>
#include <string_view>

namespace elfpack {

bool stays_inside(const std::string& name) {
  if (name.empty() || name.starts_with('/')) return false;
  for (std::size_t start = 0; start <= name.size();) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    if (name.compare(start, end - start, "..") == 0 && end - start == 2) return false;
    start = end + 1;
  }
  return true;
}

bool link_stays_inside(const std::string& link_path, const std::string& target) {
  if (target.starts_with('/')) return false;
  int depth = 0;
  for (char c : link_path) depth += c == '/';
  for (std::size_t start = 0; start <= target.size();) {
    const std::size_t end = std::min(target.find('/', start), target.size());
    const std::string_view part(target.data() + start, end - start);
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    start = end + 1;
  }
  return true;
}

}  // namespace elfpack
