// Step (3), collect: the files a program reads at run time that no DT_NEEDED names — its data
// (rig's /usr/share/rig/*.idx), its configuration defaults. They go into the bundle at the
// absolute paths the program uses, and the path shim (launchers/shim/) sends the program there.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "elfpack/bundle.h"
#include "elfpack/runtime/trace_log.h"

namespace elfpack {

struct RuntimeFile {
  std::string path;  // where the program looks for it (absolute, as on the target)
  std::string file;  // where elfpack reads it on this machine
  std::string why;   // "data of package rig"
};

struct RuntimeFiles {
  std::vector<RuntimeFile> files;     // sorted by path
  // Shared libraries loaded at run time (dlopen), found by tracing: bundled with their closures,
  // by name in the bundle's lib/ and at their absolute path for a dlopen by path.
  std::vector<RuntimeFile> libraries;
  // Programs it executes by absolute path (seen by tracing, or --add): bundled with closures and
  // a launcher at their path, where the shim sends the exec.
  std::vector<RuntimeFile> helpers;
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
  std::vector<std::string> trace_logs;  // --trace-log FILE ("-": standard input)
  std::vector<TracedPath> traced;       // what --trace recorded
  std::string traced_cwd;               // the directory --trace ran in: files under it are left out
  const std::vector<Closure>* closures = nullptr;  // what the programs load already (not runtime files)
  // Scripts among the programs given: each is served at its path, with its package's data; the
  // programs a shell script runs come as helpers.
  const std::vector<Script>* scripts = nullptr;
};

// The runtime files of every program: for each one a package owns (dpkg), that package's files
// except documentation, manual pages, translations and ELF objects; and what --add names.
// Throws Error for an --add that does not exist.
RuntimeFiles collect_runtime_files(const std::vector<Program>& programs, const CollectOptions& options);

// Whether `path` (absolute) is documentation, a manual page, a translation or package metadata
// that a program does not read at run time.
bool is_documentation(const std::string& path);

}  // namespace elfpack
