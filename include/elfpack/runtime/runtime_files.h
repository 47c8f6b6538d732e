// Step (3), collect: the files a program reads at run time that no DT_NEEDED names — its data
// (rig's /usr/share/rig/*.idx), its configuration defaults. They go into the bundle at the
// absolute paths the program uses, and the path shim (launchers/shim/) sends the program there.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "elfpack/bundle.h"
#include "elfpack/runtime/trace_log.h"

namespace elfpack {

struct RuntimeFile {
  std::string path;  // where the program looks for it (absolute, as on the target)
  std::string file;  // where elfpack reads it on this machine
  // Why it came, starting with its kind: "package P", "helper (package P)", "helper of X",
  // "plugin (package P)", "plugin of X", "environment", "trace", "--add SPEC".
  std::string why;
  std::string package = std::string();  // the package it came from, when it came from one
  // A helper or plugin found among packages' files: when its closure is not complete on this
  // machine it is left out with a warning, not an error.
  bool optional = false;
  // A symbolic link rather than a file: its target, relative to the link's directory and
  // inside the bundle (the bundle's copy); `file` is then unused.
  std::string link = std::string();
  // Bytes the bundle holds instead of `file`'s (a locale taken out of the locale archive).
  std::optional<std::string> contents = std::nullopt;
  // Whether the shim serves it at `path`; false for what only a variable of
  // RuntimeFiles::environment leads to (locale data, read by glibc's internal opens).
  bool by_path = true;
};

// A package whose files come with the programs, and why it was chosen.
struct PackageUse {
  std::string name;
  std::string why;  // "owns /usr/lib/x86_64-linux-gnu/libmagic.so.1 of the closure"
  // Chosen only through the closures' libraries (not a program's own package, its source's, or
  // --add-package): its files go first when the bundle is over Lambda's size limit.
  bool through_library = false;
  std::string listed = std::string();  // its name for the package manager (dpkg: NAME or NAME:ARCH)
};

struct RuntimeFiles {
  std::vector<RuntimeFile> files;     // sorted by path
  // Shared libraries loaded at run time (dlopen), found by tracing: bundled with their closures,
  // by name in the bundle's lib/ and at their absolute path for a dlopen by path.
  std::vector<RuntimeFile> libraries;
  // Programs it executes by absolute path (ELF programs of the packages, /bin/sh for system(),
  // seen by tracing, or --add): bundled with closures and a launcher at their path, where the
  // shim sends the exec.
  std::vector<RuntimeFile> helpers;
  std::vector<PackageUse> packages;  // the packages whose files came, in the order chosen
  // The package of each file of the closures and of the runtime files (by the file on this
  // machine), for the bundle's size per package.
  std::map<std::string, std::string> package_of;
  // Symbolic links among the packages' files that lead to a bundled file (file's
  // /usr/share/misc/magic.mgc -> ../../lib/file/magic.mgc), and the names a traced program used
  // through a directory's link for a file brought by its own name (/lib/<multiarch>/x ->
  // /usr/lib/<multiarch>/x): path -> target, as the link says.
  std::map<std::string, std::string> links;
  std::vector<std::string> served_whole;  // --add directories: served whole whatever they hold
  // The absolute paths the shim serves from the bundle: whole directories that hold nothing but
  // bundled files (e.g. /usr/share/rig), else the files themselves, so that nothing of the host
  // is hidden.
  std::vector<std::string> prefixes;
  std::vector<std::string> notes;     // what was added or left out, and why (for -v)
  // Variables the shim sets (when unset) to a directory the bundle carries, e.g. GCONV_PATH to
  // the C library's gconv modules: name -> absolute path as the program sees it.
  std::map<std::string, std::string> environment;
};

struct CollectOptions {
  bool detect = true;        // ask the package manager (--no-detect: off)
  bool include_docs = false; // --include-docs: documentation, manual pages and translations too
  std::string sysroot = "/";
  // --add SRC[=DEST]: a file or directory of this machine, served at DEST (absolute; default:
  // SRC's absolute path). A directory is served whole.
  std::vector<std::string> add;
  std::vector<std::string> add_packages;      // --add-package P: P's files as if the rule chose it
  std::vector<std::string> exclude_packages;  // --exclude-package P: none of P's files, nor walked through
  std::vector<std::string> trace_logs;  // --trace-log FILE ("-": standard input)
  std::vector<TracedPath> traced;       // what --trace recorded
  std::string traced_cwd;               // the directory --trace ran in: files under it are left out
  const std::vector<Closure>* closures = nullptr;  // what the programs load already (not runtime files)
  // The closures of the helpers an earlier collect found (objects[0] the helper): the packages
  // of their libraries are chosen as the programs' libraries' are.
  const std::vector<Closure>* helper_closures = nullptr;
  // Scripts among the programs given: each is served at its path, with its package's data; the
  // programs a shell script runs come as helpers.
  const std::vector<Script>* scripts = nullptr;
};

// The runtime files of every program: the files of the packages the package rule chooses
// (package_rule.h) but documentation, manual pages and translations — data, and ELF programs
// and shared objects the closures do not load as helpers and plugins; what glibc loads or runs
// by itself; what traces and --add name. Throws Error for an --add, --add-package or
// --exclude-package that does not exist.
RuntimeFiles collect_runtime_files(const std::vector<Program>& programs, const CollectOptions& options);

// Adds to `files.package_of` the package of each file of `closures` it lacks (the closures of
// helpers and plugins, resolved after collect), from the first package manager that reads its
// database whole (dpkg).
void attribute_packages(const std::vector<const Closure*>& closures, RuntimeFiles& files, const std::string& sysroot);

// Sets `files.prefixes` from its files, libraries, helpers and served_whole: each file's highest
// directory (in `sysroot`) that holds nothing but bundled files, or the file itself. Called again
// when helpers or plugins were left out.
void set_prefixes(RuntimeFiles& files, const std::string& sysroot);

// (3c) What the libraries of every ELF object the bundle runs assume of the machine
// (environment.cpp): the locale for Lambda's LANG, time-zone data, the CA store of a TLS library,
// fontconfig's configuration and fonts. Decided once over all of `closures` (the programs', the
// plugins' and the helpers', resolved in step 3b), since a TLS library or fontconfig is often
// loaded by a plugin or a helper only (Python's _ssl module, git's git-remote-https). Adds the
// files to `runtime`, LOCPATH and TZDIR to its environment, the font directories to what is
// served whole, and sets its prefixes again. Nothing with --no-detect.
void add_environment(const std::vector<const Closure*>& closures, const CollectOptions& options, RuntimeFiles& runtime);

// Leaves out of `runtime` the next kind of what its programs' libraries assume (environment.cpp),
// in this order: fonts, time zones, the locale, the CA store, with the variable and the prefixes
// that led to it. For a bundle over Lambda's size limit: the programs still run without it (C's
// locale, UTC, no fonts, no trusted CA). Returns what it left out ("fonts, 2.9 MiB"), or nothing
// when there is nothing left to leave out.
std::optional<std::string> drop_environment_kind(RuntimeFiles& runtime);

// Leaves out of `runtime` the package chosen only through the closures' libraries whose files
// weigh most (its data, helpers and plugins, and their entries in `extra`, whose element i is
// runtime's library or helper i), and the links that led to them (packages.cpp). For a bundle
// over Lambda's size limit: a library's data and plugins serve some of its uses, the program
// runs without them. Returns what it left out ("package libmfx1 (...), 11.1 MiB"), or nothing
// when no such package has files left.
std::optional<std::string> drop_library_package(RuntimeFiles& runtime, RuntimeObjects& extra, const std::string& sysroot);

// Whether `path` (absolute) is documentation, a manual page, a translation or package metadata
// that a program does not read at run time.
bool is_documentation(const std::string& path);

}  // namespace elfpack
