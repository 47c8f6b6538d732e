// The sources of runtime files that collect.cpp calls in turn, one file each. Internal to
// src/runtime.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "elfpack/elf/elf_file.h"
#include "elfpack/runtime/runtime_files.h"
#include "elfpack/runtime/trace_log.h"

namespace elfpack {

class PackageManager;

// Whether `file` starts with the ELF magic.
bool is_elf(const std::string& file);

// What an ELF file is to the bundle (collect.cpp): a program (ET_EXEC, or with an interpreter and
// no SONAME: glibc's libc.so.6 has an interpreter too) runs as a helper, another shared object
// with a dynamic section loads as a library or plugin; relocatable objects and what cannot be
// read are neither. `facts`: set to its ELF facts when it could be read.
enum class ElfRole { kHelper, kPlugin, kNone };
ElfRole elf_role(const std::string& file, ElfFacts* facts = nullptr);

// `path` and its other names across the merged-/usr links (/bin/x and /usr/bin/x, /lib and
// /usr/lib) (collect.cpp).
std::vector<std::string> merged_usr_names(const std::string& path);
// Those of `path` and of the file it leads to in `sysroot` (collect.cpp).
std::vector<std::string> names_of(const std::string& path, const std::string& sysroot);

// The files of the packages the package rule chooses (packages.cpp).
void add_packaged(const std::vector<Program>& programs, const CollectOptions& options,
                  const std::vector<std::unique_ptr<PackageManager>>& managers, const std::set<std::string>& program_paths, std::map<std::string, RuntimeFile>& kept,
                  std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& helpers,
                  RuntimeFiles& result);

// --add SRC[=DEST] (added.cpp). Throws Error for a source that does not exist.
void add_explicit(const std::string& spec, std::map<std::string, RuntimeFile>& kept, std::set<std::string>& prefixes,
                  std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& helpers,
                  std::vector<std::string>& notes);

// A trace log's text ("-": standard input) (traced.cpp).
std::string read_log(const std::string& name);

// What a trace names that belongs in the bundle, each file by its name with its directory's links
// resolved (traced.cpp). `aliases`: the other names the program used for them, name -> file.
void add_traced(const std::string& label, const std::vector<TracedPath>& traced_paths, const std::string& cwd,
                const CollectOptions& options, const std::set<std::string>& program_paths,
                std::map<std::string, RuntimeFile>& kept, std::map<std::string, RuntimeFile>& libraries,
                std::map<std::string, RuntimeFile>& helpers, std::map<std::string, std::string>& aliases,
                std::vector<std::string>& notes);
// Each alias as a link in result.links to the file it names, when that file is still brought and
// nothing else is at the alias (traced.cpp).
void add_trace_aliases(const std::map<std::string, std::string>& aliases, const std::map<std::string, RuntimeFile>& kept,
                       const std::map<std::string, RuntimeFile>& libraries,
                       const std::map<std::string, RuntimeFile>& helpers, RuntimeFiles& result);

// Each script of its #! chain, served at its path, and the programs a shell script runs, bundled
// as helpers (script_files.cpp). `program_paths`: the programs' paths, which need no helper.
void add_scripts(const std::vector<Script>& scripts, const std::string& sysroot,
                 const std::set<std::string>& program_paths, std::map<std::string, RuntimeFile>& kept,
                 std::map<std::string, RuntimeFile>& helpers, std::vector<std::string>& notes);

// The files of each script's own tree: the npm package it is part of and the packages that one
// depends on, or the Python virtual environment it or its interpreter is in (script_trees.cpp).
// `program_paths`: the programs' paths, served already.
void add_script_trees(const std::vector<Script>& scripts, const std::string& sysroot,
                      const std::set<std::string>& program_paths, std::map<std::string, RuntimeFile>& kept, std::map<std::string, RuntimeFile>& libraries,
                      std::map<std::string, RuntimeFile>& helpers, std::vector<std::string>& notes);

// NSS modules, libgcc_s and gconv converters that glibc loads by itself, and /bin/sh that its
// system() and popen() run (implicit_loads.cpp).
void add_implicit_loads(const std::vector<Program>& programs, const CollectOptions& options,
                        std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& kept,
                        std::map<std::string, RuntimeFile>& helpers, RuntimeFiles& result);

// Files the brought packages' maintainer scripts or triggers made in directories of their own,
// which dpkg's lists do not name (generated_files.cpp; the rule is in its header comment).
void add_generated(const CollectOptions& options, const std::vector<std::unique_ptr<PackageManager>>& managers,
                   std::map<std::string, RuntimeFile>& kept, RuntimeFiles& result);

// Directories of the file-system hierarchy every package shares by design (/etc, /usr/bin, the
// multiarch library directories): never one package's own (generated_files.cpp).
bool shared_by_design(const std::string& dir);

// Makes each link of `kept` relative and inside the bundle when its target is brought too, else
// a copy of the file it leads to; leaves out links that lead to nothing brought and no file
// (environment.cpp).
void settle_links(std::map<std::string, RuntimeFile>& kept, const std::string& sysroot, std::vector<std::string>& notes);

}  // namespace elfpack
