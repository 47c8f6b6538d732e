// The served-path index: every absolute path a bundle serves from its root/ directory, in one
// sorted binary file (<private dir>/root.index) that the path shim (launchers/shim/index.c) maps
// into memory and searches, with no system call per lookup.
//
// Format, version 1 (this comment is its one description; the shim's reader follows it):
//   offset  size
//   0       8     magic "ELFPACKI"
//   8       4     version (1)
//   12      4     count: number of entries
//   16      4     strings_size: bytes of the string table
//   20      4     reserved (0)
//   24      12*count  entries, each { u32 offset; u32 length; u32 flags }: the path is
//                 strings[offset .. offset+length), followed by a NUL in the table
//   24+12*count     strings_size bytes: the string table
// All integers little-endian (x86_64, aarch64). Entries are sorted by path, bytewise (a shorter
// path before a longer one it begins), with no duplicates; paths are absolute, "/" excluded,
// with no "." or ".." components, no trailing '/', at most 4095 bytes.
// flags: bits 0-3 the kind (1 file, 2 directory, 3 symbolic link); bit 4 (kWhole) set on a path
// the bundle serves wholly: everything under it is the bundle's, existing or not (a directory
// that holds nothing but bundled files). A directory without kWhole exists in the bundle and may
// exist on the target too: a path under it is the bundle's only if it has an entry, and its
// listing is the union of both.
// A reader that finds anything out of bounds, unsorted or of another version serves nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace elfpack {

struct ServedPath {
  enum class Kind : std::uint8_t { kFile = 1, kDirectory = 2, kSymlink = 3 };
  std::string path;  // absolute, as the program names it
  Kind kind = Kind::kFile;
  bool whole = false;  // everything under it is the bundle's
  bool operator==(const ServedPath&) const = default;
};

inline constexpr char kServedIndexMagic[] = "ELFPACKI";
inline constexpr std::uint32_t kServedIndexVersion = 1;
inline constexpr std::uint32_t kServedWhole = 0x10;

// The index of `paths` (any order; a path given twice is one entry, whole if either is). Throws
// Error naming a path that is not absolute and normal.
std::string write_served_index(std::vector<ServedPath> paths);

// Absolute `path` without ".", ".." and empty components, as the shim looks it up ("/a/b/../c"
// -> "/a/c"): a bundle entry reached through ".." (a traced dlopen of "<dir>/bin/../lib/x.so")
// is served at the path the kernel finds it at.
std::string served_form(const std::string& path);

// The entries of an index, or nullopt when it is damaged (as the shim would refuse it).
std::optional<std::vector<ServedPath>> read_served_index(std::string_view bytes);

}  // namespace elfpack
