// Whether the loader found a closure's object beside one of its loaders: by a run path (RPATH or
// RUNPATH) that a loader in its chain names with $ORIGIN. Takes a closure and an object's index;
// gives yes or no. The plan serves such a library at its own path as well (LibreOffice's
// program/), and the package rule then does not take it again as a plugin.
#pragma once

#include <cstddef>

#include "elfpack/resolve/resolver.h"

namespace elfpack {

bool found_by_origin_run_path(const Closure& closure, std::size_t object);

}  // namespace elfpack
