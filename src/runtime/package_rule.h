// The rule that picks the packages whose files come with a program by default, from what the
// package manager knows of the installed packages (dpkg's status database). Internal to
// src/runtime; collect.cpp takes the chosen packages' files.
//
//   seeds     the package of each program, and of every file of the closures (libraries and
//             libraries loaded at run time), but the C and C++ runtime's (glibc, gcc-N, musl):
//             their files are the closure, and what implicit_loads.cpp adds
//   family    installed packages built from the same source as a program's package that depend
//             on a package of that source already chosen (one step): an interpreter's standard
//             library (libpython3.11-stdlib, perl-modules-5.36), a tool's agents (gpg-agent)
//   walk      from every chosen package, its Depends and Pre-Depends (the first installed
//             alternative, a virtual package by its first installed provider): one that ships no
//             ELF object (data: libmagic-mgc, fonts, -common), and from a program's own packages
//             (its package, the family, and these) one built from the same source (cmake-data,
//             libperl5.36), recursively; never the base system (Essential, or
//             Priority required or important: debconf, dpkg, base-files...; but tzdata and
//             netbase, data programs read) nor ucf
//   tiers     a package chosen only through the closures' libraries (a seed of another source
//             than every program's package, and the data those depend on) is marked
//             through_library: the first to go for Lambda's size limit
//   plugins   installed packages of a chosen package's project (its source, or named after it)
//             that install a shared object into its plugin directory and depend on it
//             (plugin_packages.cpp: gstreamer1.0-plugins-good); through_library as their host
//   never     -dev, -doc, -dbg, -dbgsym, -tests, -testsuite, -examples and idle-* packages, and
//             what --exclude-package names
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "runtime/package_manager.h"

namespace elfpack {

struct ChosenPackage {
  std::string name;    // bare name, as Depends names it
  std::string listed;  // the name of its file list (NAME:ARCH for Multi-Arch: same)
  std::string why;     // "owns /usr/lib/x86_64-linux-gnu/libmagic.so.1 of the closure"
  // Chosen only through the closures' libraries: a package owning one of them (of another source
  // than every program's package), or data one of those depends on. Not a program's package, its
  // source's packages, what they depend on, or --add-package. What goes first, largest first,
  // when the bundle is over Lambda's size limit.
  bool through_library = false;
  bool owner = false;  // chosen because it owns a library of the closures (its siblings are plugins)
};

struct PackageRuleInput {
  const std::map<std::string, InstalledPackage>* installed = nullptr;
  // (package, program name) for each program a package installed; packages by their lists'
  // names (NAME or NAME:ARCH).
  std::vector<std::pair<std::string, std::string>> program_packages;
  // (package, path) for each closure file a package installed (by its list's name).
  std::vector<std::pair<std::string, std::string>> owner_packages;
  std::vector<std::string> add_packages;      // --add-package: chosen as seeds
  std::vector<std::string> exclude_packages;  // --exclude-package: never chosen, never walked through
  // Whether a package (by its list name) ships an ELF object; asked only of walk candidates.
  std::function<bool(const std::string& listed)> ships_elf;
};

struct PackageChoice {
  std::vector<ChosenPackage> chosen;  // in the order they were chosen
  std::vector<std::string> notes;     // what was left out, and why (for -v)
};

// Throws Error for an --add-package or --exclude-package that is not installed.
PackageChoice choose_packages(const PackageRuleInput& input);

// Plugin packages of the chosen ones (plugin_packages.cpp): installed packages that install a
// shared object into a directory where a chosen package installs one of its own (its plugin
// directory, not a library directory) and depend on that package, of its project (its source, or
// named after its source); none of `exclude`.
std::vector<ChosenPackage> plugin_packages(const PackageManager& dpkg, const std::vector<ChosenPackage>& chosen,
                                           const std::vector<std::string>& exclude);

// The C and C++ runtime: glibc's packages (libc6, libc-bin), gcc's (libstdc++6, libgcc-s1,
// gcc-12-base), musl. Their libraries are in every closure already; their other files are
// the toolchain's (gdb pretty printers) or glibc's own, which implicit_loads.cpp brings when a
// program uses them (gconv for iconv, NSS modules): nothing more of them comes by default.
bool is_c_runtime(const InstalledPackage& p);

// The base system every Debian has, which no program reads data of: Essential packages and
// those of Priority required or important (what debootstrap installs). tzdata (required) and
// netbase (important) are data programs read (TZ; /etc/services and /etc/protocols through NSS
// "files") and are walked into; ucf (standard) is configuration plumbing.
bool is_plumbing(const std::string& name, const InstalledPackage& p);

// A package never brought by default: a -dev, -doc, debug, test or example package, an IDE.
bool never_brought(const std::string& name);

}  // namespace elfpack
