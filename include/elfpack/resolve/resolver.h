// The shared-object closure of a program, found exactly as glibc's dynamic linker would find it
// (elf/dl-load.c _dl_map_object, elf/dl-deps.c _dl_map_object_deps), without running anything.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "elfpack/elf/elf_file.h"
#include "elfpack/resolve/loader_profile.h"

namespace elfpack {

class LdCache;

// Which rule of the search found an object.
enum class FoundBy { kProgram, kInterpreter, kPathName, kRpath, kLibraryPath, kRunpath, kCache, kLdSoConf, kDefaultDirs };
const char* to_string(FoundBy rule);

struct LoadedObject {
  std::string path;                // the path it was opened by, inside the target root (glibc's l_name)
  std::string file;                // where elfpack reads it on this machine
  std::vector<std::string> names;  // every DT_NEEDED string that resolved to it, first one first
  ElfFacts elf;
  std::optional<std::size_t> loader;  // the object whose DT_NEEDED first asked for it
  FoundBy found_by = FoundBy::kProgram;
  std::string found_in;  // the search list that had it: "RUNPATH of /x: $ORIGIN/../lib", "cache /etc/ld.so.cache"
  std::string shortname;  // musl: the basename a search found it by (its key for reuse)
  dev_t dev = 0;
  ino_t ino = 0;
};

struct MissingLibrary {
  std::string name;
  std::size_t needed_by;
  std::string reason;  // "not found", or the loader's complaint about a bad candidate
  std::string where;   // for a bad candidate, its path
  std::vector<std::string> searched;  // "RPATH of /x: /a:/b", "cache /etc/ld.so.cache", ...
};

struct Closure {
  LoaderFamily family = LoaderFamily::kGlibc;
  std::vector<LoadedObject> objects;  // [0] is the program; then in load order (breadth-first)
  std::optional<std::size_t> interpreter;
  std::vector<MissingLibrary> missing;

  // One line per missing library, naming it, who needed it and where it was looked for.
  std::vector<std::string> describe_missing() const;
};

// Resolves programs against one loader profile. Facts about files are kept by device and inode, so
// a library shared by several programs is read once.
class Resolver {
 public:
  // With a complete profile.
  explicit Resolver(LoaderProfile profile);
  // For objects like `program` run by `interpreter`: the profile of loader_profile_for. The
  // linker is asked (--list-diagnostics, a process) at once, and its answer waited for only when
  // a value that needs it is used: default directories, hwcaps subdirectories, $LIB and
  // $PLATFORM. So it runs beside the walk (on another core) instead of stopping it for ~1 ms,
  // and a closure that never needs it (most come from the cache) only starts and kills it
  // (~0.1 ms).
  Resolver(const ElfIdent& program, const std::string& interpreter, const ResolveOptions& options);
  ~Resolver();

  // `program` is a path on this machine (inside the profile's root when one is set). `run_by`:
  // the linker that runs it (`ld.so PROGRAM`, `ld.so --list libfoo.so`) instead of its PT_INTERP.
  // `file`: where to read `program` when it is not at that path (a library --add SRC=DEST brings
  // from SRC to DEST); its $ORIGIN is then the directory of that file, where its neighbours are.
  Closure resolve(const std::string& program, const std::string& run_by = "", const std::string& file = "");

  // The whole profile (asking the linker now if that was put off).
  const LoaderProfile& profile() const;

 private:
  friend class ClosureWalk;
  void load_cache();

  mutable LoaderProfile profile_;
  mutable bool pending_ = false;  // profile_ holds only the fields that need no linker yet
  mutable std::unique_ptr<class Process> diagnostics_;  // the linker's answer, while pending_
  ElfIdent program_;
  std::string interpreter_;
  ResolveOptions options_;
  std::unique_ptr<LdCache> cache_;
  std::vector<std::string> conf_dirs_;  // from ld.so.conf, where there is no cache
  std::map<std::pair<dev_t, ino_t>, ElfFacts> facts_;
  std::unordered_map<std::string, bool> directories_;  // directory -> exists
};

// The directories of a DT_RPATH / DT_RUNPATH / LD_LIBRARY_PATH string, as glibc's fillin_rpath
// makes them: split on `separators`, tokens expanded ($ORIGIN, $LIB, $PLATFORM and their ${}
// forms; unknown ones stay literal), an element whose token has no value dropped, an empty element
// meaning the current directory (""), trailing slashes removed, duplicates dropped.
struct TokenValues {
  std::optional<std::string> origin;
  std::string lib;
  std::string platform;
};
std::vector<std::string> split_search_path(const std::string& list, const char* separators, const TokenValues& tokens);

// Expands the dynamic string tokens of one string; nullopt if a known token has no value.
std::optional<std::string> expand_tokens(const std::string& input, const TokenValues& tokens);

}  // namespace elfpack
