// Steps (1) and (2): find the programs and resolve their closures.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <spdlog/spdlog.h>

#include "elfpack/bundle.h"
#include "elfpack/base/error.h"
#include "elfpack/base/paths.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/resolve/scripts.h"
#include "elfpack/runtime/runtime_files.h"
#include "resolve/programs.h"

namespace elfpack {

namespace {

// What access(file, F_OK) says of a file that is not there ("No such file or directory").
std::optional<std::string> absent(const std::string& file) {
  if (::access(file.c_str(), F_OK) == 0) return std::nullopt;
  return std::strerror(errno);
}

// A path relative to the current directory made absolute, as /proc/self/exe names it: the path
// the bundle serves the program at and answers with.
std::string absolute_here(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

// A program as the user typed it (with --sysroot, the rules of README's "--sysroot"):
//   =/path            the root's /path, always (as compilers write a path of their sysroot)
//   /path             inside the root
//   dir/prog, ./prog  a file of this machine, relative to the current directory (a program
//                     just built here, for another root)
//   prog              looked up on the PATH, as a shell does: the root's usual bin directories
//                     inside the root, this machine's $PATH without one
// Without --sysroot the root is "/" and the first three are the same thing.
}  // namespace

Found find_program(const std::string& typed, const std::string& sysroot) {
  const bool rooted = sysroot != "/";
  if (typed.starts_with("=/") || typed.starts_with('/')) {
    const std::string path = typed.starts_with('=') ? typed.substr(1) : typed;
    const std::string file = in_root(sysroot, path);
    const auto problem = absent(file);
    if (!problem) return {path, file};
    if (!rooted) throw Error(file + ": " + *problem);
    std::string message = typed + ": not in the root: " + file + ": " + *problem;
    const std::string root = sysroot + "/";
    if (path.starts_with(root)) {  // `--sysroot R R/usr/bin/x`: the root's path given twice
      message += "; with --sysroot an absolute path is inside the root: " + path.substr(root.size() - 1);
    } else if (!typed.starts_with('=')) {
      message += absent(path) ? "; nor on this machine (" + path + ")"
                              : "; this machine's " + path + " is named by a path relative to the current directory";
    }
    throw Error(message);
  }
  if (typed.find('/') != std::string::npos) {
    const std::string path = absolute_here(typed);
    const auto problem = absent(path);
    if (!problem) return {path, path};
    if (!rooted) throw Error(typed + ": " + *problem);
    const std::string in_the_root = "/" + std::filesystem::path(typed).lexically_normal().string();
    throw Error(typed + ": not on this machine: " + path + ": " + *problem +
                "; with --sysroot a relative path names a file of this machine" +
                (absent(in_root(sysroot, in_the_root)) ? ", and the root has none either (" + in_root(sysroot, in_the_root) + ")"
                                                       : "; the root's is =" + in_the_root));
  }
  const char* env = rooted ? nullptr : std::getenv("PATH");
  const std::string path = env != nullptr ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find(':', start), path.size());
    const std::string dir = path.substr(start, end - start);
    // join_path: Lambda's PATH has "/usr/bin/", and the program's path is /usr/bin/NAME.
    const std::string candidate = join_path(dir.empty() ? "." : dir, typed);
    const std::string file = in_root(sysroot, candidate);
    if (::access(file.c_str(), X_OK) == 0) {
      return {rooted || dir.starts_with('/') ? candidate : absolute_here(candidate), file};
    }
    start = end + 1;
  }
  if (!rooted) throw Error(typed + ": not found in PATH (" + path + ")");
  throw Error(typed + ": not found on the root's PATH, in " + sysroot + " (" + path + ")" +
              (absent(typed) ? "" : "; this machine's ./" + typed + " is named ./" + typed));
}

namespace {

bool is_script(std::span<const unsigned char> bytes) { return bytes.size() >= 2 && bytes[0] == '#' && bytes[1] == '!'; }

// The ELF program found at `found`.
Program load_program(Found found) {
  Program program;
  program.path = std::move(found.path);
  program.file = std::move(found.file);
  program.name = base_name(program.path);
  const MappedFile file(program.file);
  const auto bytes = file.bytes();
  if (bytes.empty()) throw Error(program.file + ": an empty file (0 bytes), not an ELF program");
  program.elf = parse_elf(file);
  if (program.elf.ident.type != kEtExec && program.elf.ident.type != kEtDyn) {
    throw Error(program.file + ": e_type " + std::to_string(program.elf.ident.type) + " is not an executable");
  }
  if (!program.elf.interp && !program.elf.needed.empty()) {
    throw Error(program.path + ": needs shared libraries but has no interpreter (PT_INTERP): a library, not a program");
  }
  return program;
}

}  // namespace

std::vector<Program> load_programs(const std::vector<std::string>& names, const std::string& sysroot,
                                   std::vector<Script>* scripts) {
  std::vector<Program> programs;
  std::map<std::string, std::string> seen;  // bundle name -> path
  // Whether `name` in bin/ is new; the same file named twice (/bin/sh and /usr/bin/sh) is one
  // program, by the path it was first given; `path` is set to that.
  auto take = [&seen, &sysroot](const std::string& name, std::string& path) {
    auto [it, inserted] = seen.emplace(name, path);
    if (inserted) return true;
    struct stat a, b;
    if (it->second == path || (::stat(in_root(sysroot, it->second).c_str(), &a) == 0 &&
                               ::stat(in_root(sysroot, path).c_str(), &b) == 0 && a.st_dev == b.st_dev &&
                               a.st_ino == b.st_ino)) {
      path = it->second;
      return false;
    }
    throw Error(path + ": has the same name as " + it->second + "; a bundle holds one program per name");
  };
  for (const auto& name : names) {
    Found found = find_program(name, sysroot);
    bool script = false;
    {
      const MappedFile mapped(found.file);
      script = is_script(mapped.bytes());
      mapped.ensure_intact();
    }
    if (!script) {
      Program program = load_program(std::move(found));
      if (take(program.name, program.path)) programs.push_back(std::move(program));
      continue;
    }
    if (scripts == nullptr) throw Error(found.file + ": a script (starts with #!), not an ELF program");
    Script followed = follow_script(base_name(found.path), found.path, found.file, sysroot);
    // Its interpreter is a program of the bundle like any other (bin/perl too).
    Program interpreter;
    try {
      interpreter = load_program({followed.interpreter, in_root(sysroot, followed.interpreter)});
    } catch (const Error& e) {
      throw Error(found.file + ": its interpreter " + e.what());
    }
    if (take(interpreter.name, interpreter.path)) programs.push_back(interpreter);
    followed.interpreter = interpreter.path;
    if (take(followed.name, found.path)) scripts->push_back(std::move(followed));
  }
  return programs;
}

std::vector<Closure> resolve_programs(const std::vector<Program>& programs, const ResolveOptions& options,
                                      Diagnostics& diagnostics, std::vector<std::string>& warnings, bool allow_missing) {
  // One resolver per kind of object and linker, so that libraries shared by programs are read once.
  std::map<std::tuple<uint8_t, bool, uint16_t, std::string>, Resolver> resolvers;
  std::vector<Closure> closures;
  std::set<std::string> reported;
  for (const auto& program : programs) {
    if (program.elf.is_static_executable()) {
      closures.emplace_back();
      continue;
    }
    const auto& id = program.elf.ident;
    const std::string interp = program.elf.interp.value_or("");
    auto key = std::make_tuple(id.elf_class, id.little_endian, id.machine, interp);
    auto it = resolvers.find(key);
    if (it == resolvers.end()) it = resolvers.try_emplace(key, id, interp, options).first;
    // A program of this machine with another root's libraries: read where it is.
    const bool elsewhere = program.file != in_root(options.sysroot, program.path);
    closures.push_back(it->second.resolve(program.path, "", elsewhere ? program.file : std::string()));
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("loader for {}: {}", program.path, it->second.profile().source);
    }
    for (const auto& line : closures.back().describe_missing()) {
      if (!reported.insert(line).second) continue;
      if (allow_missing) {
        warnings.push_back(line);
      } else {
        diagnostics.error(line);
      }
    }
  }
  return closures;
}

namespace {

// Keeps or drops one optional object by its closure: its missing libraries are a warning that
// names it, and it is left out. Others' missing libraries are errors (warnings when allowed).
bool keep_closure(const Closure& closure, const RuntimeFile& object, const char* kind, Diagnostics& diagnostics,
                  std::vector<std::string>& warnings, bool allow_missing) {
  const auto missing = closure.describe_missing();
  if (missing.empty()) return true;
  if (object.optional) {
    warnings.push_back(object.path + ": " + kind + " left out (" + object.why + "): " + missing.front() +
                       (missing.size() > 1 ? " (and " + std::to_string(missing.size() - 1) + " more)" : ""));
    return false;
  }
  for (const auto& line : missing) {
    if (allow_missing) {
      warnings.push_back(line);
    } else {
      diagnostics.error(line);
    }
  }
  return true;
}

// A name for a helper's file in exe/ that no other program of the bundle has: its base name, or
// its path with '/' made '_' when that is taken by another file.
std::string helper_name(const std::string& path, const std::string& file, std::map<std::string, std::string>& taken) {
  std::string name = base_name(path);
  if (const auto it = taken.find(name); it != taken.end() && it->second != file) {
    name = path.substr(1);
    std::replace(name.begin(), name.end(), '/', '_');
  }
  taken.emplace(name, file);
  return name;
}

}  // namespace

RuntimeObjects resolve_runtime_objects(const std::vector<Program>& programs, RuntimeFiles& runtime,
                                       const ResolveOptions& options, Diagnostics& diagnostics,
                                       std::vector<std::string>& warnings, bool allow_missing) {
  RuntimeObjects extra;
  // One resolver per program kind, so that libraries plugins share are read once.
  std::map<const Program*, Resolver> resolvers;
  std::vector<RuntimeFile> libraries;
  for (auto& lib : runtime.libraries) {
    const ElfFacts elf = read_elf(lib.file);
    // Loaded into a program of its own class and machine, by that program's linker.
    const Program* host = nullptr;
    for (const auto& p : programs) {
      if (p.elf.interp && p.elf.ident.elf_class == elf.ident.elf_class && p.elf.ident.machine == elf.ident.machine) {
        host = &p;
        break;
      }
    }
    if (host == nullptr) {
      warnings.push_back(lib.path + ": loaded at run time, but no bundled program of its class and machine: left out");
      continue;
    }
    auto it = resolvers.find(host);
    if (it == resolvers.end()) it = resolvers.try_emplace(host, host->elf.ident, *host->elf.interp, options).first;
    // Read from where it is here, which --add SRC=DEST makes another place than its path.
    const bool elsewhere = lib.file != in_root(options.sysroot, lib.path);
    Closure closure = it->second.resolve(lib.path, *host->elf.interp, elsewhere ? lib.file : std::string());
    if (!keep_closure(closure, lib, "plugin", diagnostics, warnings, allow_missing)) continue;
    extra.libraries.push_back(std::move(closure));
    libraries.push_back(std::move(lib));
  }
  runtime.libraries = std::move(libraries);
  std::map<std::string, std::string> taken;  // exe/ names -> file
  for (const auto& p : programs) taken.emplace(p.name, p.file);
  // All at once, so that their libraries are read once; each judged by its own closure.
  std::vector<Program> found;
  for (const auto& h : runtime.helpers) found.push_back(Program{helper_name(h.path, h.file, taken), h.path, h.file, read_elf(h.file)});
  Diagnostics unused;
  std::vector<std::string> unused_warnings;
  auto closures = resolve_programs(found, options, unused, unused_warnings, true);
  std::vector<RuntimeFile> helpers;
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!keep_closure(closures[i], runtime.helpers[i], "helper", diagnostics, warnings, allow_missing)) continue;
    extra.helpers.push_back(std::move(found[i]));
    extra.helper_closures.push_back(std::move(closures[i]));
    helpers.push_back(std::move(runtime.helpers[i]));
  }
  runtime.helpers = std::move(helpers);
  return extra;
}

}  // namespace elfpack
