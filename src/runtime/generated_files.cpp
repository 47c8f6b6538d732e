// Files that a brought package's maintainer scripts or triggers made, which dpkg's lists do not
// name: gdk-pixbuf's loaders.cache (a trigger runs gdk-pixbuf-query-loaders), graphviz's
// config6a (its postinst runs `dot -c`), PHP's conf.d links and the ini files they lead to
// (phpenmod and ucf in postinst). Takes the chosen packages and dpkg's database; gives those
// files, each with the package whose directory holds it.
//
// The rule: a regular file or link that no package lists, in a directory a brought package
// lists, or a package one depends on (shared-mime-info, whose trigger writes the mime.cache that
// GIO reads; its own files stay behind), when every package that has a file in that directory is
// one of those (the directory is theirs, not one they share with others). Never the hierarchy's shared
// directories (/etc, /usr/bin, /usr/lib/<triplet>...), nothing under /var (the machine's state,
// caches and logs), /run, /home or /root, no subdirectory no package lists (Python's
// __pycache__), nothing only its owner may read (a host key), no backup dpkg, ucf or an editor
// left (*.dpkg-old, *~), and no ELF object (which would need a closure no one resolved).
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string_view>

#include "elfpack/base/error.h"
#include "elfpack/base/paths.h"
#include "elfpack/resolve/loader_profile.h"
#include "runtime/package_manager.h"
#include "runtime/package_rule.h"
#include "runtime/sources.h"

namespace elfpack {

namespace {

// Where a package's scripts leave files its programs read: the /usr hierarchy (and the
// merged-/usr names of its parts), /etc and /opt. /var is the machine's state, caches and logs.
bool in_program_tree(const std::string& dir) {
  static const char* const kTrees[] = {"/usr/", "/etc/", "/opt/", "/lib/", "/lib32/", "/lib64/", "/libx32/", "/bin/", "/sbin/"};
  const std::string under = dir + "/";
  for (const char* tree : kTrees) {
    if (under.starts_with(tree)) return true;
  }
  return false;
}


// What dpkg, ucf or an editor leaves beside a configuration file; no program reads it.
bool leftover(std::string_view name) {
  static const char* const kSuffixes[] = {".dpkg-old", ".dpkg-new", ".dpkg-dist", ".dpkg-bak", ".dpkg-tmp", ".dpkg-remove",
                                          ".ucf-old",  ".ucf-new",  ".ucf-dist",  ".bak",      ".swp",      "~"};
  for (const char* suffix : kSuffixes) {
    if (name.ends_with(suffix)) return true;
  }
  return false;
}

struct Candidate {
  std::string path;  // absolute, as on the target
  std::string dir;   // the brought package's directory that holds it
};

// A package by its list's name (NAME or NAME:ARCH) and its bare name.
struct Listed {
  std::string list, name;
};

// The brought packages, then what they depend on but the base system, the C runtime (glibc's
// locales would bring the whole locale archive) and what never comes. `brought`: how many of the
// first are the brought ones.
std::vector<Listed> packages_and_dependencies(const PackageManager& dpkg, const CollectOptions& options,
                                              const std::vector<PackageUse>& uses, std::size_t& brought) {
  const auto& installed = *dpkg.installed();
  std::vector<Listed> packages;
  std::set<std::string> seen;
  for (const auto& use : uses) {
    if (!use.listed.empty() && seen.insert(use.name).second) packages.push_back({use.listed, use.name});
  }
  brought = packages.size();
  const auto& excluded = options.exclude_packages;
  for (std::size_t i = 0; i < brought; ++i) {
    for (const auto& list : dpkg.dependencies(packages[i].list)) {
      const std::string name = list.substr(0, list.find(':'));
      const auto it = installed.find(name);
      if (it == installed.end() || is_plumbing(name, it->second) || is_c_runtime(it->second) || never_brought(name) ||
          std::find(excluded.begin(), excluded.end(), name) != excluded.end()) {
        continue;
      }
      if (seen.insert(name).second) packages.push_back({list, name});
    }
  }
  return packages;
}

// What `dir` holds on disk that no one of `listed` names, but subdirectories; nothing when
// `dir` is reached through a link (tzdata's posix -> ., whose files are listed under their real
// names) other than a merged-/usr one, or when others may not list it (/etc/ssl/private).
void add_candidates(const std::string& dir, const std::set<std::string>& listed, const CollectOptions& options,
                    std::vector<Candidate>& candidates) {
  const auto canonical = canonical_in_root(options.sysroot == "/" ? "" : options.sysroot, dir);
  const auto names = merged_usr_names(dir);
  if (!canonical || std::find(names.begin(), names.end(), *canonical) == names.end()) return;
  const std::string on_disk = in_root(options.sysroot, dir);
  struct stat st;
  if (::stat(on_disk.c_str(), &st) != 0 || (st.st_mode & (S_IROTH | S_IXOTH)) != (S_IROTH | S_IXOTH)) return;
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(on_disk.c_str()), ::closedir);
  while (d) {
    const dirent* e = ::readdir(d.get());
    if (e == nullptr) break;
    const std::string name = e->d_name;
    const std::string path = join_path(dir, name);
    if (name == "." || name == ".." || listed.contains(path)) continue;
    if (::lstat((on_disk + "/" + name).c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) candidates.push_back({path, dir});
  }
}

}  // namespace

// However few packages a machine has, these are no package's own.
bool shared_by_design(const std::string& dir) {
  static const char* const kShared[] = {"/etc",      "/opt",      "/usr",        "/usr/local", "/usr/bin",   "/usr/sbin",
                                        "/usr/games", "/usr/include", "/usr/libexec", "/usr/share", "/usr/src", "/usr/lib",
                                        "/usr/lib32", "/usr/lib64", "/usr/libx32", "/bin",       "/sbin",      "/lib",
                                        "/lib32",    "/lib64",    "/libx32"};
  for (const char* shared : kShared) {
    if (dir == shared) return true;
  }
  // The multiarch library directories: /usr/lib/x86_64-linux-gnu, /lib/aarch64-linux-gnu.
  std::string d = dir;
  if (d.starts_with("/usr/")) d.erase(0, 4);
  return d.starts_with("/lib/") && d.find('/', 5) == std::string::npos && d.find("-linux-") != std::string::npos;
}

void add_generated(const CollectOptions& options, const std::vector<std::unique_ptr<PackageManager>>& managers,
                   std::map<std::string, RuntimeFile>& kept, RuntimeFiles& result) {
  const PackageManager* dpkg = nullptr;
  for (const auto& m : managers) {
    if (m->installed() != nullptr) {
      dpkg = m.get();
      break;
    }
  }
  if (dpkg == nullptr || result.packages.empty()) return;
  const std::string root = options.sysroot == "/" ? "" : options.sysroot;
  std::size_t brought = 0;
  const std::vector<Listed> packages = packages_and_dependencies(*dpkg, options, result.packages, brought);
  // Every path they list, by all its names, and the directories among them that may be a
  // package's own, each with the first package that lists it.
  std::set<std::string> listed;
  std::map<std::string, std::string> dirs;
  for (std::size_t i = 0; i < packages.size(); ++i) {
    const auto& [list, name] = packages[i];
    std::vector<std::string> files;
    try {
      files = dpkg->files(list);
    } catch (const Error&) {
      if (i < brought) throw;  // a dependency's list that cannot be read: nothing of it is needed
      continue;
    }
    for (const auto& path : files) {
      for (const auto& n : merged_usr_names(path)) listed.insert(n);
      if (dirs.contains(path) || !in_program_tree(path) || shared_by_design(path)) continue;
      if (is_documentation(path + "/") && !options.include_docs) continue;
      struct stat st;
      if (::stat(in_root(options.sysroot, path).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) dirs.emplace(path, name);
    }
  }
  // What they hold that none of them lists (not subdirectories, which are not entered).
  std::vector<Candidate> candidates;
  for (const auto& [dir, package] : dirs) add_candidates(dir, listed, options, candidates);
  if (candidates.empty()) return;
  // A file of a package not brought makes the directory a shared one: none of it comes.
  std::vector<std::vector<std::string>> groups;
  for (const auto& c : candidates) groups.push_back(merged_usr_names(c.path));
  const auto owners = dpkg->owners_of_any(groups);
  std::set<std::string> shared;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (owners[i]) shared.insert(candidates[i].dir);
  }
  std::map<std::string, std::vector<std::string>> came;  // directory -> the names that came
  std::vector<std::string> secret, elf;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    if (owners[i] || shared.contains(c.dir) || leftover(base_name(c.path))) continue;
    const std::string file = in_root(options.sysroot, c.dir) + "/" + base_name(c.path);
    struct stat st;
    if (::lstat(file.c_str(), &st) != 0) continue;
    RuntimeFile f{c.path, file, "generated in package " + dirs.at(c.dir) + "'s directory", dirs.at(c.dir)};
    if (S_ISLNK(st.st_mode)) {
      // A link comes as a link (settle_links keeps it inside the bundle, or copies the file it
      // leads to): only one that leads to a file anyone may read.
      const auto canonical = canonical_in_root(root, c.path);
      struct stat target;
      if (!canonical || ::stat(in_root(options.sysroot, *canonical).c_str(), &target) != 0 || !S_ISREG(target.st_mode)) continue;
      if ((target.st_mode & S_IROTH) == 0) {
        secret.push_back(c.path);
        continue;
      }
      char to[4096];
      const ssize_t n = ::readlink(file.c_str(), to, sizeof to);
      if (n <= 0 || static_cast<std::size_t>(n) >= sizeof to) continue;
      f.link.assign(to, static_cast<std::size_t>(n));
    } else if (!S_ISREG(st.st_mode)) {
      continue;  // a socket or a fifo a daemon left
    } else if ((st.st_mode & S_IROTH) == 0) {
      secret.push_back(c.path);
      continue;
    } else if (is_elf(file)) {
      elf.push_back(c.path);
      continue;
    }
    if (!kept.emplace(c.path, f).second) continue;
    result.package_of.emplace(file, f.package);
    came[c.dir].push_back(base_name(c.path));
  }
  for (auto& [dir, names] : came) {
    std::sort(names.begin(), names.end());  // readdir's order is the file system's
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    result.notes.push_back("generated in package " + dirs.at(dir) + "'s directory " + dir + ": " + list);
  }
  if (!secret.empty()) {
    result.notes.push_back(std::to_string(secret.size()) + " generated files left out: only their owner may read them (first: " +
                           secret.front() + ")");
  }
  if (!elf.empty()) {
    result.notes.push_back(std::to_string(elf.size()) + " generated ELF objects left out (first: " + elf.front() + ")");
  }
}

}  // namespace elfpack
