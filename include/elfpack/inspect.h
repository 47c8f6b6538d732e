// `elfpack inspect`: what the dynamic linker would load for each program, and why. A safe `ldd`:
// nothing is executed. Text as a tree (each library under the object that first needed it) or a
// flat list in load order, or JSON (schema in docs/inspect-json.md).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "elfpack/resolve/loader_profile.h"

namespace elfpack {

struct InspectOptions {
  std::vector<std::string> programs;
  bool flat = false;
  bool json = false;
  ResolveOptions resolve;  // as the loader would do on this machine, hwcaps levels included
  std::string bundle;      // --bundle DIR: check an unpacked bundle instead
  // What would come beside the closures (the package rule's packages with their sizes, helpers,
  // plugins), as bundling would collect it; --no-detect: not shown.
  bool detect = true;
  std::vector<std::string> add_packages, exclude_packages;
};

struct InspectReport {
  std::string text;         // for stdout
  std::size_t missing = 0;  // libraries not found, over all programs
};

// Throws Error for a program that cannot be read; missing libraries are part of the report. Then
// (with `detect`) the packages whose files a bundle would bring, largest first, with their
// sizes and why, and the helpers and plugins among them.
InspectReport inspect(const InspectOptions& options);

// `elfpack inspect --bundle DIR`: every path outside an unpacked bundle that one of its ELF
// objects would still search — absolute run path entries, a bundled glibc linker's default
// directories and /etc/ld.so.preload — one line each (`missing` counts them).
InspectReport inspect_bundle(const std::string& dir);

}  // namespace elfpack
