// From programs to a bundle: the options, the plan (every file of the bundle and where it comes
// from) and the steps that make it. Layout of a bundle (all paths relative to its root):
//
//   bin/<program>                  launcher (or the program itself when it is static)
//   lib/elfpack/<id>/<interp>       the bundled dynamic linker, from PT_INTERP
//   lib/elfpack/<id>/lib/<name>     the shared-object closure, by the names the loader asks for
//   lib/elfpack/<id>/exe/<program>  the real executables
//
// <id> is a content id: two bundles of different files never share the directory, so they can be
// unpacked into one /opt, and nothing is put straight into lib/, which AWS Lambda puts on every
// process's LD_LIBRARY_PATH.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "elfpack/base/error.h"
#include "elfpack/resolve/resolver.h"

namespace elfpack {

struct PackOptions {
  std::vector<std::string> programs;  // paths or names looked up in PATH
  std::string output;                 // *.zip, *.tar[.gz|.xz|.zst], a directory (ends in '/' or exists), or -
  std::string format;                 // --format: overrides the name
  int level = -1;                     // --level: the compressor's level (-1: its default)
  unsigned jobs = 0;                  // --jobs: threads that compress (0: one per CPU)
  bool lambda = false;                // --lambda: check Lambda's layer rules (implied by .zip)
  std::string lambda_function;        // --lambda-function 'PROGRAM ARGS': a function with a bootstrap
  bool json_response = false;         // --json-response: the function posts its output as a JSON string
  bool compress = false;              // --compress: the files in one payload, expanded into /tmp at first run
  int compress_level = -1;            // --compress-level: the payload's zstd level (-1: write/payload.h's default)
  bool never_compress = false;        // --no-compress: not even a layer past 250 MiB (it loses what
                                      // the libraries assume of the machine, then is refused)
  bool allow_missing = false;         // missing libraries are warnings, not errors
  bool force = false;                 // replace a non-empty output directory
  bool allow_host_libs = false;       // let the bundled linker fall back to the host's libraries
  bool detect = true;                 // bring the files of the packages the rule chooses (--no-detect: off)
  std::vector<std::string> add_packages;      // --add-package P
  std::vector<std::string> exclude_packages;  // --exclude-package P
  bool include_docs = false;          // and their documentation, manual pages and translations
  std::vector<std::string> add;       // --add SRC[=DEST]
  std::vector<std::string> trace_logs;  // --trace-log FILE
  std::vector<std::string> trace_command;  // --trace -- COMMAND ARGS...
  ResolveOptions resolve{.sysroot = "/", .library_path = {}, .host_cpu = false};  // bundles run on any CPU
  // Told the bytes written so far and the total after each entry (a progress bar); may be empty.
  std::function<void(std::uintmax_t done, std::uintmax_t total)> progress;
};

// A program given on the command line, found and read.
struct Program {
  std::string name;  // the name it gets in bin/: the basename of what the user typed
  std::string path;  // where it was found, as the target sees it (inside the sysroot; a program
                     // of this machine named by a relative path: its absolute path here)
  std::string file;  // where elfpack reads it on this machine
  ElfFacts elf;
};

// A program given as a script (it starts with #!). Its interpreter, the ELF program at the end of
// its #! chain, is one of the bundle's programs (load_programs adds it); bin/<name> runs that
// interpreter on the script, which the bundle serves at its own path, with the arguments Linux
// (and env) would have given it.
struct Script {
  struct File {
    std::string path;  // absolute, as the target sees it
    std::string file;  // where elfpack reads it on this machine
    std::string line;  // its #! line, after the "#!"
  };
  std::string name;         // the name it gets in bin/
  std::string interpreter;  // the path of the ELF program that runs it (a Program's path)
  // The interpreter's argv before the user's arguments: argv[0] as the #! line names the
  // interpreter (through env: the name env was given), its argument (env -S: arguments), the
  // script's path; for a script whose interpreter is a script, that one's in front, as Linux
  // builds it.
  std::vector<std::string> arguments;
  std::vector<File> chain;        // the script, then each script between it and the ELF interpreter
  // Files a shell script sources (. FILE) by absolute path, and those they source (no #! line)
  std::vector<File> sourced;
  std::vector<std::string> runs;  // ELF programs a shell script runs by absolute path (target paths)
  // ELF programs a shell script runs by name (dirname, sed), where the root's PATH finds them
  std::vector<std::string> runs_by_name;
  const File& self() const { return chain.front(); }
};

// The bundle's private directory, lib/elfpack/<id>.
inline constexpr const char* kPrivateRoot = "lib/elfpack";
// The id of a plan before its files are read: plan_bundle names the private directory
// kPendingId, and writers that can (see Coding::patches_id) put the real id in its place
// once write_bundle knows it. The same length as an id, so that every offset stays.
inline constexpr const char* kPendingId = "elfpack-pending!";

struct BundleEntry {
  enum class Kind { kDirectory, kFile, kBytes, kSymlink };
  Kind kind = Kind::kFile;
  std::string path;    // relative to the bundle root, no leading or trailing '/'
  mode_t mode = 0644;  // permission bits only, normalised
  std::string source;  // kFile: the file to copy
  std::string bytes;   // kBytes: the content; kSymlink: the (relative) target
  // Why it is in the bundle, for people (-v, --json), starting with its reason: "closure",
  // "package P", "helper of X", "helper (package P)", "plugin of X", "plugin (package P)",
  // "environment", "trace", "--add", "launcher", ...; empty for directories.
  std::string why;
  std::uint64_t size = 0;  // kFile: the source's size when planned (write_bundle checks it)
  std::string package = std::string();  // the package its source belongs to, when known (sizes per package)
  // kFile, kBytes: the path of the first entry (in path order) with the same bytes and mode, which
  // holds them (layout/identical_files.h); empty for the first and for a file like no other. A
  // writer stores this one as a link to it where its format can (BundleWriter::Coding::links).
  std::string same_as = std::string();
  bool same_as_symlink_ok = false;  // and a symbolic link would do (a zip has no hard links)
  // kBytes, kFile: its bytes are compressed already (a payload): an archive stores them as they
  // are, as it does content with a compressed format's signature (write/compressed_content.h).
  bool compressed = false;
};

// A compressed bundle (--compress): bin/'s launchers and everything under lib/elfpack/ are in one
// payload, lib/elfpack/<id>/payload, that a program's first run expands into /tmp.
struct CompressedPayload {
  std::uint64_t payload_bytes = 0;   // the payload file
  std::uint64_t expanded_bytes = 0;  // the files it holds
  std::uint64_t tmp_bytes = 0;       // what the expanded tree takes in /tmp (4 KiB blocks)
  std::vector<std::string> trees;    // where it expands: /tmp/elfpack-<digest>-<arch>, per architecture
  std::vector<BundleEntry> entries;  // what it holds, by their paths in the tree
  std::string default_program;       // --format exe: the program it runs by default (the first named)
};

// A Lambda layer (a .zip, or --lambda) as lambda/ checked it and pack wrote it: what the summary
// line and `--json` report.
struct LambdaFacts {
  std::uintmax_t unzipped = 0;           // bytes of every file of the layer (what Lambda counts)
  std::string architecture;              // Lambda's name: x86_64 or arm64 ("" if mixed/unknown)
  std::optional<std::string> glibc;      // the glibc the bundle brings (e.g. "2.36"), if any
  std::optional<std::uintmax_t> zipped;  // once written: the zip's bytes (none for a directory or -)
  bool direct_upload = true;             // the zip is within a direct upload's 50 MB (else: through S3)
};

struct BundlePlan {
  std::string id;                    // content id of the private directory (kPendingId until written)
  std::vector<BundleEntry> entries;  // sorted by path, directories included
  std::vector<std::string> warnings;
  std::uintmax_t stored_once_bytes = 0;  // once written: the bytes not written again, identical files being links
  std::optional<CompressedPayload> compressed;  // a --compress bundle's payload
  std::optional<LambdaFacts> lambda;            // a layer's figures, once written
};

// (1) Finds each program (a path, or a name looked up in $PATH) and reads it. Throws Error.
// A script is followed to its interpreter, which joins the programs, and described in `scripts`;
// without `scripts`, a script is an error.
std::vector<Program> load_programs(const std::vector<std::string>& names, const std::string& sysroot = "/",
                                   std::vector<Script>* scripts = nullptr);

// (2) Resolves every program's closure. Missing libraries are collected in `diagnostics`.
std::vector<Closure> resolve_programs(const std::vector<Program>& programs, const ResolveOptions& options,
                                      Diagnostics& diagnostics, std::vector<std::string>& warnings, bool allow_missing);

// What a program loads or runs at run time that has a closure of its own.
struct RuntimeObjects {
  std::vector<Closure> libraries;        // each library loaded with dlopen (objects[0]) and its closure
  std::vector<Program> helpers;          // programs it executes, by their paths on the target
  std::vector<Closure> helper_closures;  // one per helper (empty for a static one)
};

// (3b) The closure of each library a program loads at run time (objects[0] is the library),
// resolved as the first program of its class and machine would load it, and of each helper.
// Libraries no program could load, and optional ones (plugins and helpers found among
// packages' files) whose closure is not complete, are taken out of `runtime` with a warning
// naming them; other missing libraries are errors (warnings with `allow_missing`). Element i of
// the result's lists is element i of `runtime`'s libraries and helpers.
struct RuntimeFiles;
RuntimeObjects resolve_runtime_objects(const std::vector<Program>& programs, RuntimeFiles& runtime,
                                       const ResolveOptions& options, Diagnostics& diagnostics,
                                       std::vector<std::string>& warnings, bool allow_missing);

// A closed world (see closed_world.h): for each bundled glibc linker (by its path on the target),
// its built-in default directories.
struct ClosedWorld {
  std::map<std::string, std::vector<std::string>> linker_dirs;
};

// (4) Maps every file to its place in the bundle, names the private directory by its content and
// configures the launchers. Throws Error on two different files wanting one place.
// `closed`: null with --allow-host-libs. `scripts`: each gets bin/<name>, a launcher that runs its
// interpreter (one of `programs`) on it; the script itself is among the runtime files.
BundlePlan plan_bundle(const std::vector<Program>& programs, const std::vector<Closure>& closures,
                       const RuntimeFiles& runtime, const RuntimeObjects& extra = {},
                       const ClosedWorld* closed = nullptr, const std::vector<Script>& scripts = {});

// The whole job: load, resolve, plan, write. Returns the plan it wrote. Throws Error.
BundlePlan pack(const PackOptions& options);

}  // namespace elfpack
