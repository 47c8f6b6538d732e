// What glibc loads or runs by itself, which no DT_NEEDED names: NSS modules, libgcc_s for
// unwinding, iconv's gconv converters, and /bin/sh for system() and popen().
#include "runtime/package_manager.h"
#include "runtime/sources.h"
#include "elfpack/runtime/runtime_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
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
          kept.emplace(path, RuntimeFile{path, in_root(options.sysroot, path), "environment: an iconv converter (gconv) of the C library"});
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

}  // namespace

void add_implicit_loads(const std::vector<Program>& programs, const CollectOptions& options,
                        std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& kept,
                        std::map<std::string, RuntimeFile>& helpers, RuntimeFiles& result) {
  std::vector<std::string>& notes = result.notes;
  static const std::set<std::string> kNss = {
      "getpwnam", "getpwnam_r", "getpwuid", "getpwuid_r", "getpwent", "getgrnam", "getgrnam_r", "getgrgid",
      "getgrgid_r", "getgrent", "getgrouplist", "initgroups", "getspnam", "getspnam_r", "getaddrinfo",
      "gethostbyname", "gethostbyname2", "gethostbyname_r", "gethostbyname2_r", "gethostbyaddr", "gethostbyaddr_r",
      "getnameinfo", "getservbyname", "getservbyname_r", "getservbyport", "getprotobyname", "getnetgrent", "innetgr"};
  static const std::set<std::string> kUnwind = {"pthread_cancel", "pthread_exit"};
  // glibc's system() and popen() run "/bin/sh -c" (sysdeps/posix/system.c do_system,
  // libio/iopopen.c spawn_process): the shell comes as a helper, its real file at that path.
  static const std::set<std::string> kShell = {"system", "popen"};
  // A program that runs commands itself (make's recipes through posix_spawn, tar's
  // --use-compress-program, git's aliases) names the shell by its path: an object that imports
  // a spawn or exec function and holds the string "/bin/sh" brings it too.
  static const std::set<std::string> kSpawn = {"posix_spawn", "posix_spawnp", "execv", "execve", "execvp",
                                               "execvpe", "execl", "execlp", "execle"};
  const auto names_shell = [](const std::string& file) {
    static constexpr std::string_view kPath("/bin/sh\0", 8);
    const MappedFile mapped(file);
    const std::string_view bytes(reinterpret_cast<const char*>(mapped.bytes().data()), mapped.bytes().size());
    return bytes.find(kPath) != std::string_view::npos;
  };
  if (options.closures == nullptr) return;
  std::map<std::string, std::vector<std::string>> imports_of;  // by file
  for (std::size_t p = 0; p < programs.size() && p < options.closures->size(); ++p) {
    const Closure& closure = (*options.closures)[p];
    if (closure.objects.empty() || closure.family != LoaderFamily::kGlibc) continue;
    bool nss = false, unwind = false, has_gcc_s = false, iconv = false, shell = false;
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
      bool spawns = false;
      for (const auto& sym : it->second) {
        nss |= kNss.contains(sym);
        unwind |= kUnwind.contains(sym);
        iconv |= sym == "iconv_open" && !libstdcxx;
        shell |= kShell.contains(sym);
        spawns |= kSpawn.contains(sym);
      }
      shell = shell || (spawns && names_shell(o.file));
    }
    std::vector<std::pair<std::string, std::string>> wanted;  // name, why
    if (nss) {
      for (const auto& service : nss_services(options.sysroot)) {
        wanted.emplace_back("libnss_" + service + ".so.2", "NSS module '" + service + "' of /etc/nsswitch.conf");
      }
    }
    if (unwind && !has_gcc_s) wanted.emplace_back("libgcc_s.so.1", "glibc loads it to unwind cancelled threads");
    if (iconv) add_gconv(closure, options, kept, result);
    // Not when the shell is one of the programs (a sh script's interpreter, or dash itself): the
    // program already has its launcher at its path.
    const bool shell_is_program = std::any_of(programs.begin(), programs.end(), [](const Program& q) {
      return q.path == "/bin/sh" || q.path == "/usr/bin/sh";
    });
    if (shell && !shell_is_program && !helpers.contains("/bin/sh")) {
      const auto real = canonical_in_root(options.sysroot == "/" ? "" : options.sysroot, "/bin/sh");
      // A trace that saw the shell run (as /usr/bin/sh, say) brought it already.
      const bool traced = real && std::any_of(helpers.begin(), helpers.end(), [&](const auto& h) {
        std::error_code ec;
        return std::filesystem::equivalent(h.second.file, in_root(options.sysroot, *real), ec);
      });
      if (real && !traced) {
        libraries.erase("/bin/sh");  // a trace that saw it opened took it for a library: it is a program
        const std::string why = "helper of " + programs[p].name +
                                ": it runs /bin/sh (system(), popen() or a spawn of that path; " + *real + ")";
        helpers.emplace("/bin/sh", RuntimeFile{"/bin/sh", in_root(options.sysroot, *real), why, {}, true});
        notes.push_back(programs[p].name + ": /bin/sh (" + *real + "): " + why);
      }
    }
    for (const auto& [name, why] : wanted) {
      const auto path = find_library(name, programs[p].elf.ident, options.sysroot);
      if (!path) continue;  // a service built into libc (files, dns) or not installed
      const std::string file = in_root(options.sysroot, *path);
      if (libraries.emplace(*path, RuntimeFile{*path, file, "plugin of " + programs[p].name + ": " + why, {}, false}).second) {
        notes.push_back(programs[p].name + ": " + *path + ": " + why);
      }
    }
  }
}

}  // namespace elfpack
