// Package managers, as the runtime-file sources see them: which package installed a file, what
// else it installed, and which packages belong with it. dpkg's database is read directly
// (dpkg.cpp); rpm and pacman are asked (package_managers.cpp).
#pragma once

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "elfpack/base/process.h"

namespace elfpack {

// A package manager that can say which package installed a file, and what else it installed.
class PackageManager {
 public:
  virtual ~PackageManager() = default;
  virtual std::string name() const = 0;
  // The package owning each of `paths` that has one (one query where the tool allows: a
  // thousand programs must not mean a thousand runs of dpkg).
  virtual std::map<std::string, std::string> owners(const std::vector<std::string>& paths) const = 0;
  virtual std::vector<std::string> files(const std::string& package) const = 0;
  // Packages whose files count as the package's own: those it depends on that were built from
  // the same source, which a distribution splits off for size or architecture (cmake's modules
  // in cmake-data, vim's runtime in vim-runtime). None where the manager cannot tell.
  virtual std::vector<std::string> companions(const std::string& package) const {
    (void)package;
    return {};
  }
  // The installed packages it depends on (any alternative). None where the manager cannot tell.
  virtual std::vector<std::string> dependencies(const std::string& package) const {
    (void)package;
    return {};
  }

 protected:
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
