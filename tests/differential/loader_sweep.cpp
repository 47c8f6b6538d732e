// The differential check of the resolver against the real dynamic linker: for every ELF
// executable and shared library under the given directories, elfpack's closure (needed name ->
// path) must equal what `ld.so --list FILE` prints on this machine. Nothing is committed output:
// both sides are computed here, now.
//
//   elfpack_loader_sweep [--sample K] [--verbose] DIR_OR_FILE...
//
// --sample K compares every K-th candidate file only (the quick subset of the normal suite).
// Prints how many files were compared and every difference; exits 1 if there is any.
//
// Differences that are expected, and so not counted:
//  - linux-vdso.so.1 (linux-gate.so.1 for i386) is provided by the kernel, not a file: ld.so prints it, elfpack has nothing
//    to bundle.
//  - The linker running the file prints itself under the name it was invoked by; it is compared
//    as "the interpreter", not by path.
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "elfpack/elf/elf_file.h"
#include "elfpack/base/error.h"
#include "elfpack/resolve/loader_profile.h"
#include "elfpack/resolve/resolver.h"

namespace {

using Listing = std::map<std::string, std::string>;  // needed name -> path, or "not found"

struct Run {
  std::string output;
  int status = -1;
};

// Runs argv with an empty environment (no LD_LIBRARY_PATH, no LD_PRELOAD), stdout and stderr
// captured together.
Run run(const std::vector<std::string>& args) {
  Run result;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  char* envp[] = {nullptr};
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  char buffer[4096];
  ssize_t got;
  while (spawned == 0 && (got = ::read(fds[0], buffer, sizeof buffer)) > 0) result.output.append(buffer, got);
  ::close(fds[0]);
  if (spawned == 0 && ::waitpid(pid, &result.status, 0) < 0) result.status = -1;
  return result;
}

struct Real {
  Listing listing;
  std::string error_name;    // "error while loading shared libraries: NAME: REASON"
  std::string error_reason;
  bool statically_linked = false;
  bool failed_loads = false;  // musl reported libraries it could not load
  bool refused = false;  // exited non-zero without a library error
  std::string output;
};

Real list_with_real_loader(const std::string& loader, const std::string& file) {
  Real real;
  const Run r = run({loader, "--list", file});
  real.output = r.output;
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    if (line.find("statically linked") != std::string::npos) real.statically_linked = true;
    // musl goes on after a library it cannot load: "Error loading shared library NAME: REASON
    // (needed by X)"; a missing one is its "not found".
    const std::string musl_marker = "Error loading shared library ";
    if (line.starts_with(musl_marker)) {
      const std::string rest = line.substr(musl_marker.size());
      const auto colon = rest.find(": ");
      const std::string name = rest.substr(0, colon);
      if (rest.find(": No such file or directory", colon) == colon) {
        real.listing[name] = "not found";
      } else if (real.error_name.empty()) {
        real.error_name = name;
        real.error_reason = rest.substr(colon + 2);
      }
      real.failed_loads = true;
      continue;
    }
    if (line.starts_with("Error relocating ")) continue;  // musl: symbols of a library it could not load
    const std::string marker = "error while loading shared libraries: ";
    if (const auto e = line.find(marker); e != std::string::npos) {
      const std::string rest = line.substr(e + marker.size());
      const auto colon = rest.find(": ");
      real.error_name = rest.substr(0, colon);
      real.error_reason = colon == std::string::npos ? "" : rest.substr(colon + 2);
      continue;
    }
    const auto arrow = line.find(" => ");
    if (arrow == std::string::npos) {
      // "NAME (0x...)": an object whose name is its path: opened by a DT_NEEDED with a '/', or
      // found by a relative name (an empty path element: the current directory), or the linker
      // itself (removed below). linux-vdso.so.1 and linux-gate.so.1 are the kernel's.
      const auto paren = line.find(" (");
      const std::string name = paren == std::string::npos ? "" : line.substr(start, paren - start);
      const bool vdso = name.starts_with("linux-vdso.so") || name.starts_with("linux-gate.so");
      if (!name.empty() && !vdso && name.find(' ') == std::string::npos) real.listing[name] = name;
      continue;
    }
    std::string path = line.substr(arrow + 4);
    path = path.substr(0, path.rfind(" ("));
    real.listing[line.substr(start, arrow - start)] = path;
  }
  const bool explained = !real.error_name.empty() || real.failed_loads;
  if (!WIFEXITED(r.status) || (WEXITSTATUS(r.status) != 0 && !explained)) real.refused = true;
  return real;
}

// The linker that runs objects of this class and machine on this machine.
std::string loader_for(const elfpack::ElfFacts& elf) {
  if (elf.interp) return *elf.interp;
  if (elf.ident.machine == elfpack::kEmX86_64 && elf.ident.elf_class == elfpack::kElfClass64) return "/lib64/ld-linux-x86-64.so.2";
  if (elf.ident.machine == elfpack::kEm386) return "/lib/ld-linux.so.2";
  if (elf.ident.machine == elfpack::kEmAarch64) return "/lib/ld-linux-aarch64.so.1";
  return "";
}

void collect(const std::string& path, std::vector<std::string>& files) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return;
  if (S_ISREG(st.st_mode)) {
    files.push_back(path);
    return;
  }
  if (!S_ISDIR(st.st_mode)) return;  // symlinks: their targets are reached by their own names
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
  if (!dir) return;
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(dir.get())) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) collect(path + "/" + n, files);
}

bool looks_like_elf(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char magic[4] = {};
  const bool elf = ::pread(fd, magic, 4, 0) == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
  ::close(fd);
  return elf;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t sample = 1;
  bool verbose = false;
  std::vector<std::string> roots;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--sample" && i + 1 < argc) {
      sample = std::max<std::size_t>(1, std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--verbose") {
      verbose = true;
    } else {
      roots.push_back(arg);
    }
  }
  std::vector<std::string> files;
  for (const auto& r : roots) collect(r, files);

  std::map<std::string, std::unique_ptr<elfpack::Resolver>> resolvers;  // by loader
  std::size_t candidates = 0, compared = 0, executables = 0, libraries = 0, differences = 0;
  std::map<std::string, std::size_t> skipped;
  for (const auto& file : files) {
    if (!looks_like_elf(file)) continue;
    if (candidates++ % sample != 0) continue;
    elfpack::ElfFacts elf;
    try {
      elf = elfpack::read_elf(file);
    } catch (const elfpack::Error&) {
      ++skipped["not a loadable ELF file"];
      continue;
    }
    if (elf.ident.type != elfpack::kEtDyn && elf.ident.type != elfpack::kEtExec) {
      ++skipped["relocatable object or core file"];
      continue;
    }
    if (elf.is_static_executable()) {
      ++skipped["nothing to load (no interpreter, no DT_NEEDED)"];
      continue;
    }
    const std::string loader = loader_for(elf);
    if (loader.empty() || ::access(loader.c_str(), X_OK) != 0) {
      ++skipped["no linker for its architecture on this machine"];
      continue;
    }
    const Real real = list_with_real_loader(loader, file);
    if (real.refused) {
      ++skipped["the real loader refuses to list it"];
      if (verbose) std::cout << "refused: " << file << ": " << real.output;
      continue;
    }
    auto& resolver = resolvers[loader];
    if (!resolver) {
      // As on this machine (its CPU's hwcaps levels), and as elfpack itself resolves: the linker
      // is asked for its parameters only when a search needs them.
      elfpack::ResolveOptions options;
      resolver = std::make_unique<elfpack::Resolver>(elf.ident, loader, options);
    }
    elfpack::Closure closure;
    try {
      closure = resolver->resolve(file, loader);
    } catch (const elfpack::Error& e) {
      std::cout << "DIFFERENT " << file << ": elfpack fails (" << e.what() << "), ld.so lists it\n";
      ++differences;
      continue;
    }
    ++compared;
    ++(elf.interp ? executables : libraries);

    Listing ours;
    for (std::size_t i = 1; i < closure.objects.size(); ++i) {
      const auto& o = closure.objects[i];
      // glibc prints the linker only under its own path; musl also prints the C library's names
      // ("libc.so => /lib/ld-musl-x86_64.so.1") it maps to itself.
      const bool linker = closure.interpreter && i == *closure.interpreter;
      if (linker && closure.family != elfpack::LoaderFamily::kMusl) continue;
      // The loader prints an object once, by the first name it was loaded by (musl's C library
      // names each once).
      for (const auto& name : o.names) {
        // glibc shows an object opened by a path by that path (the expanded name) alone.
        if (name != loader) ours[o.found_by == elfpack::FoundBy::kPathName ? o.path : name] = o.path;
        if (!linker) break;
      }
    }
    std::string error_name, error_reason;
    for (const auto& m : closure.missing) {
      if (m.reason == "not found") {
        ours[m.name] = "not found";
      } else if (error_name.empty()) {
        // glibc names a bad candidate by its path, musl by the needed name.
        error_name = closure.family == elfpack::LoaderFamily::kMusl ? m.name : m.where;
        error_reason = m.reason;
      }
    }
    Listing theirs = real.listing;
    theirs.erase("linux-vdso.so.1");
    theirs.erase("linux-gate.so.1");
    // The running linker is printed as "PT_INTERP => invoked name" or under its own name.
    theirs.erase(loader);
    bool same = ours == theirs && error_name.empty() && real.error_name.empty();
    if (!real.error_name.empty()) {
      // The loader stops at the first library it cannot load (for a file it runs without
      // PT_INTERP even a missing one); elfpack goes on and reports every one. What the loader
      // listed before it stopped must agree, and elfpack must report the same library.
      const bool not_found = real.error_reason.starts_with("cannot open shared object file");
      const auto it = ours.find(real.error_name);
      same = not_found ? (it != ours.end() && it->second == "not found") : error_name == real.error_name;
      for (const auto& [name, path] : theirs) {
        const auto o = ours.find(name);
        same = same && o != ours.end() && o->second == path;
      }
    }
    if (!same) {
      ++differences;
      std::cout << "DIFFERENT " << file << "\n";
      for (const auto& [name, path] : theirs) {
        const auto it = ours.find(name);
        if (it == ours.end()) std::cout << "  ld.so:   " << name << " => " << path << " (elfpack: nothing)\n";
        else if (it->second != path) std::cout << "  " << name << ": ld.so " << path << ", elfpack " << it->second << "\n";
      }
      for (const auto& [name, path] : ours) {
        if (!theirs.contains(name)) std::cout << "  elfpack: " << name << " => " << path << " (ld.so: nothing)\n";
      }
      if (error_name != real.error_name) {
        std::cout << "  error: ld.so '" << real.error_name << ": " << real.error_reason << "', elfpack '" << error_name
                  << ": " << error_reason << "'\n";
      }
    } else if (verbose) {
      std::cout << "same " << file << " (" << theirs.size() << " libraries)\n";
    }
  }
  std::cout << "compared " << compared << " ELF files with ld.so --list (" << executables << " executables, " << libraries
            << " libraries without an interpreter; every " << sample << (sample == 1 ? "st" : "th") << " of "
            << candidates << " ELF files): " << differences << " differences\n";
  for (const auto& [why, n] : skipped) std::cout << "  not compared: " << n << " x " << why << "\n";
  std::cout << "  set aside: linux-vdso.so.1 / linux-gate.so.1 in every listing (the kernel's vDSO, not a file)\n";
  return differences == 0 && compared > 0 ? 0 : 1;
}
