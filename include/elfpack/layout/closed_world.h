// A closed world: a bundled program loads shared objects only from its bundle, whatever the host
// has. elfpack edits its copies (never the originals), keeping every string's length:
//  - the bundled glibc linker's built-in default directories and /etc/ld.so.preload become paths
//    that cannot exist, so a name the bundle lacks is not found on the host (start-up or dlopen);
//  - absolute DT_RPATH/DT_RUNPATH entries (they point at the build machine) become such paths too;
//    $ORIGIN entries, inside the bundle, stay.
// --allow-host-libs skips all of it.
#pragma once

#include <string>
#include <vector>

namespace elfpack {

// `bytes` of a glibc ld.so with its default directories (as --list-diagnostics names them, e.g.
// "/lib/x86_64-linux-gnu") and /etc/ld.so.preload made unreachable. Returns false, with `problem`
// set, when the directories are not found as the linker stores them.
bool close_linker(std::string& bytes, const std::vector<std::string>& default_dirs, std::string& problem);

// `bytes` of an ELF object whose run path `run_path` (DT_RPATH or DT_RUNPATH, as read) has
// absolute entries: those made unreachable in place. Returns how many entries were changed.
int close_run_path(std::string& bytes, const std::string& run_path);

}  // namespace elfpack
