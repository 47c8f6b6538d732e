// dpkg's database read directly: who owns a path (diversions included), what a package installed,
// and what the status database says of every installed package (source, relations, priority).
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

  std::map<std::string, std::string> owners(const std::vector<std::string>& paths) const override {
    return scan(paths, [&](const std::map<std::string, std::string>& found) { return found.size() == paths.size(); });
  }

  // The lists are read until every group has an owner: a file's other names (/lib/x -> /usr/lib/x)
  // mostly belong to no package, and must not make every list be read.
  std::vector<std::optional<std::string>> owners_of_any(const std::vector<std::vector<std::string>>& groups) const override {
    std::vector<std::string> all;
    for (const auto& g : groups) all.insert(all.end(), g.begin(), g.end());
    const auto found = scan(all, [&](const std::map<std::string, std::string>& found) {
      return std::all_of(groups.begin(), groups.end(), [&](const std::vector<std::string>& g) {
        return std::any_of(g.begin(), g.end(), [&](const std::string& n) { return found.contains(n); });
      });
    });
    return pick_owners(groups, found);
  }

 private:
  // Each list read once, in name order, until `done`; of several packages that may own a path,
  // the first.
  template <class Done>
  std::map<std::string, std::string> scan(const std::vector<std::string>& paths, Done done) const {
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
    std::vector<bool> lengths(4096);
    for (const auto& [path, w] : wanted) {
      if (path.size() >= lengths.size()) lengths.resize(path.size() + 1);
      lengths[path.size()] = true;
    }
    std::map<std::string, std::string> found;
    std::string text;
    for (const auto& list : likely_first(lists(), asked)) {
      // A list removed since the directory was read: its package is being removed (dpkg-query
      // warns and takes it as owning nothing).
      if (!read_list(list, text, /*absent_is_empty=*/true)) continue;
      const std::string package = list.substr(0, list.size() - 5);
      const std::string bare = package.substr(0, package.find(':'));  // diversions name packages without :ARCH
      bool changed = false;
      for_each_line(text, [&](std::string_view line) {
        // Most lines are of a length no wanted path has: a bit each, before any comparison.
        if (line.size() >= lengths.size() || !lengths[line.size()]) return;
        const auto [first, last] = wanted.equal_range(line);
        for (auto it = first; it != last; ++it) {
          const Wanted& w = it->second;
          if ((w.only_by != nullptr && bare != *w.only_by) || (w.not_by != nullptr && bare == *w.not_by)) continue;
          changed |= found.emplace(w.asked, package).second;
        }
      });
      if (found.size() == asked.size() || (changed && done(found))) break;
    }
    return found;
  }

 public:

  // dpkg's status database (<root>/var/lib/dpkg/status), read once when first needed.
  const std::map<std::string, InstalledPackage>* installed() const override {
    read_status();
    return &status_;
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

  // <admindir>/info/PACKAGE.{preinst,postinst,config}, under the list's name.
  std::string maintainer_scripts(const std::string& package) const override {
    read_status();
    const auto it = status_.find(package.substr(0, package.find(':')));
    const std::string listed = it != status_.end() ? it->second.listed : package;
    std::string all, text;
    for (const char* script : {".preinst", ".postinst", ".config"}) {
      if (read_text(info_ + "/" + listed + script, "a maintainer script", text, /*absent_is_empty=*/true)) all += text + "\n";
    }
    return all;
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

  // The lists in name order, but those whose name starts as a wanted file's name does first
  // (rig.list for /usr/bin/rig, libstdc++6 for libstdc++.so.6, libgcc-s1 for libgcc_s.so.1): a
  // scan stops once every file has an owner, and a package is mostly named after its files. dpkg
  // lets no two packages own a file, so the order decides nothing else.
  static std::vector<std::string> likely_first(std::vector<std::string> names, const std::set<std::string>& paths) {
    std::set<std::string> stems;
    for (const auto& path : paths) {
      std::string stem = path.substr(path.rfind('/') + 1);
      stem = stem.substr(0, stem.find('.'));
      std::replace(stem.begin(), stem.end(), '_', '-');
      if (stem.size() >= 2) stems.insert(stem);
    }
    std::stable_partition(names.begin(), names.end(), [&](const std::string& name) {
      auto it = stems.upper_bound(name);  // the greatest stem not after the name
      return it != stems.begin() && name.starts_with(*std::prev(it));
    });
    return names;
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

  // "a (>= 1) | b:any, c": groups split on ',', alternatives on '|'; a name is what comes before
  // a space, '(', '[' or ':'.
  static std::vector<std::vector<std::string>> parse_relations(std::string_view text) {
    std::vector<std::vector<std::string>> groups;
    for (std::string_view rest = text; !rest.empty();) {
      const std::size_t comma = std::min(rest.find(','), rest.size());
      std::string_view group = rest.substr(0, comma);
      rest.remove_prefix(std::min(comma + 1, rest.size()));
      std::vector<std::string> alternatives;
      while (!group.empty()) {
        const std::size_t bar = std::min(group.find('|'), group.size());
        std::string_view alternative = group.substr(0, bar);
        group.remove_prefix(std::min(bar + 1, group.size()));
        const std::size_t start = alternative.find_first_not_of(" \t\n");
        if (start == std::string_view::npos) continue;
        alternative.remove_prefix(start);
        alternatives.emplace_back(alternative.substr(0, std::min(alternative.find_first_of(" ([:\t\n"), alternative.size())));
      }
      if (!alternatives.empty()) groups.push_back(std::move(alternatives));
    }
    return groups;
  }

  // Each stanza of the status file of an installed package (Status: ... installed), by name. A
  // field's continuation lines (a Depends folded over lines) belong to it.
  void read_status() const {
    if (status_read_) return;
    status_read_ = true;
    std::string text;
    if (!read_text(admindir_ + "/status", "dpkg's status database", text, /*absent_is_empty=*/true)) return;
    std::string_view rest = text;
    std::size_t order = 0;
    while (!rest.empty()) {
      const std::size_t end = std::min(rest.find("\n\n"), rest.size());
      const std::string_view stanza = rest.substr(0, end);
      rest.remove_prefix(std::min(end + 2, rest.size()));
      std::string name, status, architecture, depends, provides;
      bool multiarch_same = false;
      InstalledPackage installed;
      std::string* continued = nullptr;
      for_each_line(stanza, [&](std::string_view line) {
        if (line.starts_with(' ') || line.starts_with('\t')) {
          if (continued != nullptr) *continued += std::string(line);
          return;
        }
        continued = nullptr;
        const auto field = [&line](std::string_view key) {
          return line.starts_with(key) ? std::optional(line.substr(key.size())) : std::nullopt;
        };
        if (const auto v = field("Package: ")) name = *v;
        if (const auto v = field("Status: ")) status = *v;
        if (const auto v = field("Source: ")) installed.source = v->substr(0, v->find(' '));  // "glibc (2.36-9)"
        if (const auto v = field("Depends: ")) (continued = &depends)->append(std::string(*v) + ",");
        if (const auto v = field("Pre-Depends: ")) (continued = &depends)->append(std::string(*v) + ",");
        if (const auto v = field("Provides: ")) (continued = &provides)->append(std::string(*v) + ",");
        if (const auto v = field("Architecture: ")) architecture = *v;
        if (const auto v = field("Multi-Arch: ")) multiarch_same = *v == "same";
        if (const auto v = field("Essential: ")) installed.essential = *v == "yes";
        if (const auto v = field("Priority: ")) installed.priority = *v;
      });
      if (name.empty() || !status.ends_with(" installed")) continue;
      if (installed.source.empty()) installed.source = name;
      installed.listed = multiarch_same ? name + ":" + architecture : name;
      installed.depends = parse_relations(depends);
      for (auto& group : parse_relations(provides)) installed.provides.push_back(std::move(group.front()));
      installed.order = order++;
      status_.emplace(name, std::move(installed));  // of several architectures' stanzas, the first
    }
  }

  std::string admindir_;
  std::string info_;
  mutable bool status_read_ = false;
  mutable std::map<std::string, InstalledPackage> status_;
  std::map<std::string, Diversion, std::less<>> diverted_;   // path -> where others' copies go, and who
  std::map<std::string, std::string, std::less<>> targets_;  // a diversion's target -> the diverted path
};

}  // namespace

std::unique_ptr<PackageManager> make_dpkg(std::string admindir) { return std::make_unique<Dpkg>(std::move(admindir)); }

}  // namespace elfpack
