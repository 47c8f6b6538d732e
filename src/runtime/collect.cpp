// Step (3), collect: the runtime files of every program from each source in turn (--add, traces,
// what glibc loads or runs by itself, the packages), and the prefixes the shim serves. What their
// libraries assume of the machine comes later (add_environment), over the plugins' and helpers'
// closures too.
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

ElfRole elf_role(const std::string& file, ElfFacts* facts) {
  ElfFacts elf;
  try {
    elf = read_elf(file);
  } catch (const Error&) {
    return ElfRole::kNone;
  }
  if (facts != nullptr) *facts = elf;
  if (elf.ident.type == kEtExec || (elf.interp && !elf.soname)) return ElfRole::kHelper;
  return elf.ident.type == kEtDyn && elf.has_dynamic ? ElfRole::kPlugin : ElfRole::kNone;
}

std::vector<std::string> merged_usr_names(const std::string& path) {
  std::vector<std::string> names{path};
  static const std::pair<const char*, const char*> kMerged[] = {
      {"/usr/bin/", "/bin/"}, {"/usr/sbin/", "/sbin/"}, {"/usr/lib/", "/lib/"}, {"/usr/lib32/", "/lib32/"},
      {"/usr/lib64/", "/lib64/"}, {"/usr/libx32/", "/libx32/"}};
  for (const auto& [a, b] : kMerged) {
    if (path.starts_with(a)) names.push_back(b + path.substr(std::string_view(a).size()));
    if (path.starts_with(b)) names.push_back(a + path.substr(std::string_view(b).size()));
  }
  return names;
}

std::vector<std::string> names_of(const std::string& path, const std::string& sysroot) {
  std::vector<std::string> names = merged_usr_names(path);
  if (auto canonical = canonical_in_root(sysroot == "/" ? "" : sysroot, path); canonical && *canonical != path) {
    for (const auto& n : merged_usr_names(*canonical)) {
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
  }
  return names;
}

RuntimeFiles collect_runtime_files(const std::vector<Program>& programs, const CollectOptions& options) {
  RuntimeFiles result;
  std::map<std::string, RuntimeFile> kept;  // by path
  std::map<std::string, RuntimeFile> libraries, helpers;
  std::set<std::string> explicit_prefixes;
  for (const auto& spec : options.add) add_explicit(spec, kept, explicit_prefixes, libraries, helpers, result.notes);
  std::set<std::string> program_paths;
  for (const auto& program : programs) {
    for (const auto& n : names_of(program.path, options.sysroot)) program_paths.insert(n);
  }
  if (options.scripts != nullptr) {
    add_scripts(*options.scripts, options.sysroot, program_paths, kept, helpers, result.notes);
    add_script_trees(*options.scripts, options.sysroot, program_paths, kept, libraries, helpers, result.notes);
  }
  std::map<std::string, std::string> trace_aliases;  // a name a traced program used -> the file's
  for (const auto& log : options.trace_logs) {
    add_traced(log, parse_strace_log(read_log(log), log), "", options, program_paths, kept, libraries, helpers,
               trace_aliases, result.notes);
  }
  if (!options.traced.empty()) {
    add_traced("--trace", options.traced, options.traced_cwd, options, program_paths, kept, libraries, helpers,
               trace_aliases, result.notes);
  }
  add_implicit_loads(programs, options, libraries, kept, helpers, result);
  // The package managers, each reading its database once for every source that asks.
  const auto managers = options.detect ? package_managers(options.sysroot) : decltype(package_managers("/")){};
  if (options.detect) {
    // A script's package is chosen as a program's is: the script stands for itself.
    std::vector<Program> owners = programs;
    if (options.scripts != nullptr) {
      for (const auto& s : *options.scripts) owners.push_back(Program{s.name, s.self().path, s.self().file, {}});
    }
    add_packaged(owners, options, managers, program_paths, kept, libraries, helpers, result);
  } else if (!options.add_packages.empty()) {
    throw Error("--add-package: package detection is off (--no-detect)");
  }
  // What the brought packages' maintainer scripts and triggers made beside their files.
  if (options.detect) add_generated(options, managers, kept, result);
  settle_links(kept, options.sysroot, result.notes);
  add_trace_aliases(trace_aliases, kept, libraries, helpers, result);
  for (const auto& [path, f] : libraries) result.libraries.push_back(f);
  for (const auto& [path, f] : helpers) result.helpers.push_back(f);
  for (const auto& [path, f] : kept) result.files.push_back(f);
  result.served_whole.assign(explicit_prefixes.begin(), explicit_prefixes.end());
  set_prefixes(result, options.sysroot);
  return result;
}

void set_prefixes(RuntimeFiles& files, const std::string& sysroot) {
  // Each file's highest directory that holds nothing else, or the file itself. Helpers and
  // plugins are bundled at their paths too (a launcher, or the library), and count.
  std::set<std::string> bundled;
  for (const auto* list : {&files.files, &files.libraries, &files.helpers}) {
    for (const auto& f : *list) {
      if (f.by_path) bundled.insert(f.path);  // not what only a variable leads to (locale data)
    }
  }
  for (const auto& [path, target] : files.links) bundled.insert(path);
  Coverage coverage(bundled, sysroot);
  std::set<std::string> prefixes(files.served_whole.begin(), files.served_whole.end());
  for (const auto& path : bundled) {
    std::string prefix = path;
    for (std::string dir = directory_of(path); coverage.covered(dir); dir = directory_of(dir)) prefix = dir;
    prefixes.insert(prefix);
  }
  files.prefixes.clear();
  for (const auto& p : prefixes) {
    const bool nested = std::any_of(prefixes.begin(), prefixes.end(),
                                    [&](const std::string& q) { return q != p && p.starts_with(q + "/"); });
    if (!nested) files.prefixes.push_back(p);
  }
}

}  // namespace elfpack
