// rpm and pacman, asked through their tools; and which package managers a root has.
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

// rpm: `rpm -qf --qf '%{NAME}\n' PATH`, `rpm -ql PKG`; --root for a sysroot; --dbpath the
// root's system database (a Debian rpm would otherwise open, and create, ~/.rpmdb).
class Rpm : public PackageManager {
 public:
  Rpm(std::string tool, const std::string& sysroot, std::string dbpath)
      : tool_(std::move(tool)), sysroot_(sysroot), dbpath_(std::move(dbpath)) {}
  std::string name() const override { return "rpm"; }

  // One query per path: with several, rpm's answers (one line per owner, or a message) cannot be
  // told apart.
  std::map<std::string, std::string> owners(const std::vector<std::string>& paths) const override {
    std::map<std::string, std::string> found;
    for (const auto& path : paths) {
      const ProcessOutput run = rpm({"-qf", "--qf", "%{NAME}\n", path});
      if (run.exit_status != 0) continue;
      const std::string first = run.out.substr(0, run.out.find('\n'));
      if (!first.empty() && first.find(' ') == std::string::npos) found.emplace(path, first);
    }
    return found;
  }

  std::vector<std::string> files(const std::string& package) const override {
    const ProcessOutput run = rpm({"-ql", package});
    return run.exit_status == 0 ? absolute_lines(run.out) : std::vector<std::string>{};
  }

 private:
  ProcessOutput rpm(std::vector<std::string> args) const {
    std::vector<std::string> argv{tool_, "--dbpath", dbpath_};
    if (sysroot_ != "/") argv.insert(argv.end(), {"--root", sysroot_});
    argv.insert(argv.end(), args.begin(), args.end());
    return query(argv);
  }

  std::string tool_;
  std::string sysroot_;
  std::string dbpath_;
};

// pacman: `pacman -Qo PATH...` ("PATH is owned by NAME VERSION" for each owned one),
// `pacman -Qlq PKG`. With --root it takes and prints paths with the root in front.
class Pacman : public PackageManager {
 public:
  Pacman(std::string tool, const std::string& sysroot) : tool_(std::move(tool)), sysroot_(sysroot) {}
  std::string name() const override { return "pacman"; }

  std::map<std::string, std::string> owners(const std::vector<std::string>& paths) const override {
    std::map<std::string, std::string> by_asked;  // the path as pacman takes it -> as the caller has it
    for (const auto& path : paths) by_asked.emplace(sysroot_ == "/" ? path : in_root(sysroot_, path), path);
    std::vector<std::string> asked;
    for (const auto& [a, path] : by_asked) asked.push_back(a);
    std::map<std::string, std::string> found;
    query_lines(asked, "-Qo", [this](const auto& args) { return pacman(args); }, [&](const std::string& line) {
      const auto is = line.rfind(" is owned by ");
      if (is == std::string::npos) return;
      const auto path = by_asked.find(line.substr(0, is));
      const std::string owner = line.substr(is + 13);
      if (path != by_asked.end() && !owner.empty()) found.emplace(path->second, owner.substr(0, owner.find(' ')));
    });
    return found;
  }

  std::vector<std::string> files(const std::string& package) const override {
    const ProcessOutput run = pacman({"-Qlq", package});
    if (run.exit_status != 0) return {};
    std::vector<std::string> paths;
    const std::string prefix = sysroot_ == "/" ? "" : sysroot_;
    for (auto& line : absolute_lines(run.out)) {
      if (!line.starts_with(prefix + "/")) continue;
      line.erase(0, prefix.size());
      while (line.size() > 1 && line.back() == '/') line.pop_back();
      paths.push_back(line);
    }
    return paths;
  }

 private:
  ProcessOutput pacman(std::vector<std::string> args) const {
    std::vector<std::string> argv{tool_};
    if (sysroot_ != "/") argv.insert(argv.end(), {"--root", sysroot_, "--dbpath", in_root(sysroot_, "/var/lib/pacman")});
    argv.insert(argv.end(), args.begin(), args.end());
    return query(argv);
  }

  std::string tool_;
  std::string sysroot_;
};

}  // namespace

// The package managers found on this machine, most likely first.
std::vector<std::unique_ptr<PackageManager>> package_managers(const std::string& sysroot) {
  std::vector<std::unique_ptr<PackageManager>> managers;
  const std::string dpkg = in_root(sysroot, "/var/lib/dpkg");
  struct stat st;
  if (::stat((dpkg + "/info").c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    managers.push_back(make_dpkg(dpkg));
  // rpm and pacman only where the root has their system database: asking costs a process each,
  // and rpm would make a database of its own in the user's home.
  if (auto tool = find_system_tool("rpm")) {
    for (const char* db : {"/usr/lib/sysimage/rpm", "/var/lib/rpm"}) {
      const std::string dir = in_root(sysroot, db);
      if (::access((dir + "/rpmdb.sqlite").c_str(), F_OK) == 0 || ::access((dir + "/Packages").c_str(), F_OK) == 0 ||
          ::access((dir + "/Packages.db").c_str(), F_OK) == 0) {
        managers.push_back(std::make_unique<Rpm>(*tool, sysroot, db));
        break;
      }
    }
  }
  if (auto tool = find_system_tool("pacman"); tool && ::access(in_root(sysroot, "/var/lib/pacman/local").c_str(), F_OK) == 0) {
    managers.push_back(std::make_unique<Pacman>(*tool, sysroot));
  }
  return managers;
}

}  // namespace elfpack
