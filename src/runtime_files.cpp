// Step (3): runtime files from the package manager: which package owns each program, and which
// files that package installed (dpkg's database read directly; rpm and pacman asked).
#include "elfpack/runtime_files.h"

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

#include "elfpack/error.h"
#include "elfpack/ld_cache.h"
#include "elfpack/mapped_file.h"
#include "elfpack/resolver.h"
#include "elfpack/loader_profile.h"
#include "elfpack/paths.h"
#include "elfpack/process.h"
#include "elfpack/trace_log.h"

namespace elfpack {

bool is_documentation(const std::string& path) {
  static const char* const kDirs[] = {"/usr/share/doc/",  "/usr/share/man/",   "/usr/share/info/", "/usr/share/locale/",
                                      "/usr/share/lintian/", "/usr/share/bug/", "/usr/share/doc-base/", "/usr/share/menu/",
                                      "/usr/share/gtk-doc/", "/usr/share/help/"};
  return std::any_of(std::begin(kDirs), std::end(kDirs), [&](const char* d) { return path.starts_with(d); });
}

namespace {

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

  // From dpkg's status database (<root>/var/lib/dpkg/status), read once when first needed:
  // the installed packages `package` depends on (Depends, Pre-Depends; any alternative) whose
  // Source is its own, in the order it names them.
  std::vector<std::string> companions(const std::string& package) const override {
    read_status();
    const auto bare = [](std::string_view name) { return std::string(name.substr(0, name.find(':'))); };
    const auto self = status_.find(bare(package));
    if (self == status_.end()) return {};
    std::vector<std::string> found;
    for (std::string_view rest = self->second.depends; !rest.empty();) {
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
      if (name == self->first || it == status_.end() || it->second.source != self->second.source) continue;
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

// The package managers found on this machine, most likely first.
std::vector<std::unique_ptr<PackageManager>> package_managers(const std::string& sysroot) {
  std::vector<std::unique_ptr<PackageManager>> managers;
  const std::string dpkg = in_root(sysroot, "/var/lib/dpkg");
  struct stat st;
  if (::stat((dpkg + "/info").c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    managers.push_back(std::make_unique<Dpkg>(dpkg));
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

// The names dpkg may know a program by: as found, with its links resolved, and across the
// merged-/usr links (/bin -> /usr/bin).
std::vector<std::string> names_of(const Program& program, const std::string& sysroot) {
  std::vector<std::string> names{program.path};
  if (auto canonical = canonical_in_root(sysroot == "/" ? "" : sysroot, program.path)) names.push_back(*canonical);
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

bool is_elf(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char magic[4] = {};
  const bool elf = ::pread(fd, magic, 4, 0) == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
  ::close(fd);
  return elf;
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

namespace {

// --add SRC[=DEST]: every regular file under SRC, at DEST.
// An ELF file at `path`: a program (it has an interpreter, or is a static executable) or a library.
bool is_program(const std::string& file) {
  const ElfFacts elf = read_elf(file);
  return elf.interp.has_value() || elf.ident.type == kEtExec;
}

void add_explicit(const std::string& spec, std::map<std::string, RuntimeFile>& kept, std::set<std::string>& prefixes,
                  std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& helpers,
                  std::vector<std::string>& notes) {
  const auto equals = spec.find('=');
  const std::string source = spec.substr(0, equals);
  std::string dest = equals == std::string::npos ? source : spec.substr(equals + 1);
  if (source.empty()) throw Error("--add " + spec + ": no source path");
  if (!dest.starts_with('/')) {
    if (equals != std::string::npos) throw Error("--add " + spec + ": the destination must be an absolute path");
    char* cwd = ::getcwd(nullptr, 0);
    dest = std::string(cwd != nullptr ? cwd : "") + "/" + dest;
    std::free(cwd);
  }
  while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
  struct stat st;
  if (::stat(source.c_str(), &st) != 0) throw Error(source + ": cannot add: " + std::strerror(errno));
  std::size_t count = 0;
  auto add_file = [&](const std::string& file, const std::string& path) {
    const RuntimeFile added{path, file, "--add " + spec};
    if (!is_elf(file)) {
      kept.insert_or_assign(path, added);
    } else if (is_program(file)) {
      helpers.insert_or_assign(path, added);
    } else {
      libraries.insert_or_assign(path, added);
    }
    ++count;
  };
  if (S_ISDIR(st.st_mode)) {
    std::vector<std::pair<std::string, std::string>> pending{{source, dest}};
    while (!pending.empty()) {
      const auto [dir, at] = pending.back();
      pending.pop_back();
      std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
      if (!d) throw Error(dir + ": cannot add: " + std::strerror(errno));
      while (const dirent* e = ::readdir(d.get())) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat es;
        if (::stat((dir + "/" + name).c_str(), &es) != 0) continue;  // a dangling link
        if (S_ISDIR(es.st_mode)) {
          pending.emplace_back(dir + "/" + name, at + "/" + name);
        } else if (S_ISREG(es.st_mode)) {
          add_file(dir + "/" + name, at + "/" + name);
        }
      }
    }
  } else if (S_ISREG(st.st_mode)) {
    add_file(source, dest);
  } else {
    throw Error(source + ": cannot add: not a regular file or directory");
  }
  if (!S_ISREG(st.st_mode) || !is_elf(source)) prefixes.insert(dest);  // ELF files are served one by one
  notes.push_back("--add " + spec + ": " + std::to_string(count) + " files served at " + dest);
}

}  // namespace

namespace {

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
                std::vector<std::string>& notes) {
  std::set<std::pair<dev_t, ino_t>> loaded;
  if (options.closures != nullptr) {
    for (const auto& c : *options.closures) {
      for (const auto& o : c.objects) loaded.insert({o.dev, o.ino});
    }
  }
  static const char* const kSkipped[] = {"/proc/", "/sys/", "/dev/", "/tmp/", "/run/", "/var/tmp/"};
  std::size_t data = 0, libs = 0, helper_count = 0, relative = 0;
  for (const auto& traced : traced_paths) {
    const std::string& path = traced.path;
    if (!path.starts_with('/') || (!cwd.empty() && path.starts_with(cwd + "/"))) {
      ++relative;  // the program's current directory: its input, not part of it
      continue;
    }
    if (std::any_of(std::begin(kSkipped), std::end(kSkipped), [&](const char* d) { return path.starts_with(d); }) ||
        path == "/etc/ld.so.cache" || path == "/etc/ld.so.preload" || program_paths.contains(path)) {
      continue;
    }
    const std::string file = in_root(options.sysroot, path);
    struct stat st;
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || loaded.contains({st.st_dev, st.st_ino})) continue;
    const std::string why = "traced (" + traced.syscall + ")";
    if (!is_elf(file)) {
      if (kept.emplace(path, RuntimeFile{path, file, why}).second) ++data;
    } else if (traced.syscall == "execve" || traced.syscall == "execveat") {
      if (helpers.emplace(path, RuntimeFile{path, file, why}).second) ++helper_count;
    } else if (libraries.emplace(path, RuntimeFile{path, file, why}).second) {
      ++libs;
    }
  }
  notes.push_back(label + ": " + std::to_string(data) + " data files, " + std::to_string(libs) +
                  " libraries loaded at run time and " + std::to_string(helper_count) + " helper programs added; " +
                  std::to_string(relative) + " paths in the current directory left out");
}

// Where glibc's dlopen by name finds `name` for objects like `program` in the root: the cache,
// else the default directories.
std::optional<std::string> find_library(const std::string& name, const ElfIdent& program, const std::string& sysroot) {
  const LoaderProfile profile = glibc_profile_for(program, sysroot);
  if (auto cache = LdCache::load(in_root(sysroot, profile.cache_path)); cache && profile.cache_flags) {
    if (auto hit = cache->lookup(name, *profile.cache_flags)) return hit;
  }
  for (const auto& dir : profile.default_dirs) {
    if (::access(in_root(sysroot, dir + "/" + name).c_str(), F_OK) == 0) return dir + "/" + name;
  }
  return std::nullopt;
}

// The services /etc/nsswitch.conf names ("passwd: files systemd" -> files, systemd).
std::set<std::string> nss_services(const std::string& sysroot) {
  std::set<std::string> services;
  std::ifstream in(in_root(sysroot, "/etc/nsswitch.conf"));
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream words(line.substr(colon + 1));
    std::string word;
    while (words >> word) {
      if (!word.starts_with('[')) services.insert(word);
    }
  }
  return services;
}

// Libraries glibc loads by itself with dlopen, which no DT_NEEDED names: the NSS modules of
// nsswitch.conf when the closure looks up users, groups, hosts or services; libgcc_s when it
// cancels or exits threads (glibc unwinds with it).
// The C library's gconv modules (iconv's converters), which glibc loads by itself from GCONV_PATH
// or its built-in directory: all of them (which ones a program needs depends on its input),
// served through GCONV_PATH.
void add_gconv(const Closure& closure, const CollectOptions& options, std::map<std::string, RuntimeFile>& kept,
               RuntimeFiles& result) {
  for (const auto& o : closure.objects) {
    if (o.elf.soname != "libc.so.6") continue;
    const std::string dir = directory_of(o.path) + "/gconv";
    if (result.environment.contains("GCONV_PATH")) return;
    std::vector<std::string> pending{dir};
    std::size_t count = 0;
    while (!pending.empty()) {
      const std::string d = pending.back();
      pending.pop_back();
      std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(in_root(options.sysroot, d).c_str()), ::closedir);
      while (handle) {
        const dirent* e = ::readdir(handle.get());
        if (e == nullptr) break;
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st;
        const std::string path = d + "/" + name;
        if (::stat(in_root(options.sysroot, path).c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
          pending.push_back(path);
        } else if (S_ISREG(st.st_mode)) {
          kept.emplace(path, RuntimeFile{path, in_root(options.sysroot, path), "iconv converter (gconv) of the C library"});
          ++count;
        }
      }
    }
    if (count == 0) return;
    result.environment["GCONV_PATH"] = dir;
    result.notes.push_back(dir + ": " + std::to_string(count) + " gconv files added for iconv; GCONV_PATH set to them");
    return;
  }
}

void add_implicit_loads(const std::vector<Program>& programs, const CollectOptions& options,
                        std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& kept,
                        RuntimeFiles& result) {
  std::vector<std::string>& notes = result.notes;
  static const std::set<std::string> kNss = {
      "getpwnam", "getpwnam_r", "getpwuid", "getpwuid_r", "getpwent", "getgrnam", "getgrnam_r", "getgrgid",
      "getgrgid_r", "getgrent", "getgrouplist", "initgroups", "getspnam", "getspnam_r", "getaddrinfo",
      "gethostbyname", "gethostbyname2", "gethostbyname_r", "gethostbyname2_r", "gethostbyaddr", "gethostbyaddr_r",
      "getnameinfo", "getservbyname", "getservbyname_r", "getservbyport", "getprotobyname", "getnetgrent", "innetgr"};
  static const std::set<std::string> kUnwind = {"pthread_cancel", "pthread_exit"};
  if (options.closures == nullptr) return;
  std::map<std::string, std::vector<std::string>> imports_of;  // by file
  for (std::size_t p = 0; p < programs.size() && p < options.closures->size(); ++p) {
    const Closure& closure = (*options.closures)[p];
    if (closure.objects.empty() || closure.family != LoaderFamily::kGlibc) continue;
    bool nss = false, unwind = false, has_gcc_s = false, iconv = false;
    for (const auto& o : closure.objects) {
      has_gcc_s |= o.elf.soname == "libgcc_s.so.1";
      auto it = imports_of.find(o.file);
      if (it == imports_of.end() && o.elf.imports) it = imports_of.emplace(o.file, *o.elf.imports).first;
      if (it == imports_of.end()) {  // a resolution that did not read them (not bundling)
        const MappedFile file(o.file);
        it = imports_of.emplace(o.file, read_imports(file.bytes(), o.file)).first;
      }
      // libstdc++ imports iconv_open for its locale facets (std::codecvt_byname, std::messages),
      // which few programs use: it alone does not bring the 8 MB of converters.
      const bool libstdcxx = o.elf.soname == "libstdc++.so.6";
      for (const auto& sym : it->second) {
        nss |= kNss.contains(sym);
        unwind |= kUnwind.contains(sym);
        iconv |= sym == "iconv_open" && !libstdcxx;
      }
    }
    std::vector<std::pair<std::string, std::string>> wanted;  // name, why
    if (nss) {
      for (const auto& service : nss_services(options.sysroot)) {
        wanted.emplace_back("libnss_" + service + ".so.2", "NSS module '" + service + "' of /etc/nsswitch.conf");
      }
    }
    if (unwind && !has_gcc_s) wanted.emplace_back("libgcc_s.so.1", "glibc loads it to unwind cancelled threads");
    if (iconv) add_gconv(closure, options, kept, result);
    for (const auto& [name, why] : wanted) {
      const auto path = find_library(name, programs[p].elf.ident, options.sysroot);
      if (!path) continue;  // a service built into libc (files, dns) or not installed
      const std::string file = in_root(options.sysroot, *path);
      if (libraries.emplace(*path, RuntimeFile{*path, file, why}).second) {
        notes.push_back(programs[p].name + ": " + *path + ": " + why);
      }
    }
  }
}

}  // namespace

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
  for (const auto& program : programs) {
    for (const auto& n : names_of(program, options.sysroot)) program_paths.insert(n);
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
  for (const auto& program : programs) names.push_back(names_of(program, options.sysroot));
  std::vector<std::optional<std::string>> package_of(programs.size());
  std::vector<const PackageManager*> manager_of(programs.size(), nullptr);
  for (const auto& m : managers) {
    std::vector<std::string> asked;
    for (std::size_t p = 0; p < programs.size(); ++p) {
      if (!package_of[p]) asked.insert(asked.end(), names[p].begin(), names[p].end());
    }
    if (asked.empty()) break;
    std::sort(asked.begin(), asked.end());
    asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
    const auto owners = m->owners(asked);
    for (std::size_t p = 0; p < programs.size(); ++p) {
      for (const auto& name : names[p]) {
        const auto owner = owners.find(name);
        if (package_of[p] || owner == owners.end()) continue;
        package_of[p] = owner->second;
        manager_of[p] = m.get();
      }
    }
  }
  for (std::size_t p = 0; p < (managers.empty() ? 0 : programs.size()); ++p) {
    const Program& program = programs[p];
    const std::optional<std::string>& package = package_of[p];
    const PackageManager* manager = manager_of[p];
    if (!package) {
      result.notes.push_back(program.name + ": not installed by a package: no data files detected");
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
    result.notes.push_back(program.name + ": " + manager->name() + " package " + *package + with + ": " +
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
