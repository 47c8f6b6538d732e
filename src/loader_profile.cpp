#include "elfpack/loader_profile.h"

#include <sys/stat.h>

#include "elfpack/ld_cache.h"

namespace elfpack {

namespace {

struct ArchNames {
  const char* multiarch;  // Debian's triplet
  const char* platform;   // AT_PLATFORM the kernel reports
  bool lib64;             // lib64 layout on non-multiarch distributions
};

std::optional<ArchNames> arch_names(const ElfIdent& id) {
  if (id.machine == kEmX86_64 && id.elf_class == kElfClass64) return ArchNames{"x86_64-linux-gnu", "x86_64", true};
  if (id.machine == kEmX86_64 && id.elf_class == kElfClass32) return ArchNames{"x86_64-linux-gnux32", "x86_64", false};
  if (id.machine == kEm386) return ArchNames{"i386-linux-gnu", "i686", false};
  if (id.machine == kEmAarch64) return ArchNames{"aarch64-linux-gnu", "aarch64", true};
  return std::nullopt;
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::string in_root(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/") return path;
  if (root.back() == '/') return root + path.substr(path.starts_with('/') ? 1 : 0);
  return path.starts_with('/') ? root + path : root + "/" + path;
}

// glibc's defaults are compiled into ld.so (elf/dl-load.c system_dirs); Debian patches in the
// multiarch directories before the plain ones and sets $LIB to the multiarch directory.
LoaderProfile glibc_profile_for(const ElfIdent& program, const std::string& root) {
  LoaderProfile profile;
  profile.root = root;
  profile.want = program;
  profile.cache_path = "/etc/ld.so.cache";
  profile.cache_flags = ld_cache_flags_for(program.machine, program.elf_class);
  const auto names = arch_names(program);
  const std::string multiarch = names ? names->multiarch : "";
  if (names && is_directory(in_root(root, "/usr/lib/" + multiarch))) {
    profile.default_dirs = {"/lib/" + multiarch, "/usr/lib/" + multiarch, "/lib", "/usr/lib"};
    profile.lib_token = "lib/" + multiarch;
  } else if (names && names->lib64) {
    profile.default_dirs = {"/lib64", "/usr/lib64"};
    profile.lib_token = "lib64";
  } else {
    profile.default_dirs = {"/lib", "/usr/lib"};
    profile.lib_token = "lib";
  }
  profile.platform_token = names ? names->platform : "";
  return profile;
}

}  // namespace elfpack
