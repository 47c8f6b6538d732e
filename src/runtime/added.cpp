// --add SRC[=DEST]: files and directories of this machine the user names, served at DEST.
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

// An ELF file at `path`: a program (it has an interpreter, or is a static executable) or a library.
bool is_program(const std::string& file) {
  const ElfFacts elf = read_elf(file);
  return elf.interp.has_value() || elf.ident.type == kEtExec;
}


}  // namespace

// --add SRC[=DEST]: every regular file under SRC, at DEST.
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

}  // namespace elfpack
