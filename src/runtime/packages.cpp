// The files of the packages the package rule chooses (package_rule.h): data at their paths,
// ELF programs as helpers and shared objects the closures do not load as plugins; each with the
// package it came from. rpm and pacman, which cannot say more, bring the programs' own packages'
// data only. Over Lambda's size limit, the packages chosen only through a library go first.
#include <sys/stat.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/base/paths.h"
#include "elfpack/elf/elf_file.h"
#include "runtime/package_manager.h"
#include "runtime/package_rule.h"
#include "elfpack/resolve/origin.h"
#include "runtime/sources.h"

namespace elfpack {

namespace {

// What an ELF file among a package's files is to the bundle (elf_role): nothing when it is of
// another machine or class than every program.
ElfRole role_of(const std::string& file, const std::vector<Program>& programs) {
  ElfFacts elf;
  const ElfRole role = elf_role(file, &elf);
  const bool ours = std::any_of(programs.begin(), programs.end(), [&](const Program& p) {
    return p.elf.ident.elf_class == elf.ident.elf_class && p.elf.ident.machine == elf.ident.machine;
  });
  return ours ? role : ElfRole::kNone;
}

// A shared object straight in a library directory (/usr/lib/x86_64-linux-gnu/libhistory.so.8)
// is a library, which the loader finds by name when something needs it: the closures have what
// is needed. Plugins live in directories of their own (.../ImageMagick-6.9.11/modules-Q16/).
bool in_library_directory(const std::string& path) {
  std::string dir = directory_of(path);
  if (dir.starts_with("/usr/")) dir.erase(0, 4);
  if (dir == "/lib" || dir == "/lib32" || dir == "/lib64" || dir == "/libx32") return true;
  return dir.starts_with("/lib/") && dir.find('/', 5) == std::string::npos && dir.find("-linux-") != std::string::npos;
}

// Whether `file`'s bytes hold `name` as a string of its own (NUL before and after).
bool names(const std::string& file, const std::string& name) {
  try {
    const MappedFile mapped(file);
    const auto bytes = mapped.bytes();
    const std::string needle = std::string(1, '\0') + name + std::string(1, '\0');
    const bool found = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) != bytes.end();
    mapped.ensure_intact();
    return found;
  } catch (const Error&) {
    return false;
  }
}

struct Taken {
  std::size_t data = 0, docs = 0, helpers = 0, plugins = 0;
};

class PackageFiles {
 public:
  PackageFiles(const std::vector<Program>& programs, const CollectOptions& options,
               const std::set<std::string>& program_paths, std::map<std::string, RuntimeFile>& kept,
               std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& helpers)
      : programs_(programs), options_(options), program_paths_(program_paths), kept_(kept), libraries_(libraries),
        helpers_(helpers) {
    // What the closures load, and the libraries other sources bring already (a glibc module, a
    // trace). Not the helpers: a program is one at each of its paths (a trace that ran git's
    // remote helper through its link leaves the package's file a helper too, which the link
    // then names).
    for (const auto& [path, f] : libraries) {
      struct stat st;
      if (::stat(f.file.c_str(), &st) == 0) loaded_.insert({st.st_dev, st.st_ino});
    }
    if (options.closures != nullptr) {
      for (const auto& c : *options.closures) {
        for (const auto& o : c.objects) loaded_.insert({o.dev, o.ino});
      }
    }
    // Of the helpers' libraries, only those a run path relative to their loader ($ORIGIN) found:
    // the plan serves those at their own path already (LibreOffice's program/, where a second
    // copy as a plugin would load twice). Another shared object in a plugin directory that a
    // helper links (graphviz's dot_builtins links the plugins dot dlopens by path) is still a
    // plugin, served at its path, as well as a library of that helper.
    if (options.helper_closures == nullptr) return;
    for (const auto& c : *options.helper_closures) {
      for (std::size_t i = 1; i < c.objects.size(); ++i) {
        if (found_by_origin_run_path(c, i)) loaded_.insert({c.objects[i].dev, c.objects[i].ino});
        helper_linked_.insert({c.objects[i].dev, c.objects[i].ino});
      }
    }
  }


  // `elf`: ELF objects become helpers and plugins (else they are left out, as rpm and pacman's).
  // `siblings`: the package owns a library of the closures, and its other shared objects in a
  // library directory that such a library names (as a string: the file name it gives dlopen),
  // or that those name, are plugins of it (NSS's libnss3 opens libsoftokn3.so, which opens
  // libfreeblpriv3.so, beside it).
  Taken take(const PackageManager& manager, const std::string& listed, const std::string& name, bool elf,
             bool siblings = false) {
    Taken taken;
    std::vector<std::pair<std::string, std::string>> candidates;  // siblings: (path, file)
    std::vector<std::string> namers;                              // files whose strings may name them
    for (const auto& path : manager.files(listed)) {
      const std::string file = in_root(options_.sysroot, path);
      // The path itself, its directory's links resolved in the root (in_root follows its last
      // name too): whether it is a link, and to what.
      const std::string named = in_root(options_.sysroot, directory_of(path)) + "/" + base_name(path);
      struct stat st;
      if (::lstat(named.c_str(), &st) != 0 || program_paths_.contains(path)) continue;
      if (S_ISLNK(st.st_mode) && (!is_documentation(path) || options_.include_docs)) {
        char target[4096];
        const ssize_t n = ::readlink(named.c_str(), target, sizeof target);
        if (n > 0 && static_cast<std::size_t>(n) < sizeof target) links.emplace(path, std::string(target, static_cast<std::size_t>(n)));
      }
      if (S_ISDIR(st.st_mode)) directories.emplace(path, name);
      if (!S_ISREG(st.st_mode)) continue;
      if (is_documentation(path) && !options_.include_docs) {
        ++taken.docs;
      } else if (!is_elf(file)) {
        if (kept_.emplace(path, RuntimeFile{path, file, "package " + name, name, false}).second) ++taken.data;
      } else if (elf && !loaded_.contains({st.st_dev, st.st_ino})) {
        ElfRole role = role_of(file, programs_);
        if (in_library_directory(path)) {
          // A helper's library there names its siblings, as the closures' do (below).
          if (siblings && helper_linked_.contains({st.st_dev, st.st_ino})) namers.push_back(file);
          else if (siblings && role == ElfRole::kPlugin) candidates.emplace_back(path, file);
          role = ElfRole::kNone;
        }
        if (role == ElfRole::kHelper &&
            helpers_.emplace(path, RuntimeFile{path, file, "helper (package " + name + ")", name, true}).second) {
          ++taken.helpers;
        } else if (role == ElfRole::kPlugin &&
                   libraries_.emplace(path, RuntimeFile{path, file, "plugin (package " + name + ")", name, true}).second) {
          ++taken.plugins;
        }
      } else if (elf && siblings && in_library_directory(path)) {
        namers.push_back(file);  // a library of the closures
      }
    }
    // The siblings a library of the closures names (its dlopen's file name), and those they name.
    for (bool more = true; more;) {
      more = false;
      for (auto& [path, file] : candidates) {
        const std::string base = base_name(path);  // clang before 16 cannot capture a structured binding
        if (file.empty() ||
            !std::any_of(namers.begin(), namers.end(), [&](const std::string& n) { return names(n, base); })) {
          continue;
        }
        if (libraries_.emplace(path, RuntimeFile{path, file, "plugin (package " + name + ", named by its library)", name, true})
                .second) {
          ++taken.plugins;
        }
        namers.push_back(file);
        file.clear();
        more = true;
      }
    }
    return taken;
  }

 private:
  const std::vector<Program>& programs_;
  const CollectOptions& options_;
  const std::set<std::string>& program_paths_;
  std::map<std::string, RuntimeFile>& kept_;
  std::map<std::string, RuntimeFile>& libraries_;
  std::map<std::string, RuntimeFile>& helpers_;
  std::set<std::pair<dev_t, ino_t>> loaded_;
  std::set<std::pair<dev_t, ino_t>> helper_linked_;  // every library of the helpers' closures

 public:
  std::map<std::string, std::string> links;  // every link among the files taken: path -> target
  std::map<std::string, std::string> directories;  // every directory among them: path -> package

  // The regular files under `dir` (of this machine's root) that no package lists: what a
  // maintainer script wrote into a directory of its package (LibreOffice's postinst fills
  // /etc/libreoffice/registry, where its share/registry link leads). Returns how many.
  std::size_t take_unlisted(const PackageManager& manager, const std::string& dir, const std::string& package,
                            const std::string& why) {
    std::vector<std::string> paths, sources;
    std::error_code error;
    const std::string base = in_root(options_.sysroot, dir);
    for (auto it = std::filesystem::recursive_directory_iterator(base, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
      if (it->is_symlink(error) || !it->is_regular_file(error)) continue;
      const std::string path = dir + it->path().string().substr(base.size());
      if (kept_.contains(path) || is_documentation(path) || is_elf(it->path().string())) continue;
      paths.push_back(path);
      sources.push_back(it->path().string());
    }
    if (paths.empty()) return 0;
    const auto owned = manager.owners(paths);
    std::size_t count = 0;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      if (owned.contains(paths[i])) continue;
      if (kept_.emplace(paths[i], RuntimeFile{paths[i], sources[i], why, package, false}).second) ++count;
    }
    return count;
  }
};

std::string describe(const Taken& t) {
  return std::to_string(t.data) + " data files, " + std::to_string(t.helpers) + " helpers, " +
         std::to_string(t.plugins) + " plugins; " + std::to_string(t.docs) + " documentation files left out";
}

// Whether any of a package's files outside /usr/share and /etc (where no loadable object lives)
// is an ELF object.
bool ships_elf(const PackageManager& manager, const std::string& listed, const std::string& sysroot) {
  for (const auto& path : manager.files(listed)) {
    if (path.starts_with("/usr/share/") || path.starts_with("/etc/")) continue;
    const std::string file = in_root(sysroot, path);
    struct stat st;
    if (::lstat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && is_elf(file)) return true;
  }
  return false;
}

// Where the link at `path` to `target` leads, followed lexically.
std::string link_target(const std::string& path, const std::string& target) {
  return std::filesystem::path(target.starts_with('/') ? target : directory_of(path) + "/" + target).lexically_normal().string();
}

}  // namespace

void add_packaged(const std::vector<Program>& programs, const CollectOptions& options,
                  const std::vector<std::unique_ptr<PackageManager>>& managers, const std::set<std::string>& program_paths,
                  std::map<std::string, RuntimeFile>& kept, std::map<std::string, RuntimeFile>& libraries,
                  std::map<std::string, RuntimeFile>& helpers, RuntimeFiles& result) {
  if (managers.empty()) {
    result.notes.push_back("no package manager found (dpkg, rpm, pacman): no data files detected; add them with --add");
    if (!options.add_packages.empty()) throw Error("--add-package: no package manager found");
    return;
  }
  // Every file of the closures, and every library found so far (glibc's modules, traced ones),
  // by all its names: its package is a seed.
  std::vector<std::string> objects, object_files;
  for (const auto* list : {options.closures, options.helper_closures}) {
    if (list == nullptr) continue;
    for (const auto& c : *list) {
      for (std::size_t i = 1; i < c.objects.size(); ++i) {
        objects.push_back(c.objects[i].path);
        object_files.push_back(c.objects[i].file);
      }
    }
  }
  for (const auto& [path, f] : libraries) {
    objects.push_back(path);
    object_files.push_back(f.file);
  }
  std::vector<bool> program_owned(programs.size(), false);
  PackageFiles files(programs, options, program_paths, kept, libraries, helpers);
  for (const auto& manager : managers) {
    // Each manager in turn is asked, all at once, for every name of the programs no earlier one
    // owns (pacman is not asked about a program dpkg installed); a manager that knows the
    // installed packages (dpkg) for the closures' files too.
    // A program's path and the file it leads to are asked apart: both packages come (/usr/bin/ruby
    // of ruby, /usr/bin/ruby3.1 of ruby3.1).
    std::vector<std::vector<std::string>> groups;
    std::vector<std::size_t> program_of;
    for (std::size_t p = 0; p < programs.size(); ++p) {
      if (program_owned[p]) continue;
      groups.push_back(merged_usr_names(programs[p].path));
      program_of.push_back(p);
      const auto canonical = canonical_in_root(options.sysroot == "/" ? "" : options.sysroot, programs[p].path);
      if (canonical && *canonical != programs[p].path) {
        groups.push_back(merged_usr_names(*canonical));
        program_of.push_back(p);
      }
    }
    if (groups.empty()) break;
    const auto* installed = manager->installed();
    const std::size_t first_object = groups.size();
    if (installed != nullptr) {
      for (const auto& path : objects) groups.push_back(names_of(path, options.sysroot));
    }
    const auto owners = manager->owners_of_any(groups);
    PackageRuleInput input;
    input.installed = installed;
    for (std::size_t g = 0; g < first_object; ++g) {
      if (!owners[g]) continue;
      program_owned[program_of[g]] = true;
      result.package_of.emplace(programs[program_of[g]].file, owners[g]->substr(0, owners[g]->find(':')));
      const std::pair<std::string, std::string> owned{*owners[g], programs[program_of[g]].name};
      if (std::find(input.program_packages.begin(), input.program_packages.end(), owned) == input.program_packages.end()) {
        input.program_packages.push_back(owned);
      }
    }
    if (installed == nullptr) {
      // rpm, pacman: the programs' own packages' data, as they list it.
      std::set<std::string> done;
      for (const auto& [package, program] : input.program_packages) {
        if (!done.insert(package).second) continue;
        const Taken t = files.take(*manager, package, package, false);
        result.packages.push_back({package, "the package of " + program});
        result.notes.push_back(program + ": " + manager->name() + " package " + package + ": " + describe(t));
      }
      continue;
    }
    for (std::size_t g = first_object; g < groups.size(); ++g) {
      if (!owners[g]) continue;
      input.owner_packages.emplace_back(*owners[g], objects[g - first_object]);
      result.package_of.emplace(object_files[g - first_object], owners[g]->substr(0, owners[g]->find(':')));
    }
    input.add_packages = options.add_packages;
    input.exclude_packages = options.exclude_packages;
    input.ships_elf = [&](const std::string& listed) { return ships_elf(*manager, listed, options.sysroot); };
    PackageChoice choice = choose_packages(input);
    for (auto& plugins : plugin_packages(*manager, choice.chosen, options.exclude_packages)) {
      choice.chosen.push_back(std::move(plugins));
    }
    result.notes.insert(result.notes.end(), choice.notes.begin(), choice.notes.end());
    for (const auto& chosen : choice.chosen) {
      const Taken t = files.take(*manager, chosen.listed, chosen.name, true, chosen.owner);
      result.packages.push_back({chosen.name, chosen.why, chosen.through_library, chosen.listed});
      result.notes.push_back(manager->name() + " package " + chosen.name + " (" + chosen.why + "): " + describe(t));
    }
  }
  // A link to a directory of a chosen package brings what the directory holds, listed or not.
  for (const auto& [path, target] : files.links) {
    const std::string to = std::filesystem::path(target.starts_with('/') ? target : directory_of(path) + "/" + target)
                               .lexically_normal()
                               .string();
    const auto dir = files.directories.find(to);
    const bool top_level = path.find('/', 1) == std::string::npos;  // /bin -> usr/bin
    if (dir == files.directories.end() || top_level || is_documentation(to)) continue;
    const std::size_t n = files.take_unlisted(*managers.front(), to, dir->second, "package " + dir->second + " (the directory its link " +
                                                                   path + " leads to; written by its maintainer scripts)");
    if (n > 0) result.notes.push_back(path + ": " + std::to_string(n) + " files no package lists, in " + to + " where it leads");
  }
  // Links whose target (followed lexically) is a bundled file, unless the path is brought as a
  // file already (--add of a directory copies what its links lead to).
  for (const auto& [path, target] : files.links) {
    if (kept.contains(path)) continue;
    const std::string to = link_target(path, target);
    // A link to a directory (perl's 5.36 -> 5.36.0) counts when the directory holds a bundled file.
    const auto holds_bundled = [&](const std::map<std::string, RuntimeFile>& m, const std::string& dir = std::string()) {
      const std::string under = (dir.empty() ? to : dir) + "/";
      const auto it = m.lower_bound(under);
      return it != m.end() && it->first.starts_with(under);
    };
    // Not a link whose own path the bundle has as a directory (/lib -> usr/lib beside /lib/...),
    // nor the merged-/usr links at the top (/bin, /lib): programs are served under them by path.
    if (holds_bundled(kept, path) || holds_bundled(libraries, path) || holds_bundled(helpers, path)) continue;
    const bool top_level = path.find('/', 1) == std::string::npos;
    const std::string under_link = path + "/";  // (clang 14 cannot capture a structured binding)
    const bool under_program = std::any_of(program_paths.begin(), program_paths.end(),
                                           [&](const std::string& q) { return q.starts_with(under_link); });
    if (top_level || under_program) continue;
    if (kept.contains(to) || libraries.contains(to) || helpers.contains(to) || holds_bundled(kept) ||
        holds_bundled(libraries)) {
      result.links.emplace(path, target);
      // The package's link stays a link, whatever another source made of its path (a trace that
      // ran a helper through it): the bundle has one thing at a path, the file the link names.
      for (auto* other : {&helpers, &libraries}) {
        if (const auto it = other->find(path); it != other->end()) {
          result.notes.push_back(path + ": a link to " + target + " (as its package has it), not " + it->second.why);
          other->erase(it);
        }
      }
    }
  }
  for (std::size_t p = 0; p < programs.size(); ++p) {
    if (!program_owned[p]) result.notes.push_back(programs[p].name + ": not installed by a package: no data files detected");
  }
  for (const auto* from : {&kept, &libraries, &helpers}) {
    for (const auto& [path, f] : *from) {
      if (!f.package.empty()) result.package_of.emplace(f.file, f.package);
    }
  }
}

std::optional<std::string> drop_library_package(RuntimeFiles& runtime, RuntimeObjects& extra, const std::string& sysroot) {
  const auto bytes_of = [](const RuntimeFile& f) -> std::uintmax_t {
    struct stat st;
    if (f.contents) return f.contents->size();
    return f.link.empty() && ::stat(f.file.c_str(), &st) == 0 ? static_cast<std::uintmax_t>(st.st_size) : 0;
  };
  std::map<std::string, std::uintmax_t> weight;  // by package: the bytes of its files still here
  for (const auto* list : {&runtime.files, &runtime.libraries, &runtime.helpers}) {
    for (const auto& f : *list) {
      if (!f.package.empty()) weight[f.package] += bytes_of(f);
    }
  }
  const PackageUse* heaviest = nullptr;
  std::uintmax_t most = 0;
  for (const auto& use : runtime.packages) {
    const auto it = weight.find(use.name);
    if (use.through_library && it != weight.end() && it->second > most) {
      heaviest = &use;
      most = it->second;
    }
  }
  if (heaviest == nullptr) return std::nullopt;
  const std::string name = heaviest->name;
  const std::string why = heaviest->why;
  std::set<std::string> gone;  // the paths left out
  const auto of_package = [&](const RuntimeFile& f) {
    if (f.package != name) return false;
    gone.insert(f.path);
    return true;
  };
  std::erase_if(runtime.files, of_package);
  // Element i of extra's lists is element i of runtime's libraries and helpers: both go.
  const auto erase_paired = [&](std::vector<RuntimeFile>& list, auto&... paired) {
    for (std::size_t i = list.size(); i-- > 0;) {
      if (!of_package(list[i])) continue;
      list.erase(list.begin() + static_cast<long>(i));
      ((i < paired.size() ? (void)paired.erase(paired.begin() + static_cast<long>(i)) : (void)0), ...);
    }
  };
  erase_paired(runtime.libraries, extra.libraries);
  erase_paired(runtime.helpers, extra.helpers, extra.helper_closures);
  // A link that led to what went goes too (a package's, or one settled among the files).
  std::erase_if(runtime.links, [&](const auto& link) { return gone.contains(link_target(link.first, link.second)); });
  std::erase_if(runtime.files, [&](const RuntimeFile& f) { return !f.link.empty() && gone.contains(link_target(f.path, f.link)); });
  std::erase_if(runtime.packages, [&](const PackageUse& use) { return use.name == name; });
  set_prefixes(runtime, sysroot);
  char size[32];
  std::snprintf(size, sizeof size, "%.1f MiB", static_cast<double>(most) / (1024.0 * 1024.0));
  return "package " + name + " (" + why + "), " + size;
}

void attribute_packages(const std::vector<const Closure*>& closures, RuntimeFiles& files, const std::string& sysroot) {
  std::vector<std::vector<std::string>> groups;
  std::vector<std::string> sources;
  std::set<std::string> asked;
  for (const Closure* c : closures) {
    for (const auto& o : c->objects) {
      if (files.package_of.contains(o.file) || !asked.insert(o.file).second) continue;
      groups.push_back(names_of(o.path, sysroot));
      sources.push_back(o.file);
    }
  }
  if (groups.empty()) return;
  for (const auto& manager : package_managers(sysroot)) {
    if (manager->installed() == nullptr) continue;
    const auto owners = manager->owners_of_any(groups);
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (owners[i]) files.package_of.emplace(sources[i], owners[i]->substr(0, owners[i]->find(':')));
    }
    return;
  }
}

}  // namespace elfpack
