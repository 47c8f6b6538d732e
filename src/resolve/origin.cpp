// found_by_origin_run_path: see include/elfpack/resolve/origin.h.
#include "elfpack/resolve/origin.h"

#include <string>

namespace elfpack {

bool found_by_origin_run_path(const Closure& closure, std::size_t object) {
  const LoadedObject& o = closure.objects[object];
  if (o.found_by != FoundBy::kRpath && o.found_by != FoundBy::kRunpath) return false;
  for (auto at = o.loader; at; at = closure.objects[*at].loader) {
    const ElfFacts& loader = closure.objects[*at].elf;
    if (loader.runpath.value_or(loader.rpath.value_or("")).find("ORIGIN") != std::string::npos) return true;
  }
  return false;
}

}  // namespace elfpack
