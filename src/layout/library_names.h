// What dladdr says of a bundled library: the path it had on the build machine (the shim's
// dladdr.c answers with it). Internal to src/layout.
#pragma once

#include <map>
#include <string>

#include "elfpack/resolve/resolver.h"

namespace elfpack {

// The library's path on the build machine with its directory's merged-/usr link resolved, as the
// kernel resolves it there (/lib/x86_64-linux-gnu/libgstreamer-1.0.so.0, ld.so.cache's name, is
// /usr/lib/x86_64-linux-gnu/... on a merged-/usr system): the name its package gives the files
// beside it, under which the bundle's root/ has them.
std::string original_path(const LoadedObject& object);

// The bytes of libraries.list: "NAME<TAB>ORIGINAL\n" for each library in lib/ by NAME, as many as
// the shim's buffer holds (64 KiB).
std::string libraries_list(const std::map<std::string, std::string>& originals);

}  // namespace elfpack
