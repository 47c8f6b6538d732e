// What one traced run showed (--trace, --trace-log): data files, libraries loaded at run time and
// helper programs, minus what the closures load already.
#include "runtime/package_manager.h"
#include "runtime/sources.h"
#include "elfpack/runtime/runtime_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string_view>

#include "elfpack/base/error.h"
#include "elfpack/resolve/ld_cache.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/resolve/resolver.h"
#include "elfpack/resolve/loader_profile.h"
#include "elfpack/base/paths.h"
#include "elfpack/base/process.h"
#include "elfpack/runtime/trace_log.h"

namespace elfpack {

std::string read_log(const std::string& name) {
  if (name == "-") return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  std::ifstream in(name, std::ios::binary);
  if (!in) throw Error(name + ": cannot read the trace log: " + std::strerror(errno));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What a trace names that belongs in the bundle: regular files outside the kernel's and the
// temporary file systems, not the loader's own files, not what the closures load already.
void add_traced(const std::string& label, const std::vector<TracedPath>& traced_paths, const std::string& cwd,
                const CollectOptions& options,
                const std::set<std::string>& program_paths, std::map<std::string, RuntimeFile>& kept,
                std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& helpers,
                std::map<std::string, std::string>& aliases, std::vector<std::string>& notes) {
  std::set<std::pair<dev_t, ino_t>> loaded;
  if (options.closures != nullptr) {
    for (const auto& c : *options.closures) {
      for (const auto& o : c.objects) loaded.insert({o.dev, o.ino});
    }
  }
  static const char* const kSkipped[] = {"/proc/", "/sys/", "/dev/", "/tmp/", "/run/", "/var/tmp/"};
  const auto skipped = [&](const std::string& path) {
    return std::any_of(std::begin(kSkipped), std::end(kSkipped), [&](const char* d) { return path.starts_with(d); }) ||
           path == "/etc/ld.so.cache" || path == "/etc/ld.so.preload" || program_paths.contains(path);
  };
  const std::string root = options.sysroot == "/" ? "" : options.sysroot;
  std::size_t data = 0, libs = 0, helper_count = 0, relative = 0;
  for (const auto& traced : traced_paths) {
    // One name a file: a shell's PATH search with Lambda's "/usr/bin/" execs "/usr/bin//grep",
    // and a program opens "<its directory>/." (no ".." is taken out: a link may lead there).
    std::string path;
    for (std::size_t start = 0; start < traced.path.size();) {
      const std::size_t end = std::min(traced.path.find('/', start), traced.path.size());
      const std::string part = traced.path.substr(start, end - start);
      if (start == 0 && !part.empty()) path = part;  // a relative path keeps its first name
      else if (!part.empty() && part != ".") path += "/" + part;
      start = end + 1;
    }
    if (path.empty() && traced.path.starts_with('/')) path = "/";
    const auto in_cwd = [&] { return !path.starts_with('/') || (!cwd.empty() && path.starts_with(cwd + "/")); };
    if (in_cwd()) {
      ++relative;  // the program's current directory: its input, not part of it
      continue;
    }
    if (skipped(path)) continue;
    const std::string file = in_root(options.sysroot, path);
    struct stat st;
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || loaded.contains({st.st_dev, st.st_ino})) continue;
    // One name a file, the one its package gives it: the directory's links resolved in the root,
    // the last name kept (a library the loader found through ld.so.cache's /lib/<multiarch>,
    // where /lib leads to usr/lib; a program that found itself there and went up with ".."). The
    // name the program used, as the shim reads it (".." taken out lexically), stays served as a
    // link to that one (add_trace_aliases).
    const auto dir = canonical_in_root(root, directory_of(path));
    const std::string used = std::filesystem::path(path).lexically_normal().string();
    if (dir) path = join_path(*dir, base_name(path));
    if (in_cwd()) {
      ++relative;
      continue;
    }
    if (skipped(path)) continue;
    if (path != used) aliases.emplace(used, path);
    const std::string why = "trace (" + traced.syscall + ")";
    if (!is_elf(file)) {
      if (kept.emplace(path, RuntimeFile{path, file, why}).second) ++data;
    } else if (traced.syscall == "execve" || traced.syscall == "execveat" || elf_role(file) == ElfRole::kHelper) {
      // Run, or a program it only looked at or opened (a shell's PATH search, git's check for a
      // remote helper before it runs it): a program runs as a helper, never from lib/.
      if (helpers.emplace(path, RuntimeFile{path, file, why}).second) ++helper_count;
    } else if (libraries.emplace(path, RuntimeFile{path, file, why}).second) {
      ++libs;
    }
  }
  // A program the trace saw run is a helper, though it was also opened or looked at first.
  for (const auto& [path, f] : helpers) {
    if (libraries.erase(path) > 0 && libs > 0) --libs;
  }
  notes.push_back(label + ": " + std::to_string(data) + " data files, " + std::to_string(libs) +
                  " libraries loaded at run time and " + std::to_string(helper_count) + " helper programs added; " +
                  std::to_string(relative) + " paths in the current directory left out");
}

void add_trace_aliases(const std::map<std::string, std::string>& aliases, const std::map<std::string, RuntimeFile>& kept,
                       const std::map<std::string, RuntimeFile>& libraries,
                       const std::map<std::string, RuntimeFile>& helpers, RuntimeFiles& result) {
  const auto brought = [&](const std::string& path) {
    return kept.contains(path) || libraries.contains(path) || helpers.contains(path) || result.links.contains(path);
  };
  // A directory of the name that is brought as a link leads there already (perl's
  // /usr/share/perl/5.36 -> 5.36.0, its package's): nothing may be under it.
  const auto under_a_link = [&](const std::string& used) {
    for (std::string d = directory_of(used); d != "/" && d != "."; d = directory_of(d)) {
      if (const auto it = kept.find(d); result.links.contains(d) || (it != kept.end() && !it->second.link.empty())) {
        return true;
      }
    }
    return false;
  };
  for (const auto& [used, path] : aliases) {
    // Another source's file at that name wins (a package that lists /lib/<multiarch>/...); a
    // file a later source dropped (an excluded package) takes its link along.
    if (!brought(used) && brought(path) && !under_a_link(used)) result.links.emplace(used, path);
  }
}

}  // namespace elfpack
