// The sources of runtime files that collect.cpp calls in turn, one file each. Internal to
// src/runtime.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "elfpack/runtime/runtime_files.h"
#include "elfpack/runtime/trace_log.h"

namespace elfpack {

// Whether `file` starts with the ELF magic.
bool is_elf(const std::string& file);

// --add SRC[=DEST] (added.cpp). Throws Error for a source that does not exist.
void add_explicit(const std::string& spec, std::map<std::string, RuntimeFile>& kept, std::set<std::string>& prefixes,
                  std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& helpers,
                  std::vector<std::string>& notes);

// A trace log's text ("-": standard input) (traced.cpp).
std::string read_log(const std::string& name);

// What a trace names that belongs in the bundle (traced.cpp).
void add_traced(const std::string& label, const std::vector<TracedPath>& traced_paths, const std::string& cwd,
                const CollectOptions& options, const std::set<std::string>& program_paths,
                std::map<std::string, RuntimeFile>& kept, std::map<std::string, RuntimeFile>& libraries,
                std::map<std::string, RuntimeFile>& helpers, std::vector<std::string>& notes);

// Each script of its #! chain, served at its path, and the programs a shell script runs, bundled
// as helpers (script_files.cpp). `program_paths`: the programs' paths, which need no helper.
void add_scripts(const std::vector<Script>& scripts, const std::string& sysroot,
                 const std::set<std::string>& program_paths, std::map<std::string, RuntimeFile>& kept,
                 std::map<std::string, RuntimeFile>& helpers, std::vector<std::string>& notes);

// NSS modules, libgcc_s and gconv converters that glibc loads by itself (implicit_loads.cpp).
void add_implicit_loads(const std::vector<Program>& programs, const CollectOptions& options,
                        std::map<std::string, RuntimeFile>& libraries, std::map<std::string, RuntimeFile>& kept,
                        RuntimeFiles& result);

}  // namespace elfpack
