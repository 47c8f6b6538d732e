// A script's own tree: the files beside it that it loads and that no package database names.
//   npm: a script inside node_modules/<name> (an `npm install -g` command's link leads there) is
//        part of that npm package: the package comes whole but for its node_modules, and so does
//        each package its package.json depends on (dependencies, optionalDependencies,
//        peerDependencies), found as Node's require finds it: <dir>/node_modules/<dependency> for
//        the package's directory and each directory above it, the first that exists; recursively.
//   venv: a script in <venv>/bin, or run by <venv>/bin/python..., where <venv>/pyvenv.cfg marks a
//        Python virtual environment: the environment comes whole (its site-packages, its
//        pyvenv.cfg, its links to the base interpreter).
// Takes the bundle's scripts; gives their trees' files at their paths (an ELF module, such as a
// Node addon or a Python extension, as a plugin with its closure; a program as a helper), and a
// note for each tree and for each dependency that is not installed.
#include "runtime/sources.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>

#include "elfpack/base/error.h"
#include "elfpack/base/json_reader.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/base/paths.h"
#include "elfpack/resolve/loader_profile.h"

namespace elfpack {

namespace {

class TreeFiles {
 public:
  TreeFiles(const std::string& sysroot, const std::set<std::string>& program_paths,
            std::map<std::string, RuntimeFile>& kept, std::map<std::string, RuntimeFile>& libraries,
            std::map<std::string, RuntimeFile>& helpers)
      : sysroot_(sysroot), root_(sysroot == "/" ? "" : sysroot), program_paths_(program_paths), kept_(kept),
        libraries_(libraries), helpers_(helpers) {}

  const std::string& root() const { return root_; }
  // Where `path` is on this machine, its links resolved in the root.
  std::string on_disk(const std::string& path) const { return in_root(sysroot_, path); }
  // Where `path` is on this machine, its last name not followed (its directory is canonical).
  std::string entry(const std::string& path) const { return root_ + path; }

  void add_link(const std::string& path, const std::string& to, const std::string& why) {
    RuntimeFile link{path, "", why};
    link.link = to;
    kept_.emplace(path, link);
  }

  bool is_directory(const std::string& path) const {
    struct stat st;
    return ::stat(on_disk(path).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  // Every file under `dir` (a canonical path), at its path, but for the entries `skip` names
  // (names directly in `dir`) and the programs' own paths (served already). A link that stays
  // inside `dir` is served as the link; one leading out of it (a venv's python3 ->
  // /usr/bin/python3) as what it leads to: a program a helper, a library a plugin, data a copy;
  // a directory out of the tree is not followed. Returns how many files came.
  std::size_t add_directory(const std::string& dir, const std::set<std::string>& skip, const std::string& why) {
    std::size_t count = 0;
    std::vector<std::pair<std::string, int>> pending{{dir, 0}};
    while (!pending.empty()) {
      const auto [at, depth] = pending.back();
      pending.pop_back();
      std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(on_disk(at).c_str()), ::closedir);
      if (!d) continue;  // unreadable here: the program could not read it either
      while (const dirent* e = ::readdir(d.get())) {
        const std::string name = e->d_name;
        if (name == "." || name == ".." || (at == dir && skip.contains(name))) continue;
        const std::string path = at + "/" + name;
        if (program_paths_.contains(path)) continue;
        struct stat st;
        if (::lstat(entry(path).c_str(), &st) != 0) continue;
        if (S_ISLNK(st.st_mode)) {
          const auto resolved = canonical_in_root(root_, path);
          if (!resolved || ::stat(on_disk(path).c_str(), &st) != 0) continue;  // dangling
          if (resolved->starts_with(dir + "/") || *resolved == dir) {
            char target[4096];
            const ssize_t n = ::readlink(entry(path).c_str(), target, sizeof target);
            if (n <= 0 || static_cast<std::size_t>(n) >= sizeof target) continue;
            add_link(path, std::string(target, static_cast<std::size_t>(n)), why);
            ++count;
            continue;
          }
          if (S_ISDIR(st.st_mode)) continue;
        }
        if (S_ISDIR(st.st_mode)) {
          if (depth < 64) pending.emplace_back(path, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
          add_file(path, why);
          ++count;
        }
      }
    }
    return count;
  }

 private:
  void add_file(const std::string& path, const std::string& why) {
    const std::string file = on_disk(path);
    const RuntimeFile f{path, file, why};
    switch (is_elf(file) ? elf_role(file) : ElfRole::kNone) {
      case ElfRole::kHelper: {
        RuntimeFile helper = f;
        helper.optional = true;  // a tool the tree carries; the script may never run it
        helpers_.emplace(path, helper);
        break;
      }
      case ElfRole::kPlugin: {
        RuntimeFile plugin = f;
        plugin.optional = true;
        libraries_.emplace(path, plugin);
        break;
      }
      case ElfRole::kNone:
        kept_.emplace(path, f);
        break;
    }
  }

  const std::string& sysroot_;
  std::string root_;
  const std::set<std::string>& program_paths_;
  std::map<std::string, RuntimeFile>& kept_;
  std::map<std::string, RuntimeFile>& libraries_;
  std::map<std::string, RuntimeFile>& helpers_;
};

// The npm package directory a canonical path is in: <...>/node_modules/<name> or
// <...>/node_modules/@scope/<name>, the innermost; "" when none.
std::string npm_package_of(const std::string& path) {
  const std::string marker = "/node_modules/";
  const auto at = path.rfind(marker);
  if (at == std::string::npos) return "";
  const std::size_t name = at + marker.size();
  if (path[name] == '.') return "";  // .bin/, .package-lock.json: npm's own, no package
  std::size_t end = path.find('/', name);
  if (end != std::string::npos && path[name] == '@') end = path.find('/', end + 1);
  if (end == std::string::npos) return "";  // the file itself sits in node_modules/
  return path.substr(0, end);
}

void add_npm_tree(const std::string& package, const std::string& script, TreeFiles& tree,
                  std::vector<std::string>& notes) {
  std::set<std::string> seen{package};
  std::deque<std::string> pending{package};
  std::size_t files = 0;
  while (!pending.empty()) {
    const std::string dir = pending.front();
    pending.pop_front();
    files += tree.add_directory(dir, {"node_modules"}, "npm package " + base_name(dir) + " of the script " + script);
    const std::string manifest = dir + "/package.json";
    std::map<std::string, std::vector<std::string>> keys;
    try {
      const MappedFile mapped(tree.on_disk(manifest));
      const auto bytes = mapped.bytes();
      keys = json_object_keys(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                              {"dependencies", "optionalDependencies", "peerDependencies"}, manifest);
      mapped.ensure_intact();
    } catch (const Error& e) {
      notes.push_back(std::string(e.what()) + ": its dependencies are not known, and not brought");
      continue;
    }
    for (const auto& [kind, names] : keys) {
      for (const auto& name : names) {
        if (name.empty() || name.find("..") != std::string::npos || name.starts_with('/')) continue;
        // Node's lookup: node_modules of this directory and of each above it (but none inside
        // another node_modules directory's name).
        std::string found;
        for (std::string above = dir; !above.empty() && above != "/"; above = directory_of(above)) {
          if (base_name(above) == "node_modules") continue;
          const std::string candidate = above + "/node_modules/" + name;
          if (tree.is_directory(candidate)) {
            found = candidate;
            break;
          }
        }
        if (found.empty()) {
          if (kind == "dependencies") {
            notes.push_back(dir + ": its dependency " + name + " is not installed (no node_modules/" + name +
                            " here or above): the script fails if it loads it");
          }
          continue;
        }
        // A linked package (npm link, workspaces): the link at its name, the package where it leads.
        const auto real = canonical_in_root(tree.root(), found);
        if (!real) continue;
        if (*real != found) {
          const auto parent = canonical_in_root(tree.root(), directory_of(found));
          char target[4096];
          const ssize_t n = ::readlink(tree.entry(found).c_str(), target, sizeof target);
          if (parent && *parent == directory_of(found) && n > 0 && static_cast<std::size_t>(n) < sizeof target) {
            tree.add_link(found, std::string(target, static_cast<std::size_t>(n)), "npm package " + name + " of the script " + script);
          }
        }
        if (seen.insert(*real).second) pending.push_back(*real);
      }
    }
  }
  notes.push_back(script + ": in the npm package " + package + ": " + std::to_string(seen.size()) + " packages (" +
                  std::to_string(files) + " files) come with it");
}

// The virtual environment a script or its interpreter is in: the directory above its bin/ that
// holds pyvenv.cfg, else "".
std::string venv_of(const std::string& path, const TreeFiles& tree) {
  const std::string bin = directory_of(path);
  if (base_name(bin) != "bin") return "";
  const std::string venv = directory_of(bin);
  struct stat st;
  return ::stat(tree.on_disk(venv + "/pyvenv.cfg").c_str(), &st) == 0 && S_ISREG(st.st_mode) ? venv : "";
}

}  // namespace

void add_script_trees(const std::vector<Script>& scripts, const std::string& sysroot,
                      const std::set<std::string>& program_paths, std::map<std::string, RuntimeFile>& kept,
                      std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& helpers,
                      std::vector<std::string>& notes) {
  TreeFiles tree(sysroot, program_paths, kept, libraries, helpers);
  std::set<std::string> done;
  for (const auto& script : scripts) {
    const auto real = canonical_in_root(tree.root(), script.self().path);
    if (!real) continue;
    if (const std::string package = npm_package_of(*real); !package.empty() && done.insert(package).second) {
      add_npm_tree(package, script.self().path, tree, notes);
    }
    // The venv by the path the script was named by, by the file it is, and by its interpreter's
    // path as the #! line names it (a venv's python is a link out of it).
    for (const std::string& path : {script.self().path, *real, script.interpreter}) {
      const std::string venv = venv_of(path, tree);
      if (venv.empty() || !done.insert(venv).second) continue;
      const std::size_t n = tree.add_directory(venv, {}, "virtual environment " + venv + " of the script " + script.self().path);
      notes.push_back(script.self().path + ": in the Python virtual environment " + venv + ": its " + std::to_string(n) +
                      " files come with it");
    }
  }
}

}  // namespace elfpack
