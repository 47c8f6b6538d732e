// What a dynamic linker of the target needs to know to find libraries: its default directories,
// the values of its tokens, its cache, and the file-system root it lives in. The resolver reads
// nothing from the environment or the real `/` except through this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "elfpack/elf_file.h"

namespace elfpack {

struct LoaderProfile {
  std::string root = "/";                // file-system root the target sees as `/`
  ElfIdent want;                         // class, byte order and machine of acceptable objects
  std::vector<std::string> default_dirs; // built into ld.so, searched last
  std::string lib_token;                 // value of $LIB
  std::string platform_token;            // value of $PLATFORM
  std::vector<std::string> library_path; // LD_LIBRARY_PATH / --library-path (empty: none)
  std::string cache_path;                // ld.so.cache inside root; empty: no cache
  std::optional<int32_t> cache_flags;    // flags a usable cache entry carries
};

// The glibc profile of a Linux distribution for objects like `program`: Debian's multiarch
// layout when the root has it, the lib64 layout otherwise. Not read from the host's environment.
LoaderProfile glibc_profile_for(const ElfIdent& program, const std::string& root = "/");

// Joins the root and an absolute path inside it.
std::string in_root(const std::string& root, const std::string& path);

}  // namespace elfpack
