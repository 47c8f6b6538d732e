// The real loader's view, for differential checks: `ld.so --list FILE` parsed into name -> path.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace elfpack::testing {

struct LoaderListing {
  std::map<std::string, std::string> found;  // needed name -> path, as ld.so prints it
  std::string output;
  int status = 0;
};

inline LoaderListing list_with_real_loader(const std::string& file,
                                          const std::string& loader = "/lib64/ld-linux-x86-64.so.2") {
  LoaderListing listing;
  const std::string command = "env -i " + loader + " --list '" + file + "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) listing.output += buffer;
  listing.status = ::pclose(pipe.release());
  std::istringstream lines(listing.output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto start = line.find_first_not_of(" \t");
    const auto arrow = line.find(" => ");
    if (arrow == std::string::npos) {
      // "libfoo.so (0x...)": opened by the name it was asked for, a relative path (found in the
      // current directory). Absolute ones are the linker itself; linux-vdso.so.1 is the kernel's.
      const auto paren = line.find(" (");
      if (start == std::string::npos || paren == std::string::npos) continue;
      const std::string name = line.substr(start, paren - start);
      if (!name.starts_with('/') && !name.starts_with("linux-vdso.so") && !name.starts_with("linux-gate.so") && name.find(' ') == std::string::npos) {
        listing.found[name] = name;
      }
      continue;
    }
    std::string path = line.substr(arrow + 4);
    path = path.substr(0, path.find(" ("));
    listing.found[line.substr(start, arrow - start)] = path;
  }
  return listing;
}

// Whether this kernel runs `program` (with --version: the loaders print theirs and exit 0). A
// kernel built without IA32 emulation, or booted with ia32_emulation=0, refuses i386 programs
// (ENOEXEC), so their loader's own view cannot be had.
inline bool kernel_runs(const std::string& program) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string version = "--version";
  char* argv[] = {const_cast<char*>(program.c_str()), version.data(), nullptr};
  char* envp[] = {nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return false;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The real loader run with these arguments and an empty environment; stdout and stderr.
inline std::string run_real_loader(const std::vector<std::string>& args,
                                   const std::string& loader = "/lib64/ld-linux-x86-64.so.2") {
  std::string command = "env -i " + loader;
  for (const auto& a : args) command += " '" + a + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), ::pclose);
  std::string output;
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) output += buffer;
  return output;
}

}  // namespace elfpack::testing
