// What a dynamic linker of the target needs to know to find libraries: its default directories,
// the values of its tokens, its hardware-capability subdirectories, its cache, and the file-system
// root it lives in. The resolver reads nothing from the environment or the real `/` except
// through this.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "elfpack/elf/elf_file.h"

namespace elfpack {

// Whose rules: glibc's ld.so (elf/dl-load.c) or musl's (ldso/dynlink.c).
enum class LoaderFamily { kGlibc, kMusl };

struct LoaderProfile {
  LoaderFamily family = LoaderFamily::kGlibc;
  std::string root = "/";                // file-system root the target sees as `/`
  ElfIdent want;                         // class, byte order and machine of acceptable objects
  std::vector<std::string> default_dirs; // built into ld.so, searched last (musl: its system path)
  std::string lib_token;                 // value of $LIB
  std::string platform_token;            // value of $PLATFORM
  // Subdirectories tried in every search directory before the directory itself, best first:
  // the active glibc-hwcaps levels ("glibc-hwcaps/x86-64-v3"), then glibc <= 2.36's legacy
  // ones ("tls/haswell/x86_64", ..., "tls"). Also the hwcaps levels usable from the cache.
  std::vector<std::string> hwcaps_levels;   // "x86-64-v3", best first
  std::vector<std::string> legacy_subdirs;  // "tls/haswell/x86_64", best first
  std::optional<std::string> library_path;  // LD_LIBRARY_PATH / --library-path, unsplit
  std::string cache_path;                // ld.so.cache inside root; empty: no cache
  std::optional<int32_t> cache_flags;    // flags a usable cache entry carries
  std::string source;                    // where these values come from, for messages
};

// How closures are resolved, as the user chose on the command line.
struct ResolveOptions {
  std::string sysroot = "/";                // --sysroot: the target's root
  std::optional<std::string> library_path;  // --library-path, or $LD_LIBRARY_PATH with --use-env
  // true: the hardware-capability subdirectories this machine's CPU activates (what the loader
  // would do here; for inspect). false: none, so a bundle holds the variants any CPU of the
  // architecture can run.
  bool host_cpu = true;
  bool run_linker = true;  // ask the target's linker (ld.so --list-diagnostics) when it can run
  // A resolution that did not need the linker's answer lets it finish and keeps it for the next
  // (bundling: several resolutions and the closed world need it), rather than stopping it (inspect).
  bool keep_linker_answer = false;
  // Read each object's imported symbols with its other facts (bundling: the look for libraries
  // glibc loads implicitly needs them), so that no file is parsed twice.
  bool imports = false;
};

// The profile of the dynamic linker `interpreter` (a path inside options.sysroot; empty for
// none) for objects like `program`: read from the linker itself with --list-diagnostics when it
// runs here (glibc >= 2.33, an architecture this machine executes), else from glibc_profile_for.
LoaderProfile loader_profile_for(const ElfIdent& program, const std::string& interpreter, const ResolveOptions& options);

// Whether this machine runs a linker for objects like `program` itself (elfpack's own
// architecture; i386 too on x86_64). Another architecture's linker would run only through an
// emulator registered with binfmt_misc, if at all, and answer for the emulated CPU: it is never
// run, its profile comes from the table (an aarch64 root on an x86_64 machine).
bool linker_runs_here(const ElfIdent& program);
// Whether loader_profile_for asks the linker: glibc's, run_linker set, and it runs here.
bool asks_linker(const ElfIdent& program, const std::string& interpreter, const ResolveOptions& options);

// musl's profile for the linker `interpreter` (e.g. /lib/ld-musl-x86_64.so.1): its system path
// from <prefix>/etc/ld-musl-<arch>.path (prefix: the linker's path minus two components), the
// built-in "/lib:/usr/local/lib:/usr/lib" when that file does not exist, none when it cannot be
// read.
LoaderProfile musl_profile_for(const ElfIdent& program, const std::string& interpreter, const std::string& root);
bool is_musl_linker(const std::string& interpreter);

// The table: Debian's multiarch layout when the root has it or the linker `interpreter` (a path
// inside the root, when known) searches it, the lib64 layout otherwise; no hardware-capability
// subdirectories. Not read from the host's environment.
LoaderProfile glibc_profile_for(const ElfIdent& program, const std::string& root = "/", const std::string& interpreter = "");

// What `ld.so --list-diagnostics` printed, as key -> value with quotes and escapes removed
// (e.g. "path.system_dirs[0x0]" -> "/lib/x86_64-linux-gnu/"). nullopt if it did not run or
// printed no glibc version.
std::optional<std::map<std::string, std::string>> run_list_diagnostics(const std::string& ld_so);
// Linkers are asked once a run: what one said (null if not asked yet), and recording an answer
// got another way (the resolver runs the linker beside its walk).
const std::optional<std::map<std::string, std::string>>* known_list_diagnostics(const std::string& ld_so);
void remember_list_diagnostics(const std::string& ld_so, const std::optional<std::map<std::string, std::string>>& values);
// The command that prints them, and the reading of what it printed (for a run started early).
std::vector<std::string> list_diagnostics_command(const std::string& ld_so);
std::optional<std::map<std::string, std::string>> list_diagnostics_from(const struct ProcessOutput& run);

// The glibc profile from the linker's diagnostics, or from the table when there are none, with
// the options applied.
LoaderProfile glibc_profile_from(const std::optional<std::map<std::string, std::string>>& diagnostics,
                                 const ElfIdent& program, const std::string& interpreter, const ResolveOptions& options);
std::map<std::string, std::string> parse_list_diagnostics(const std::string& text);

// The profile described by parsed diagnostics (for objects like `program`, in `root`).
LoaderProfile profile_from_diagnostics(const std::map<std::string, std::string>& diagnostics,
                                       const ElfIdent& program, const std::string& root);

// glibc <= 2.36's legacy hwcap subdirectories, best first, without the directory itself: every
// combination of the important hwcap names, the platform and "tls", as elf/dl-hwcaps.c makes them.
std::vector<std::string> legacy_hwcap_subdirs(const std::vector<std::string>& hwcap_names, const std::string& platform);

// The directories /etc/ld.so.conf (`conf`, inside `root`) names, includes followed, in order:
// what ldconfig would have put in the cache. Used only where the root has no cache.
std::vector<std::string> read_ld_so_conf(const std::string& root, const std::string& conf = "/etc/ld.so.conf");

// One line's worth of an ld.so.conf file's text: a directory, or one pattern of an "include"
// line (as written: relative ones count from the including file's directory).
struct LdSoConfEntry {
  bool include = false;
  std::string value;
  bool operator==(const LdSoConfEntry&) const = default;
};
// The entries of one ld.so.conf file's text, in order; no file is read (read_ld_so_conf follows
// the includes).
std::vector<LdSoConfEntry> parse_ld_so_conf(const std::string& text);

// The directories of the text of a musl path file (etc/ld-musl-<arch>.path), in order.
std::vector<std::string> parse_musl_path(const std::string& text);

// Where this machine finds the target's `path` (absolute, or relative to the root's `/`): for the
// root "/", the path itself; otherwise root + the path with every symlink resolved inside the
// root (absolute targets start again at the root, ".." stops at it), so nothing outside the root
// is ever reached.
std::string in_root(const std::string& root, const std::string& path);

// The path inside `root` (no trailing '/') with its symlinks resolved there; nullopt on a loop.
std::optional<std::string> canonical_in_root(const std::string& root, const std::string& path);

}  // namespace elfpack
