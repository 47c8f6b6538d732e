// Fuzz target for the ld.so.conf includes walk (read_ld_so_conf): the input, split at NUL bytes,
// becomes up to four files of a scratch root (etc/ld.so.conf, two files in etc/ld.so.conf.d and
// etc/other.conf), which also has a symlink back up (etc/ld.so.conf.d/up -> ..), so that include
// patterns can match the including file, each other, and the same file under other names.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "elfpack/resolve/loader_profile.h"

namespace {

const std::filesystem::path& scratch_root() {
  static const std::filesystem::path root = [] {
    std::string tmp = (std::filesystem::temp_directory_path() / "elfpack-fuzz-XXXXXX").string();
    if (::mkdtemp(tmp.data()) == nullptr) __builtin_trap();
    std::filesystem::create_directories(std::filesystem::path(tmp) / "etc/ld.so.conf.d");
    std::filesystem::create_directory_symlink("..", std::filesystem::path(tmp) / "etc/ld.so.conf.d/up");
    // One root per process; removed at exit (libFuzzer ends with exit() after -max_total_time).
    std::atexit([] { std::filesystem::remove_all(scratch_root()); });
    return std::filesystem::path(tmp);
  }();
  return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const char* const kFiles[] = {"etc/ld.so.conf", "etc/ld.so.conf.d/a.conf", "etc/ld.so.conf.d/b.conf",
                                       "etc/other.conf"};
  const std::filesystem::path& root = scratch_root();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  bool reached = true;  // the input has a part for this file (the first always)
  for (const char* name : kFiles) {
    if (!reached) {
      std::filesystem::remove(root / name);  // so a short input means fewer files
      continue;
    }
    const std::size_t nul = rest.find('\0');
    std::ofstream(root / name, std::ios::binary | std::ios::trunc) << rest.substr(0, nul);
    reached = nul != std::string_view::npos;
    rest = reached ? rest.substr(nul + 1) : std::string_view();
  }
  for (const auto& dir : elfpack::read_ld_so_conf(root.string())) {
    if (dir.empty()) __builtin_trap();
  }
  return 0;
}
