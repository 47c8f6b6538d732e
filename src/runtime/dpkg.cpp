// dpkg's database read directly: who owns a path (diversions included), what a package installed,
// and the packages built from the same source that it depends on.
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

// dpkg: its database, read as dpkg-query reads it: <root>/var/lib/dpkg/info/PACKAGE.list (or
// PACKAGE:ARCH.list for a Multi-Arch: same package) holds the paths the package installed, one a
// line. Reading the lists here, rather than running `dpkg-query -S`, skips the parse of the whole
// status database that dpkg-query does first: 15 ms instead of 90 for rig on the benchmark
// machine, most of a small bundle's time. No dpkg-query is needed, so a Debian --sysroot can be
// bundled from any machine.
//
// Diversions (<root>/var/lib/dpkg/diversions: records of three lines, the path, where other
// packages' copies of it go, and the diverting package or ":" for the administrator) decide whose
// file is where: at a diverted path X is the diverter's own copy (none of a package's, for the
// administrator's), and at its target the copy of the other package that lists X.
class Dpkg : public PackageManager {
 public:
  explicit Dpkg(std::string admindir) : admindir_(std::move(admindir)), info_(admindir_ + "/info") {
    read_diversions(admindir_ + "/diversions");
  }
  std::string name() const override { return "dpkg"; }

  // Each list read once, in name order; of several packages that may own a path, the first.
  std::map<std::string, std::string> owners(const std::vector<std::string>& paths) const override {
    // Each asked path is looked for in the lists under the name it was installed as, and counts
    // only for the packages whose copy is really there.
    struct Wanted {
      std::string asked;
      const std::string* only_by = nullptr;  // a diverted path: the diverter's copy
      const std::string* not_by = nullptr;   // a diversion's target: anyone's but the diverter's
    };
    std::multimap<std::string, Wanted, std::less<>> wanted;
    const std::set<std::string> asked(paths.begin(), paths.end());
    for (const auto& path : asked) {
      if (const auto d = diverted_.find(path); d != diverted_.end()) {
        wanted.emplace(path, Wanted{path, &d->second.by, nullptr});
      } else if (const auto t = targets_.find(path); t != targets_.end()) {
        wanted.emplace(t->second, Wanted{path, nullptr, &diverted_.at(t->second).by});
      } else {
        wanted.emplace(path, Wanted{path});
      }
    }
    std::map<std::string, std::string> found;
    std::string text;
    for (const auto& list : lists()) {
      // A list removed since the directory was read: its package is being removed (dpkg-query
      // warns and takes it as owning nothing).
      if (!read_list(list, text, /*absent_is_empty=*/true)) continue;
      const std::string package = list.substr(0, list.size() - 5);
      const std::string bare = package.substr(0, package.find(':'));  // diversions name packages without :ARCH
      for_each_line(text, [&](std::string_view line) {
        const auto [first, last] = wanted.equal_range(line);
        for (auto it = first; it != last; ++it) {
          const Wanted& w = it->second;
          if ((w.only_by != nullptr && bare != *w.only_by) || (w.not_by != nullptr && bare == *w.not_by)) continue;
          found.emplace(w.asked, package);
        }
      });
      if (found.size() == asked.size()) break;
    }
    return found;
  }

  // Those of its dependencies whose Source is its own.
  std::vector<std::string> companions(const std::string& package) const override {
    return installed_dependencies(package, true);
  }
  std::vector<std::string> dependencies(const std::string& package) const override {
    return installed_dependencies(package, false);
  }

  // From dpkg's status database (<root>/var/lib/dpkg/status), read once when first needed:
  // the installed packages `package` depends on (Depends, Pre-Depends), in the order it names
  // them: those whose Source is its own (any alternative) if `same_source`, else of each
  // dependency its first installed alternative.
  std::vector<std::string> installed_dependencies(const std::string& package, bool same_source) const {
    read_status();
    const auto bare = [](std::string_view name) { return std::string(name.substr(0, name.find(':'))); };
    const auto self = status_.find(bare(package));
    if (self == status_.end()) return {};
    std::vector<std::string> found;
    bool satisfied = false;  // an earlier alternative of this group is installed
    for (std::string_view rest = self->second.depends; !rest.empty();) {
      if (rest.front() == ',') satisfied = false;
      // "a (>= 1) | b:any, c": names are what comes before a space, '(' , ',', '|' or ':'.
      const std::size_t start = rest.find_first_not_of(" ,|\t\n");
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      const std::size_t end = std::min(rest.find_first_of(" ,|(:\t\n"), rest.size());
      const std::string name(rest.substr(0, end));
      rest.remove_prefix(end);
      // Skip what follows the name up to the next separator (version, architecture).
      rest.remove_prefix(std::min(rest.find_first_of(",|"), rest.size()));
      const auto it = status_.find(name);
      if (name == self->first || it == status_.end()) continue;
      if (same_source && it->second.source != self->second.source) continue;
      // Of the alternatives of a dependency, the first installed one, which dpkg took for it.
      if (!same_source && std::exchange(satisfied, true)) continue;
      // As its list is named: NAME:ARCH for a Multi-Arch: same package (libc6:amd64).
      const std::string listed = it->second.multiarch_same ? name + ":" + it->second.architecture : name;
      if (std::find(found.begin(), found.end(), listed) == found.end()) found.push_back(listed);
    }
    return found;
  }

  // The package's files where they are: a path another package diverted is at the diversion's
  // target.
  std::vector<std::string> files(const std::string& package) const override {
    std::string text;
    read_list(package + ".list", text, false);
    const std::string bare = package.substr(0, package.find(':'));
    std::vector<std::string> paths;
    for_each_line(text, [&](std::string_view line) {
      if (!line.starts_with('/') || line == "/.") return;
      const auto d = diverted_.find(line);
      paths.emplace_back(d != diverted_.end() && d->second.by != bare ? std::string_view(d->second.to) : line);
    });
    return paths;
  }

 private:
  struct Diversion {
    std::string to, by;
  };

  void read_diversions(const std::string& path) {
    std::string text;
    // None: dpkg makes the file with the first diversion.
    if (!read_text(path, "dpkg's diversions", text, /*absent_is_empty=*/true)) return;
    std::vector<std::string_view> lines;
    for_each_line(text, [&](std::string_view line) { lines.push_back(line); });
    for (std::size_t i = 0; i + 2 < lines.size(); i += 3) {
      targets_.emplace(lines[i + 1], lines[i]);
      diverted_[std::string(lines[i])] = Diversion{std::string(lines[i + 1]), std::string(lines[i + 2])};
    }
  }

  // The names of the package lists, sorted.
  std::vector<std::string> lists() const {
    std::vector<std::string> names;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(info_.c_str()), ::closedir);
    if (!dir) throw Error(info_ + ": cannot read dpkg's database: " + std::strerror(errno));
    while (const dirent* e = ::readdir(dir.get())) {
      const std::string_view name = e->d_name;
      if (name.size() > 5 && name.ends_with(".list")) names.emplace_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // Reads a list into `text`; false when it does not exist and `absent_is_empty`.
  bool read_list(const std::string& name, std::string& text, bool absent_is_empty) const {
    return read_text(info_ + "/" + name, "dpkg's list of the package's files", text, absent_is_empty);
  }

  // Reads the file at `path` (`what` it is, for errors) into `text`; false when it does not
  // exist and `absent_is_empty`.
  static bool read_text(const std::string& path, const char* what, std::string& text, bool absent_is_empty) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && absent_is_empty) return false;
    if (fd < 0) throw Error(path + ": cannot read " + what + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int error = errno;
      ::close(fd);
      throw Error(path + ": cannot read " + what + ": " + std::strerror(error));
    }
    text.resize(static_cast<std::size_t>(st.st_size));
    try {
      read_exactly(fd, reinterpret_cast<unsigned char*>(text.data()), text.size(), 0, path,
                   static_cast<std::uint64_t>(st.st_size));
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    return true;
  }

  template <class OnLine>
  static void for_each_line(std::string_view text, OnLine on_line) {
    while (!text.empty()) {
      const auto end = text.find('\n');
      on_line(text.substr(0, end));
      if (end == std::string_view::npos) break;
      text.remove_prefix(end + 1);
    }
  }

  struct Installed {
    std::string source;   // the Source field's name, or the package's own
    std::string depends;  // Depends and Pre-Depends, joined by ','
    std::string architecture;
    bool multiarch_same = false;  // its files list is named NAME:ARCH.list
  };

  // Each stanza of the status file of an installed package (Status: ... installed), by name.
  void read_status() const {
    if (status_read_) return;
    status_read_ = true;
    std::string text;
    if (!read_text(admindir_ + "/status", "dpkg's status database", text, /*absent_is_empty=*/true)) return;
    std::string_view rest = text;
    while (!rest.empty()) {
      const std::size_t end = std::min(rest.find("\n\n"), rest.size());
      const std::string_view stanza = rest.substr(0, end);
      rest.remove_prefix(std::min(end + 2, rest.size()));
      std::string name, status;
      Installed installed;
      for_each_line(stanza, [&](std::string_view line) {
        const auto field = [&line](std::string_view key) {
          return line.starts_with(key) ? std::optional(line.substr(key.size())) : std::nullopt;
        };
        if (const auto v = field("Package: ")) name = *v;
        if (const auto v = field("Status: ")) status = *v;
        if (const auto v = field("Source: ")) installed.source = v->substr(0, v->find(' '));  // "glibc (2.36-9)"
        if (const auto v = field("Depends: ")) installed.depends += std::string(*v) + ",";
        if (const auto v = field("Pre-Depends: ")) installed.depends += std::string(*v) + ",";
        if (const auto v = field("Architecture: ")) installed.architecture = *v;
        if (const auto v = field("Multi-Arch: ")) installed.multiarch_same = *v == "same";
      });
      if (name.empty() || !status.ends_with(" installed")) continue;
      if (installed.source.empty()) installed.source = name;
      status_.emplace(name, std::move(installed));  // of several architectures' stanzas, the first
    }
  }

  std::string admindir_;
  std::string info_;
  mutable bool status_read_ = false;
  mutable std::map<std::string, Installed> status_;
  std::map<std::string, Diversion, std::less<>> diverted_;   // path -> where others' copies go, and who
  std::map<std::string, std::string, std::less<>> targets_;  // a diversion's target -> the diverted path
};

}  // namespace

std::unique_ptr<PackageManager> make_dpkg(std::string admindir) { return std::make_unique<Dpkg>(std::move(admindir)); }

}  // namespace elfpack
