// What dladdr says of a bundled library (library_names.h): takes the closures' objects, gives
// libraries.list for the shim.
#include "layout/library_names.h"

#include <filesystem>
#include <system_error>

#include "elfpack/base/paths.h"
#include "elfpack/resolve/loader_profile.h"

namespace elfpack {

std::string original_path(const LoadedObject& object) {
  // `file` is `path` inside the root elfpack reads: the root is what `file`'s directory has
  // before `path`'s.
  const std::string file_dir = directory_of(object.file), path_dir = directory_of(object.path);
  if (!object.path.starts_with('/')) return object.path;
  std::error_code error;
  // Under --sysroot, `file` has the root's links resolved already (in_root): where the merged-/usr
  // link led, its directory is <root>/usr<path's directory>, which <root><path's directory> is.
  const std::string merged = "/usr" + path_dir;
  if (!path_dir.starts_with("/usr/") && file_dir.ends_with(merged)) {
    const std::string root = file_dir.substr(0, file_dir.size() - merged.size());
    if (!root.empty() && canonical_in_root(root, path_dir) == merged) return join_path(merged, base_name(object.path));
  }
  if (!file_dir.ends_with(path_dir)) return object.path;
  const std::string root = file_dir.substr(0, file_dir.size() - path_dir.size());
  std::string dir = std::filesystem::canonical(file_dir, error).string();
  if (error) return object.path;
  if (!root.empty() && root != "/") {
    if (!dir.starts_with(root + "/")) return object.path;  // a link that left the root
    dir.erase(0, root.size());
  }
  // Only the merged-/usr link: another (/opt/app -> /srv/app) leaves the name the program used,
  // under which --add serves what is beside it.
  return dir == "/usr" + path_dir ? join_path(dir, base_name(object.path)) : object.path;
}

std::string libraries_list(const std::map<std::string, std::string>& originals) {
  constexpr std::size_t kShimBuffer = 65536;
  std::string list;
  for (const auto& [name, path] : originals) {
    const std::string line = name + "\t" + path + "\n";
    if (list.size() + line.size() >= kShimBuffer) break;
    list += line;
  }
  return list;
}

}  // namespace elfpack
