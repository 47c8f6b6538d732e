// Package managers, as the runtime-file sources see them: which package installed a file, what
// else it installed, and which packages belong with it. dpkg's database is read directly
// (dpkg.cpp); rpm and pacman are asked (package_managers.cpp).
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "elfpack/base/process.h"

namespace elfpack {

// An installed package as dpkg's status database describes it.
struct InstalledPackage {
  std::string listed;        // the name of its file list: NAME, or NAME:ARCH for Multi-Arch: same
  std::string source;        // the Source field's name, or the package's own
  // Depends and Pre-Depends: each a group of alternatives, by bare name (versions and
  // architecture qualifiers dropped), in the order the package names them.
  std::vector<std::vector<std::string>> depends;
  std::vector<std::string> provides;  // virtual packages it provides, by name
  bool essential = false;    // Essential: yes
  std::string priority;      // required, important, standard, optional, extra
  std::size_t order = 0;     // its place in the status file (the first provider wins)
};

// A package manager that can say which package installed a file, and what else it installed.
class PackageManager {
 public:
  virtual ~PackageManager() = default;
  virtual std::string name() const = 0;
  // The package owning each of `paths` that has one (one query where the tool allows: a
  // thousand programs must not mean a thousand runs of dpkg).
  virtual std::map<std::string, std::string> owners(const std::vector<std::string>& paths) const = 0;
  // For each group of names of one file (a library's path as found and across the merged-/usr
  // links), the package owning the first of its names that one owns.
  virtual std::vector<std::optional<std::string>> owners_of_any(const std::vector<std::vector<std::string>>& groups) const {
    std::vector<std::string> all;
    for (const auto& g : groups) all.insert(all.end(), g.begin(), g.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return pick_owners(groups, owners(all));
  }
  virtual std::vector<std::string> files(const std::string& package) const = 0;
  // The text of the maintainer scripts of `package` (by bare or list name) that make files at
  // install: preinst, postinst and debconf's config; empty where the manager cannot tell.
  virtual std::string maintainer_scripts(const std::string& /*package*/) const { return {}; }
  // What the manager knows of every installed package (dpkg's status database), by bare name;
  // null where it cannot tell (rpm and pacman are asked one package at a time: only the
  // program's own package is brought from them).
  virtual const std::map<std::string, InstalledPackage>* installed() const { return nullptr; }
  // The installed packages `package` depends on (Depends, Pre-Depends), by their lists' names:
  // of each group of alternatives the first installed one, or the first installed provider of a
  // virtual one. None where the manager cannot tell.
  std::vector<std::string> dependencies(const std::string& package) const {
    const auto* all = installed();
    if (all == nullptr) return {};
    const auto self = all->find(package.substr(0, package.find(':')));
    if (self == all->end()) return {};
    std::vector<std::string> found;
    for (const auto& group : self->second.depends) {
      const InstalledPackage* chosen = nullptr;
      for (const auto& alternative : group) {
        if (const auto it = all->find(alternative); it != all->end()) chosen = &it->second;
        for (const auto& [name, p] : *all) {  // a virtual package: its first installed provider
          if (chosen != nullptr) break;
          if (std::find(p.provides.begin(), p.provides.end(), alternative) != p.provides.end()) chosen = &p;
        }
        if (chosen != nullptr) break;
      }
      if (chosen != nullptr) found.push_back(chosen->listed);
    }
    return found;
  }

 protected:
  static std::vector<std::optional<std::string>> pick_owners(const std::vector<std::vector<std::string>>& groups,
                                                             const std::map<std::string, std::string>& owners) {
    std::vector<std::optional<std::string>> picked(groups.size());
    for (std::size_t i = 0; i < groups.size(); ++i) {
      for (const auto& name : groups[i]) {
        if (const auto it = owners.find(name); it != owners.end()) {
          picked[i] = it->second;
          break;
        }
      }
    }
    return picked;
  }
  static ProcessOutput query(std::vector<std::string> argv) {
    return run_process(argv, {"LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"});
  }
  // Runs `run({option, paths...})` over slices of `paths` that keep each command line far below
  // the kernel's limit, and hands every line it prints to `on_line`.
  template <class Run, class OnLine>
  static void query_lines(const std::vector<std::string>& paths, const char* option, Run run, OnLine on_line) {
    constexpr std::size_t kSliceBytes = 64 * 1024;
    for (std::size_t begin = 0; begin < paths.size();) {
      std::size_t end = begin, bytes = 0;
      while (end < paths.size() && (end == begin || bytes + paths[end].size() < kSliceBytes)) bytes += paths[end++].size() + 1;
      std::vector<std::string> args{option};
      args.insert(args.end(), paths.begin() + static_cast<long>(begin), paths.begin() + static_cast<long>(end));
      std::istringstream lines(run(args).out);
      std::string line;
      while (std::getline(lines, line)) on_line(line);
      begin = end;
    }
  }
  static std::vector<std::string> absolute_lines(const std::string& text) {
    std::vector<std::string> paths;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.starts_with('/') && line != "/.") paths.push_back(line);
    }
    return paths;
  }
};

// dpkg's database under `admindir` (<root>/var/lib/dpkg).
std::unique_ptr<PackageManager> make_dpkg(std::string admindir);

// The package managers found on this machine, most likely first.
std::vector<std::unique_ptr<PackageManager>> package_managers(const std::string& sysroot);

}  // namespace elfpack
