// The launchers embedded in elfpack and their per-program configuration. The launcher itself
// (launchers/launcher.c) documents what it does at run time and the payload format written here.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace elfpack {

struct LauncherConfig {
  std::string base = ".";                  // relative to the launcher's directory: the paths below are relative to it
  std::string interp;                      // relative to base, or absolute
  std::string exe;                         // likewise
  std::vector<std::string> library_dirs;  // likewise; passed joined by ':' as --library-path
  bool pass_argv0 = false;                 // the linker understands --argv0 (glibc >= 2.33)
  bool argv0_in_environment = false;       // argv[0] for the shim to restore (musl's linker has no --argv0)
  bool inhibit_cache = true;               // pass --inhibit-cache
  std::string preload;                     // a library for --preload (the path shim); empty: none
  // A script's launcher (its own variant, payload v2) when not empty: the interpreter's argv[0]
  // (in place of the launcher's), then the arguments that come before the user's, as they are.
  std::vector<std::string> script_arguments;
};

// The ELF machines this build has launchers for (x86_64, and aarch64 when it was built with
// gcc-aarch64-linux-gnu).
std::vector<uint16_t> launcher_machines();

// The embedded, unconfigured launcher for an ELF e_machine (x86_64, aarch64). Throws Error, naming
// the architecture, for a machine elfpack has no launcher for or this build was made without.
// `argv0_in_environment`: the variant that hands argv[0] to the shim (for musl programs);
// `script`: the variant that runs a script's interpreter with the script's arguments.
std::span<const unsigned char> launcher_template(uint16_t e_machine, bool argv0_in_environment = false,
                                                 bool script = false);

// The path shim (launchers/shim/) for glibc (or musl) programs of an ELF machine; nullopt where
// elfpack has none.
std::optional<std::span<const unsigned char>> shim_template(uint16_t e_machine, bool musl = false);

// The Lambda bootstrap (launchers/bootstrap.c) for an ELF machine; Error (as launcher_template)
// where elfpack has none.
std::span<const unsigned char> bootstrap_template(uint16_t e_machine);

// A configured launcher: the template cut at the end of its one PT_LOAD segment, the payload
// appended, and the segment grown over it (so the kernel maps it at `elfpack_payload`).
std::string make_launcher(uint16_t e_machine, const LauncherConfig& config);

// The launcher of a compressed bundle (--compress), from a configured launcher of bin/ (its base
// "../<private dir>"): the same program, which runs from `tree` (the absolute directory the
// payload expands into; the private directory is then tree/<private dir>) after checking it, and
// runs `expander` (relative to the launcher's directory) when the tree is missing
// (launchers/launcher.c). Throws Error for bytes that are not such a launcher.
std::string compressed_launcher(const std::string& launcher, const std::string& tree, const std::string& expander);

// The expander of compressed bundles for an ELF machine (launchers/expand/expand.c); Error (as
// launcher_template) where this build has none.
std::span<const unsigned char> expander_template(uint16_t e_machine);

// The Lambda bootstrap as written into a bundle: the template without its section headers.
std::string make_bootstrap(uint16_t e_machine);

}  // namespace elfpack
