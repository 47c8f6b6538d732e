// Step (4): where every file goes and the launchers (the content id comes as the files are written).
#include <sys/stat.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "elfpack/bundle.h"
#include "elfpack/layout/closed_world.h"
#include "elfpack/layout/identical_files.h"
#include "elfpack/base/error.h"
#include "elfpack/base/paths.h"
#include "elfpack/layout/launcher.h"
#include "elfpack/layout/served_paths.h"
#include "elfpack/resolve/loader_profile.h"
#include "elfpack/resolve/origin.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/runtime/runtime_files.h"
#include "layout/library_names.h"

namespace elfpack {

namespace {

// The status of each source, taken once.
class SourceStatus {
 public:
  const struct stat& of(const std::string& file) {
    auto it = status_.find(file);
    if (it != status_.end()) return it->second;
    struct stat st;
    if (::stat(file.c_str(), &st) != 0) throw Error(file + ": " + std::strerror(errno));
    return status_.emplace(file, st).first->second;
  }

 private:
  std::map<std::string, struct stat> status_;
};


// Whether a file starts with the ELF magic.
bool starts_as_elf(const std::string& file) {
  if (file.empty()) return false;
  FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[4] = {};
  const bool elf = std::fread(magic, 1, 4, f) == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
  std::fclose(f);
  return elf;
}

// "a/b/../c" -> "a/c": a path inside the bundle, where no component is a link to a directory.
std::string lexically_normal(const std::string& path) {
  std::vector<std::string> parts;
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "/") + part;
  return out;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// The private directory's files before its name is known: path inside it -> source.
class PrivateFiles {
 public:
  // Set-user-ID and set-group-ID bits and file capabilities never come into a bundle (modes are
  // normalised, no extended attributes are written): a source that had them is said once.
  void check_source(const std::string& source) {
    if (!checked_.insert(source).second) return;
    const struct stat& st = status_.of(source);
    if ((st.st_mode & (S_ISUID | S_ISGID)) != 0) {
      warnings.push_back(source + ": its " + std::string((st.st_mode & S_ISUID) != 0 ? "set-user-ID" : "set-group-ID") +
                         " bit is dropped: a bundle never carries one");
    }
    if (::getxattr(source.c_str(), "security.capability", nullptr, 0) > 0) {
      warnings.push_back(source + ": its file capabilities are dropped: a bundle never carries them");
    }
  }
  std::vector<std::string> warnings;

  mode_t mode_of(const std::string& file) { return (status_.of(file).st_mode & 0111) != 0 ? 0755 : 0644; }
  std::uint64_t size_of(const std::string& file) { return static_cast<std::uint64_t>(status_.of(file).st_size); }

  void add_file(const std::string& path, const std::string& source, mode_t mode, const std::string& why) {
    check_source(source);
    auto [it, inserted] = files_.emplace(path, Item{source, mode, why, {}, {}, false});
    if (!inserted && links_to(it->second, path, source)) return;  // a plugin's SONAME link to the same file
    // Two copies of one file (a library each program found in a directory of its own) are one.
    if (!inserted && !same_file(it->second.source, source) && !same_bytes(it->second.source, source)) {
      throw Error(path + ": two different files want this place in the bundle: " + it->second.source + " (" +
                  it->second.why + ") and " + source + " (" + why + ")");
    }
  }
  // `source`: the file the bytes were made from, if any (a copy with its run path closed).
  void add_bytes(const std::string& path, std::string bytes, mode_t mode, const std::string& why,
                 const std::string& source = {}) {
    auto [it, inserted] = files_.emplace(path, Item{source, mode, why, {}, bytes, true});
    if (!inserted && !(it->second.is_bytes && it->second.bytes == bytes)) {
      throw Error(path + ": two different contents want this place in the bundle: " + it->second.why + " and " + why);
    }
  }
  // Whether `path` holds something other than `source`.
  bool holds_other(const std::string& path, const std::string& source) const {
    const auto it = files_.find(path);
    return it != files_.end() && !(it->second.link.empty() && !it->second.source.empty() && same_file(it->second.source, source));
  }
  bool has(const std::string& path) const { return files_.contains(path); }
  // Whether `path` holds `source` itself, or bytes made from it, rather than a link.
  bool holds(const std::string& path, const std::string& source) const {
    const auto it = files_.find(path);
    return it != files_.end() && it->second.link.empty() && !it->second.source.empty() &&
           same_file(it->second.source, source);
  }
  void add_symlink(const std::string& path, const std::string& target, const std::string& why = {}) {
    if (files_.contains(path) && files_[path].link != target) {
      throw Error(path + ": wanted both as a file and as a link to " + target);
    }
    files_[path] = Item{{}, 0777, why.empty() ? "another name of " + target : why, target, {}, false};
  }

  // The original path of each library in lib/, by its name there (libraries.list, for dladdr).
  std::map<std::string, std::string> originals;

  // The programs whose file is in exe/ (name, source), to give another name of one file a link.
  std::vector<std::pair<std::string, std::string>> programs;

  // A library served at its path under root/ as a link to its copy in lib/ changes places with
  // it when its directory there holds data files: the file at its own path, lib/ linking to it.
  // A library that finds its files beside itself (its name from dladdr, links resolved, then
  // its directory: LibreOffice's UNO bootstrap reads unorc and types.rdb beside
  // libuno_cppuhelpergcc3) then finds its directory, whichever name the loader opened it by.
  void place_libraries_beside_their_data() {
    std::set<std::string> with_data;  // directories under root/ that hold a file that is no ELF object
    for (const auto& [path, item] : files_) {
      if (path.starts_with("root/") && item.link.empty() && !item.is_bytes && !starts_as_elf(item.source)) {
        with_data.insert(directory_of(path));
      }
    }
    for (auto& [path, item] : files_) {
      if (!path.starts_with("root/") || item.link.empty() || !with_data.contains(directory_of(path))) continue;
      const std::string target = lexically_normal(directory_of(path) + "/" + item.link);
      const auto copy = files_.find(target);
      if (!target.starts_with("lib/") || copy == files_.end() || !copy->second.link.empty() ||
          !starts_as_elf(copy->second.source)) {
        continue;
      }
      std::string up;
      for (const char c : directory_of(target)) up += c == '/' ? "../" : "";
      Item moved = copy->second;
      moved.why += "; at its own path, beside its data";
      copy->second = Item{{}, 0777, "another name of " + path, up + "../" + path, {}, false};
      item = moved;
    }
  }

  void emit(const std::string& prefix, std::vector<BundleEntry>& entries) {
    for (const auto& [path, item] : files_) {
      BundleEntry e;
      e.path = prefix + "/" + path;
      e.kind = item.is_bytes        ? BundleEntry::Kind::kBytes
               : item.link.empty() ? BundleEntry::Kind::kFile
                                   : BundleEntry::Kind::kSymlink;
      e.mode = item.mode;
      e.source = item.source;
      e.bytes = item.is_bytes ? item.bytes : item.link;
      e.why = item.why;
      if (e.kind == BundleEntry::Kind::kFile) e.size = size_of(item.source);
      entries.push_back(std::move(e));
    }
  }

 private:
  struct Item {
    std::string source;
    mode_t mode = 0644;
    std::string why;
    std::string link;
    std::string bytes;
    bool is_bytes = false;
  };
  // Whether `item` at `path` is a link to a neighbour that holds `source`.
  bool links_to(const Item& item, const std::string& path, const std::string& source) const {
    if (item.link.empty() || item.link.find('/') != std::string::npos) return false;
    const auto target = files_.find(directory_of(path) + "/" + item.link);
    return target != files_.end() && target->second.link.empty() && !target->second.source.empty() &&
           same_file(target->second.source, source);
  }
  std::map<std::string, Item> files_;
  std::set<std::string> checked_;
  SourceStatus status_;
};

// A runtime file under root/ at its absolute path: a link (already relative, inside the bundle),
// bytes made by elfpack, or a file of this machine.
void add_runtime_file(const RuntimeFile& f, PrivateFiles& files) {
  const std::string path = "root" + f.path;
  if (!f.link.empty()) {
    files.add_symlink(path, f.link, f.why);
  } else if (f.contents) {
    files.add_bytes(path, *f.contents, 0644, f.why);
  } else {
    files.add_file(path, f.file, files.mode_of(f.file), f.why);
  }
}

// Adds an ELF object; in a closed world (`closed` set) a copy whose absolute run path entries
// point nowhere when it has any.
void add_object(PrivateFiles& files, const std::string& path, const std::string& file, const ElfFacts& elf, mode_t mode,
                const std::string& why, const ClosedWorld* closed) {
  const auto absolute = [](const std::optional<std::string>& list) {
    return list && (list->starts_with('/') || list->find(":/") != std::string::npos);
  };
  const std::optional<std::string>& run_path = elf.runpath ? elf.runpath : elf.rpath;
  files.check_source(file);
  if (closed == nullptr || !absolute(run_path)) return files.add_file(path, file, mode, why);
  const MappedFile original(file);
  std::string bytes(reinterpret_cast<const char*>(original.bytes().data()), original.bytes().size());
  original.ensure_intact();
  close_run_path(bytes, *run_path);
  if (elf.rpath && elf.runpath && absolute(elf.rpath)) close_run_path(bytes, *elf.rpath);
  files.add_bytes(path, std::move(bytes), mode, why + "; absolute run path entries closed", file);
}

// Whether a linker understands an option (glibc's --argv0 from 2.33, --preload from 2.30; musl's
// preload): from the version the linker gave when it was asked for its profile in this run, else
// from its option parser's strings, read once per linker for every option.
bool linker_supports(const std::string& file, std::string_view option) {
  static const std::map<std::string_view, std::pair<int, int>> kSince = {{"--argv0", {2, 33}}, {"--preload", {2, 30}}};
  const auto since = kSince.find(option);
  if (const auto* answer = known_list_diagnostics(file); since != kSince.end() && answer != nullptr && *answer) {
    const auto version = (*answer)->find("version.version");
    int major = 0, minor = 0;
    if (version != (*answer)->end() && std::sscanf(version->second.c_str(), "%d.%d", &major, &minor) == 2) {
      return std::make_pair(major, minor) >= since->second;
    }
  }
  static std::map<std::string, std::set<std::string>> found;  // by linker: the options it holds
  auto it = found.find(file);
  if (it == found.end()) {
    const MappedFile linker(file);
    const auto bytes = linker.bytes();
    std::set<std::string> options;
    for (const std::string_view o : {"--argv0", "--preload", "preload"}) {
      if (std::search(bytes.begin(), bytes.end(), o.begin(), o.end()) != bytes.end()) options.emplace(o);
    }
    linker.ensure_intact();
    it = found.emplace(file, std::move(options)).first;
  }
  return it->second.contains(std::string(option));
}

// The libraries of a closure (not objects[0], not the interpreter) in lib/: the loader asks for
// each DT_NEEDED name; the first name holds the file, others link to it.
void add_libraries(const Closure& closure, const std::string& why, PrivateFiles& files, const ClosedWorld* closed) {
  for (std::size_t i = 1; i < closure.objects.size(); ++i) {
    const LoadedObject& object = closure.objects[i];
    if (closure.interpreter == i) continue;
    const std::string first = base_name(object.names.front());
    std::string reason = why;
    if (object.loader && *object.loader != 0) reason = "closure: needed by " + closure.objects[*object.loader].path;
    if (!object.found_in.empty()) reason += " (found: " + object.found_in + ")";
    add_object(files, "lib/" + first, object.file, object.elf, files.mode_of(object.file), reason, closed);
    files.originals.emplace(first, original_path(object));
    for (std::size_t n = 1; n < object.names.size(); ++n) {
      const std::string other = base_name(object.names[n]);
      if (other != first) files.add_symlink("lib/" + other, first);
    }
    // A library its program's run path found in a directory of their own (LibreOffice's
    // program/, by $ORIGIN) is there too, as a link under root/: a dlopen by that path, or a
    // look beside it, finds it (and place_libraries_beside_their_data may put the file there).
    const std::string at = "/" + lexically_normal(object.path);  // $ORIGIN/../lib leaves a ".."
    if (found_by_origin_run_path(closure, i) && object.path.starts_with('/') && !files.has("root" + at)) {
      std::string up;
      for (const char c : at.substr(0, at.rfind('/'))) up += c == '/' ? "../" : "";
      files.add_symlink("root" + at, up + "../lib/" + first);
    }
  }
}

void add_closure(const Program& program, const Closure& closure, PrivateFiles& files, const ClosedWorld* closed,
                 std::vector<std::string>& warnings, const std::string& why_program = {}) {
  // One file under several names (a multi-call program: gzip and gunzip) is copied once; the
  // other names link to it.
  bool linked = false;
  for (const auto& [name, file] : files.programs) {
    if (name != program.name && same_file(file, program.file)) {
      files.add_symlink("exe/" + program.name, name);
      linked = true;
      break;
    }
  }
  if (!linked) {
    add_object(files, "exe/" + program.name, program.file, program.elf, 0755,
               why_program.empty() ? "program " + program.name : why_program, closed);
    files.programs.emplace_back(program.name, program.file);
  }
  if (closure.interpreter) {
    const LoadedObject& interp = closure.objects[*closure.interpreter];
    const std::string why = "interpreter of " + program.name;
    const auto dirs = closed != nullptr && closure.family == LoaderFamily::kGlibc ? closed->linker_dirs.find(interp.path)
                                                                                 : decltype(closed->linker_dirs.end()){};
    if (closed == nullptr || closure.family != LoaderFamily::kGlibc || dirs == closed->linker_dirs.end()) {
      files.add_file(base_name(interp.path), interp.file, 0755, why);
    } else {
      // Its built-in default directories and /etc/ld.so.preload made unreachable.
      const MappedFile original(interp.file);
      std::string bytes(reinterpret_cast<const char*>(original.bytes().data()), original.bytes().size());
      original.ensure_intact();
      std::string problem;
      if (close_linker(bytes, dirs->second, problem)) {
        files.add_bytes(base_name(interp.path), std::move(bytes), 0755, why + ", closed to the host", interp.file);
      } else {
        warnings.push_back(interp.path + ": cannot close the linker to the host's libraries (" + problem +
                           "): a library the bundle lacks may be taken from the host");
        files.add_file(base_name(interp.path), interp.file, 0755, why);
      }
    }
  }
  add_libraries(closure, "closure: needed by " + program.name, files, closed);
}

// A library loaded at run time: by name in lib/ (a dlopen by name searches the bundle's
// library path), and at its absolute path under root/ as a link to that (a dlopen by path, which
// the shim sends there); its own closure in lib/ like any program's.
// A library a program needs already holds lib/<soname> (a -dev link such as Python's
// config-3.11/libpython3.11.so, brought with --add, to the libpython3.11.so.1.0 gdb needs): that
// copy stays, and the other name links to it. A plugin whose name another file has in lib/
// (perl's auto/List/Util/Util.so and auto/Hash/Util/Util.so) is only at its path.
void add_runtime_closure(const Closure& closure, const std::string& why, PrivateFiles& files, const ClosedWorld* closed) {
  const LoadedObject& lib = closure.objects[0];
  std::string name = base_name(lib.path);
  if (files.holds_other("lib/" + name, lib.file)) {
    add_object(files, "root" + lib.path, lib.file, lib.elf, files.mode_of(lib.file), why, closed);
  } else if (lib.elf.soname && *lib.elf.soname != name && files.holds("lib/" + *lib.elf.soname, lib.file)) {
    files.add_symlink("lib/" + name, *lib.elf.soname);
    name = *lib.elf.soname;
  } else {
    add_object(files, "lib/" + name, lib.file, lib.elf, files.mode_of(lib.file), why, closed);
    files.originals.emplace(name, original_path(lib));
    if (lib.elf.soname && *lib.elf.soname != name && !files.holds_other("lib/" + *lib.elf.soname, lib.file)) {
      files.add_symlink("lib/" + *lib.elf.soname, name);
    }
  }
  if (!files.holds("root" + lib.path, lib.file)) {
    std::string up;
    for (const char c : lib.path.substr(0, lib.path.rfind('/'))) up += c == '/' ? "../" : "";
    files.add_symlink("root" + lib.path, up + "../lib/" + name);
  }
  add_libraries(closure, "closure: needed by " + lib.path, files, closed);
}

void add_parent_directories(std::vector<BundleEntry>& entries) {
  std::set<std::string> dirs;
  for (const auto& e : entries) {
    for (auto slash = e.path.find('/'); slash != std::string::npos; slash = e.path.find('/', slash + 1)) {
      dirs.insert(e.path.substr(0, slash));
    }
  }
  for (const auto& d : dirs) entries.push_back(BundleEntry{BundleEntry::Kind::kDirectory, d, 0755, {}, {}, {}});
}

// The served-path index of the private directory `private_dir`: every file, link and directory
// under its root/, each directory at or under one of `prefixes` served wholly (it holds nothing
// but bundled files), the others shared with the target.
std::string served_index(const std::vector<BundleEntry>& entries, const std::string& private_dir,
                         const std::vector<std::string>& prefixes) {
  std::set<std::string> wholes;
  for (const auto& prefix : prefixes) wholes.insert(served_form(prefix));
  auto whole = [&](const std::string& path) {
    for (std::size_t end = path.size(); end != std::string::npos && end > 0; end = path.rfind('/', end - 1)) {
      if (wholes.count(path.substr(0, end)) != 0) return true;
    }
    return false;
  };
  const std::string under = private_dir + "/root/";
  std::vector<ServedPath> paths;
  std::set<std::string> present;
  for (const auto& e : entries) {
    if (!e.path.starts_with(under)) continue;
    ServedPath p{served_form(e.path.substr(under.size() - 1)), ServedPath::Kind::kFile, false};
    if (p.path == "/") continue;
    if (e.kind == BundleEntry::Kind::kDirectory) p.kind = ServedPath::Kind::kDirectory;
    if (e.kind == BundleEntry::Kind::kSymlink) p.kind = ServedPath::Kind::kSymlink;
    p.whole = whole(p.path);
    present.insert(p.path);
    paths.push_back(std::move(p));
  }
  // A prefix the bundle has nothing at is still the bundle's (the program finds nothing there).
  for (const auto& prefix : wholes) {
    const std::string path = served_form(prefix);
    if (present.count(path) == 0 && path != "/") paths.push_back({path, ServedPath::Kind::kDirectory, true});
  }
  return write_served_index(std::move(paths));
}

}  // namespace

// How a launcher runs `program`: the bundle's linker, library directory and options, with paths
// relative to `base` (the private directory, relative to the launcher's own directory).
LauncherConfig launcher_config(const Program& program, const Closure& closure, const std::string& base, bool shim,
                               bool has_runtime, std::vector<std::string>& warnings) {
  const LoadedObject& interp = closure.objects.at(*closure.interpreter);
  LauncherConfig config;
  config.base = base;
  config.interp = base_name(interp.path);
  config.exe = "exe/" + program.name;
  config.library_dirs = {"lib"};
  config.pass_argv0 = linker_supports(interp.file, "--argv0");
  config.inhibit_cache = closure.family == LoaderFamily::kGlibc;  // musl has no cache, nor the option
  // The shim serves the runtime files and the program's identity; it needs the linker's
  // --preload (glibc >= 2.30; musl, whose copy of the shim is built against musl) and this
  // machine's ABI. musl's linker has no --argv0: the shim restores argv[0] from the environment.
  const bool musl = closure.family == LoaderFamily::kMusl;
  if (shim && shim_template(program.elf.ident.machine, musl)) {
    if (linker_supports(interp.file, musl ? "preload" : "--preload")) {
      config.preload = musl ? "shim-musl.so" : "shim.so";
      config.argv0_in_environment = musl;
    } else {
      if (has_runtime) {
        warnings.push_back(program.name + ": its linker has no --preload (glibc < 2.30): its data files are "
                           "bundled but it will look for them at their original paths");
      }
    }
  } else if (has_runtime) {
    warnings.push_back(program.name + ": no path shim for its C library or machine: its data files are "
                       "bundled but it will look for them at their original paths");
  }
  return config;
}

BundlePlan plan_bundle(const std::vector<Program>& programs, const std::vector<Closure>& closures,
                       const RuntimeFiles& runtime, const RuntimeObjects& extra, const ClosedWorld* closed,
                       const std::vector<Script>& scripts) {
  BundlePlan plan;
  PrivateFiles files;
  for (std::size_t i = 0; i < programs.size(); ++i) {
    if (!programs[i].elf.is_static_executable()) add_closure(programs[i], closures[i], files, closed, plan.warnings);
  }
  // Runtime files at their absolute paths under root/, the prefixes the shim serves, the shim.
  bool shim = false;
  for (const auto& f : runtime.files) add_runtime_file(f, files);
  // A link to a bundled file stays a link inside root/ (an absolute target made relative to it).
  for (const auto& [path, target] : runtime.links) {
    std::string up;
    for (const char c : path.substr(1, path.rfind('/'))) up += c == '/' ? "../" : "";
    files.add_symlink("root" + path, target.starts_with('/') ? up + target.substr(1) : target);
  }
  const auto why_of = [](const std::vector<RuntimeFile>& list, std::size_t i, const char* otherwise) {
    return i < list.size() ? list[i].why : std::string(otherwise);
  };
  for (std::size_t i = 0; i < extra.libraries.size(); ++i) {
    add_runtime_closure(extra.libraries[i], why_of(runtime.libraries, i, "loaded at run time"), files, closed);
  }
  for (std::size_t i = 0; i < extra.helpers.size(); ++i) {
    const Program& helper = extra.helpers[i];
    const std::string why = why_of(runtime.helpers, i, "a helper program it runs");
    if (helper.elf.is_static_executable()) {
      files.add_file("root" + helper.path, helper.file, 0755, why);
    } else {
      add_closure(helper, extra.helper_closures[i], files, closed, plan.warnings, why);
    }
  }
  // Each program is also served at the absolute path it had here (a launcher, or the static
  // program), so a bundled program that runs another by that path, or finds it on PATH, gets
  // the bundled one; and that path is what /proc/self/exe says, so files it finds next to itself
  // (../share/x) are where --add or package detection put them. Programs of build trees too: the
  // bundle then names the directory it was built from, as the program's own files do. Only when
  // some program of the bundle loads the shim that serves them.
  const bool can_serve = std::any_of(programs.begin(), programs.end(), [](const Program& p) {
    return !p.elf.is_static_executable() && p.elf.interp &&
           shim_template(p.elf.ident.machine, is_musl_linker(*p.elf.interp)).has_value();
  });
  std::vector<std::string> program_paths;
  for (const auto& program : programs) {
    if (!can_serve || !program.path.starts_with('/')) continue;
    program_paths.push_back(program.path);
    if (program.elf.is_static_executable()) files.add_file("root" + program.path, program.file, 0755, "program at its path");
  }
  const bool has_runtime =
      !runtime.files.empty() || !extra.libraries.empty() || !extra.helpers.empty() || !runtime.links.empty();
  std::vector<std::string> served_prefixes;  // served wholly: the root.index is written at the end
  const bool serves = has_runtime || !program_paths.empty();
  if (serves) {
    served_prefixes = runtime.prefixes;
    served_prefixes.insert(served_prefixes.end(), program_paths.begin(), program_paths.end());
    if (!runtime.environment.empty()) {
      std::string env;
      for (const auto& [name, path] : runtime.environment) env += name + "=root" + path + "\n";
      files.add_bytes("env.list", env, 0644, "variables the shim sets to bundled directories");
    }
    // Who each program is, for the shim's answers about /proc/self/exe.
    std::string identities;
    for (const auto& program : programs) {
      if (program.elf.is_static_executable()) continue;
      const bool served = std::find(program_paths.begin(), program_paths.end(), program.path) != program_paths.end();
      identities += "exe/" + program.name + "\t" + (served ? program.path : "") + "\t../../../bin/" + program.name + "\n";
    }
    for (const auto& helper : extra.helpers) {
      if (!helper.elf.is_static_executable()) identities += "exe/" + helper.name + "\t" + helper.path + "\troot" + helper.path + "\n";
    }
    files.add_bytes("programs.list", identities, 0644, "what /proc/self/exe is for each program");
    if (!files.originals.empty()) {
      files.add_bytes("libraries.list", libraries_list(files.originals), 0644,
                      "what dladdr says of each library: its path on this machine");
    }
    // One shim per C library the programs and their helpers use (a musl program's helper may be
    // a glibc /bin/sh).
    std::set<std::string> added;
    std::vector<const Program*> users;
    for (const auto& p : programs) users.push_back(&p);
    for (const auto& h : extra.helpers) users.push_back(&h);
    for (const Program* user : users) {
      if (user->elf.is_static_executable() || !user->elf.interp) continue;
      const bool musl = is_musl_linker(*user->elf.interp);
      const std::string name = musl ? "shim-musl.so" : "shim.so";
      const auto bytes = shim_template(user->elf.ident.machine, musl);
      if (!bytes || !added.insert(name).second) continue;
      files.add_bytes(name, std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size()), 0644,
                      musl ? "the path shim, for musl programs" : "the path shim");
      shim = true;
    }
  }
  // A helper's launcher sits at the helper's path under root/, where the shim sends the
  // program's exec of that path; its base climbs back to the private directory. It names no id,
  // so it can be part of what the id digests.
  auto launcher_at_path = [&](const Program& p, const Closure& closure) {
    if (p.elf.is_static_executable() || !p.path.starts_with('/')) return;
    if (std::find(program_paths.begin(), program_paths.end(), p.path) == program_paths.end() &&
        std::none_of(extra.helpers.begin(), extra.helpers.end(), [&](const Program& h) { return &h == &p; })) {
      return;  // a bundled program not served at its path
    }
    std::string base = "..";
    for (const char c : p.path.substr(0, p.path.rfind('/'))) base += c == '/' ? "/.." : "";
    files.add_bytes("root" + p.path,
                    make_launcher(p.elf.ident.machine, launcher_config(p, closure, base, shim, has_runtime, plan.warnings)),
                    0755, "launcher of " + p.path + " at its path");
  };
  for (std::size_t i = 0; i < extra.helpers.size(); ++i) launcher_at_path(extra.helpers[i], extra.helper_closures[i]);
  for (std::size_t i = 0; i < programs.size(); ++i) launcher_at_path(programs[i], closures[i]);
  plan.id = kPendingId;  // write_bundle names it by its content
  const std::string private_dir = std::string(kPrivateRoot) + "/" + plan.id;
  files.place_libraries_beside_their_data();
  files.emit(private_dir, plan.entries);

  for (std::size_t i = 0; i < programs.size(); ++i) {
    const Program& program = programs[i];
    files.check_source(program.file);
    BundleEntry bin{BundleEntry::Kind::kFile, "bin/" + program.name, 0755, program.file, {},
                    "program " + program.path + " (static: runs as it is)", files.size_of(program.file)};
    if (!program.elf.is_static_executable()) {
      bin.kind = BundleEntry::Kind::kBytes;
      bin.source.clear();
      bin.why = "launcher: runs " + program.path + " through the bundled dynamic linker";
      bin.bytes = make_launcher(program.elf.ident.machine,
                                launcher_config(program, closures[i], "../" + private_dir, shim, has_runtime,
                                                plan.warnings));
    }
    plan.entries.push_back(std::move(bin));
  }
  // A script's launcher runs its interpreter's (as bin/<interpreter> does) on the script, which
  // the shim serves at its path.
  for (const auto& script : scripts) {
    const auto interpreter = std::find_if(programs.begin(), programs.end(),
                                          [&](const Program& p) { return p.path == script.interpreter; });
    if (interpreter == programs.end()) throw Error(script.self().file + ": its interpreter is not among the programs");
    if (interpreter->elf.is_static_executable()) {
      throw Error(script.self().file + ": its interpreter " + interpreter->path + " is a static program, which runs "
                  "without the path shim that serves the script at its path; bundle a dynamic build of it");
    }
    std::vector<std::string> unused;
    LauncherConfig config = launcher_config(*interpreter, closures[interpreter - programs.begin()], "../" + private_dir,
                                            shim, true, unused);
    if (config.preload.empty()) {
      throw Error(script.self().file + ": its interpreter " + interpreter->path + " cannot load the path shim, which "
                  "serves the script at " + script.self().path + " (its linker is a glibc older than 2.30, or elfpack has "
                  "no shim for its C library and machine)");
    }
    config.script_arguments = script.arguments;
    plan.entries.push_back({BundleEntry::Kind::kBytes, "bin/" + script.name, 0755, {},
                            make_launcher(interpreter->elf.ident.machine, config),
                            "launcher: runs the script " + script.self().path + " with " + interpreter->path});
  }
  // musl's linker reads <its path minus two components>/etc/ld-musl-<arch>.path, here
  // lib/elfpack/etc/, for its default directories: an empty file leaves it none (closed world).
  if (closed != nullptr) {
    std::set<std::string> musl_paths;
    for (std::size_t i = 0; i < programs.size(); ++i) {
      if (closures[i].family != LoaderFamily::kMusl || !closures[i].interpreter) continue;
      const std::string linker = base_name(closures[i].objects[*closures[i].interpreter].path);
      const std::string arch = linker.substr(8, linker.find(".so") - 8);  // ld-musl-<arch>.so.1
      musl_paths.insert(std::string(kPrivateRoot) + "/etc/ld-musl-" + arch + ".path");
    }
    for (const auto& path : musl_paths) {
      plan.entries.push_back({BundleEntry::Kind::kBytes, path, 0644, {}, {}, "musl's default directories: none (closed world)"});
    }
  }
  plan.warnings.insert(plan.warnings.end(), files.warnings.begin(), files.warnings.end());
  // The package of each copied file, for the bundle's size per package.
  std::map<std::string, std::string> package_of = runtime.package_of;
  for (const auto* list : {&runtime.files, &runtime.libraries, &runtime.helpers}) {
    for (const auto& f : *list) {
      if (!f.package.empty()) package_of.emplace(f.file, f.package);
    }
  }
  for (auto& e : plan.entries) {
    if (const auto it = package_of.find(e.source); !e.source.empty() && it != package_of.end()) e.package = it->second;
  }
  add_parent_directories(plan.entries);
  if (serves) {
    plan.entries.push_back({BundleEntry::Kind::kBytes, private_dir + "/root.index", 0644, {},
                            served_index(plan.entries, private_dir, served_prefixes),
                            "the paths the shim serves from root/"});
  }
  std::sort(plan.entries.begin(), plan.entries.end(),
            [](const BundleEntry& a, const BundleEntry& b) { return a.path < b.path; });
  mark_identical_files(plan);  // across programs and packages: stored once
  return plan;
}

}  // namespace elfpack
