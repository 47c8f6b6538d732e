// Step (3), collect: the runtime files of every program from each source in turn (--add, traces,
// what glibc loads by itself, the package manager), and the prefixes the shim serves.
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

namespace {

// The names dpkg may know a program by: as found, with its links resolved, and across the
// merged-/usr links (/bin -> /usr/bin).
std::vector<std::string> names_of(const std::string& path, const std::string& sysroot) {
  std::vector<std::string> names{path};
  if (auto canonical = canonical_in_root(sysroot == "/" ? "" : sysroot, path)) names.push_back(*canonical);
  for (std::size_t i = 0, n = names.size(); i < n; ++i) {
    for (const auto& [a, b] : {std::pair<std::string, std::string>{"/usr/bin/", "/bin/"}, {"/usr/sbin/", "/sbin/"}}) {
      if (names[i].starts_with(a)) names.push_back(b + names[i].substr(a.size()));
      if (names[i].starts_with(b)) names.push_back(a + names[i].substr(b.size()));
    }
  }
  std::vector<std::string> unique;
  for (const auto& n : names) {
    if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(n);
  }
  return unique;
}

// Directories whose every entry (recursively) is a bundled file: the shim can serve them whole.
class Coverage {
 public:
  Coverage(const std::set<std::string>& kept, const std::string& sysroot) : kept_(kept), sysroot_(sysroot) {}

  bool covered(const std::string& dir) {
    if (dir == "/" || dir.empty()) return false;
    auto it = known_.find(dir);
    if (it != known_.end()) return it->second;
    bool all = true;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(in_root(sysroot_, dir).c_str()), ::closedir);
    if (!d) all = false;
    while (all) {
      const dirent* e = ::readdir(d.get());
      if (e == nullptr) break;
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      const std::string path = dir + "/" + name;
      struct stat st;
      if (::lstat(in_root(sysroot_, path).c_str(), &st) != 0) {
        all = false;
      } else if (S_ISDIR(st.st_mode)) {
        all = covered(path);
      } else {
        all = kept_.contains(path);
      }
    }
    return known_[dir] = all;
  }

 private:
  const std::set<std::string>& kept_;
  std::string sysroot_;
  std::map<std::string, bool> known_;
};

}  // namespace

bool is_documentation(const std::string& path) {
  static const char* const kDirs[] = {"/usr/share/doc/",  "/usr/share/man/",   "/usr/share/info/", "/usr/share/locale/",
                                      "/usr/share/lintian/", "/usr/share/bug/", "/usr/share/doc-base/", "/usr/share/menu/",
                                      "/usr/share/gtk-doc/", "/usr/share/help/"};
  return std::any_of(std::begin(kDirs), std::end(kDirs), [&](const char* d) { return path.starts_with(d); });
}

bool is_elf(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char magic[4] = {};
  const bool elf = ::pread(fd, magic, 4, 0) == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
  ::close(fd);
  return elf;
}

RuntimeFiles collect_runtime_files(const std::vector<Program>& programs, const CollectOptions& options) {
  RuntimeFiles result;
  std::map<std::string, RuntimeFile> kept;  // by path
  std::map<std::string, RuntimeFile> libraries, helpers;
  std::set<std::string> explicit_prefixes;
  for (const auto& spec : options.add) add_explicit(spec, kept, explicit_prefixes, libraries, helpers, result.notes);
  const auto managers = options.detect ? package_managers(options.sysroot) : decltype(package_managers("")){};
  if (options.detect && managers.empty()) {
    result.notes.push_back("no package manager found (dpkg, rpm, pacman): no data files detected; add them with --add");
  }
  std::set<std::string> packages_done;
  std::set<std::string> program_paths;
  // What the package managers are asked about: the programs and the scripts, by name and path.
  std::vector<std::pair<std::string, std::string>> owners;
  for (const auto& program : programs) {
    for (const auto& n : names_of(program.path, options.sysroot)) program_paths.insert(n);
    owners.emplace_back(program.name, program.path);
  }
  if (options.scripts != nullptr) {
    add_scripts(*options.scripts, options.sysroot, program_paths, kept, helpers, result.notes);
    for (const auto& script : *options.scripts) owners.emplace_back(script.name, script.self().path);
  }
  for (const auto& log : options.trace_logs) {
    add_traced(log, parse_strace_log(read_log(log), log), "", options, program_paths, kept, libraries, helpers,
               result.notes);
  }
  if (!options.traced.empty()) {
    add_traced("--trace", options.traced, options.traced_cwd, options, program_paths, kept, libraries, helpers,
               result.notes);
  }
  add_implicit_loads(programs, options, libraries, kept, result);
  // Each manager in turn is asked, all at once, for every name of the programs no earlier one
  // owns (pacman is not asked about a program dpkg installed); a program takes the first of its
  // names the manager owns.
  std::vector<std::vector<std::string>> names;
  for (const auto& [name, path] : owners) names.push_back(names_of(path, options.sysroot));
  std::vector<std::optional<std::string>> package_of(owners.size());
  std::vector<const PackageManager*> manager_of(owners.size(), nullptr);
  for (const auto& m : managers) {
    std::vector<std::string> asked;
    for (std::size_t p = 0; p < owners.size(); ++p) {
      if (!package_of[p]) asked.insert(asked.end(), names[p].begin(), names[p].end());
    }
    if (asked.empty()) break;
    std::sort(asked.begin(), asked.end());
    asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
    const auto owned = m->owners(asked);
    for (std::size_t p = 0; p < owners.size(); ++p) {
      for (const auto& name : names[p]) {
        const auto owner = owned.find(name);
        if (package_of[p] || owner == owned.end()) continue;
        package_of[p] = owner->second;
        manager_of[p] = m.get();
      }
    }
  }
  for (std::size_t p = 0; p < (managers.empty() ? 0 : owners.size()); ++p) {
    const std::string& owner_name = owners[p].first;
    const std::optional<std::string>& package = package_of[p];
    const PackageManager* manager = manager_of[p];
    if (!package) {
      result.notes.push_back(owner_name + ": not installed by a package: no data files detected");
      continue;
    }
    if (!packages_done.insert(*package).second) continue;
    std::size_t docs = 0, objects = 0, added = 0;
    const auto take = [&](const std::string& from, const std::string& why) {
      for (const auto& path : manager->files(from)) {
        const std::string file = in_root(options.sysroot, path);
        struct stat st;
        if (::lstat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || program_paths.contains(path)) continue;
        if (is_documentation(path) && !options.include_docs) {
          ++docs;
        } else if (is_elf(file)) {
          ++objects;  // programs and libraries need closures and launchers: --add
        } else {
          kept.emplace(path, RuntimeFile{path, file, why});
          ++added;
        }
      }
    };
    take(*package, "data of package " + *package);
    std::string with;
    for (const auto& companion : manager->companions(*package)) {
      if (!packages_done.insert(companion).second) continue;
      take(companion, "data of package " + companion + " (built with " + *package + ")");
      with += (with.empty() ? " (with " : ", ") + companion;
    }
    if (!with.empty()) with += ", built from the same source)";
    result.notes.push_back(owner_name + ": " + manager->name() + " package " + *package + with + ": " +
                           std::to_string(added) + " data files added; " + std::to_string(docs) +
                           " documentation files and " + std::to_string(objects) + " ELF objects left out");
  }
  for (const auto& [path, f] : libraries) result.libraries.push_back(f);
  for (const auto& [path, f] : helpers) result.helpers.push_back(f);
  std::set<std::string> kept_paths;
  for (const auto& [path, f] : kept) {
    kept_paths.insert(path);
    result.files.push_back(f);
  }
  // Each file's highest directory that holds nothing else, or the file itself.
  Coverage coverage(kept_paths, options.sysroot);
  std::set<std::string> prefixes = explicit_prefixes;
  for (const auto& path : kept_paths) {
    std::string prefix = path;
    for (std::string dir = directory_of(path); coverage.covered(dir); dir = directory_of(dir)) prefix = dir;
    prefixes.insert(prefix);
  }
  // A library loaded at run time is served at its own path, for a dlopen by path.
  for (const auto& lib : result.libraries) prefixes.insert(lib.path);
  for (const auto& helper : result.helpers) prefixes.insert(helper.path);
  for (const auto& p : prefixes) {
    const bool nested = std::any_of(prefixes.begin(), prefixes.end(),
                                    [&](const std::string& q) { return q != p && p.starts_with(q + "/"); });
    if (!nested) result.prefixes.push_back(p);
  }
  return result;
}

}  // namespace elfpack
