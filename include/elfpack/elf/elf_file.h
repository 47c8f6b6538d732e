// All ELF knowledge of the hot path: a small bounds-checked reader of the file header, program
// headers and dynamic segment. It never trusts a field: every offset and size is checked before
// use (in subtraction form), and fields are read with memcpy (see src/elf/elf_file.cpp).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace elfpack {

// ELF constants used outside the reader (values from the ELF gABI).
inline constexpr uint8_t kElfClass32 = 1;
inline constexpr uint8_t kElfClass64 = 2;
inline constexpr uint16_t kEtExec = 2;
inline constexpr uint16_t kEtDyn = 3;
inline constexpr uint16_t kEm386 = 3;
inline constexpr uint16_t kEmX86_64 = 62;
inline constexpr uint16_t kEmAarch64 = 183;
inline constexpr uint64_t kDf1Nodeflib = 0x800;
inline constexpr uint64_t kDf1Pie = 0x08000000;

// The common name of an ELF e_machine ("x86_64", "aarch64", "RISC-V"), for messages; the
// number itself for one not in the table.
std::string machine_name(uint16_t e_machine);

// The identity of an ELF file: what a loader compares before it looks any further.
struct ElfIdent {
  uint8_t elf_class = 0;  // kElfClass32 / kElfClass64
  bool little_endian = true;
  uint8_t osabi = 0;
  uint16_t type = 0;
  uint16_t machine = 0;
};

// What the loader needs to know about an object.
struct ElfFacts {
  ElfIdent ident;
  std::optional<std::string> interp;  // PT_INTERP
  bool has_dynamic = false;           // PT_DYNAMIC present
  std::vector<std::string> needed;    // DT_NEEDED, in order
  std::optional<std::string> soname;  // DT_SONAME
  std::optional<std::string> rpath;   // DT_RPATH (raw string, not split)
  std::optional<std::string> runpath; // DT_RUNPATH (raw string, not split)
  uint64_t flags_1 = 0;               // DT_FLAGS_1
  // The undefined dynamic symbols, when asked for (read_elf's with_imports).
  std::optional<std::vector<std::string>> imports;

  // A program the kernel runs without an interpreter (static, or static-pie).
  bool is_static_executable() const { return !interp.has_value() && needed.empty(); }
};

// Parses `data` (the whole file). `name` is used in error messages. Throws Error.
ElfFacts parse_elf(std::span<const unsigned char> data, const std::string& name);

// The names of the undefined symbols of the dynamic symbol table (what the object imports), the
// table's size taken from DT_HASH or DT_GNU_HASH. Throws Error naming `name` for a bad file.
std::vector<std::string> read_imports(std::span<const unsigned char> data, const std::string& name);

// Symbol versioning: the versions an object needs (file, e.g. "libc.so.6", and version, e.g.
// "GLIBC_2.34", from DT_VERNEED) and those it defines (DT_VERDEF, its base name excluded).
struct SymbolVersions {
  std::vector<std::pair<std::string, std::string>> needed;
  std::vector<std::string> defined;
};
SymbolVersions read_symbol_versions(std::span<const unsigned char> data, const std::string& name);

// Parses a mapped file; a file cut short while it was read is reported as that. Throws Error.
ElfFacts parse_elf(const class MappedFile& file);
// Maps and parses the file at `path`. Throws Error naming the path.
ElfFacts read_elf(const std::string& path);
// The same for a file already open (the descriptor stays the caller's), read with pread: only the
// few windows the facts live in (the resolver reads hundreds of libraries this way).
ElfFacts read_elf(int fd, const struct stat& status, const std::string& path, bool with_imports = false);

// True if `data` starts with the ELF magic.
bool has_elf_magic(std::span<const unsigned char> data);

// glibc's open_verify (elf/dl-load.c): how a loader judges a candidate file found on a search
// path. A wrong class or machine is skipped and the search goes on; anything else that is wrong
// is a hard error that ends the search.
enum class CandidateVerdict { kUsable, kWrongClassOrMachine, kHardError };
struct CandidateCheck {
  CandidateVerdict verdict;
  std::string reason;  // for kHardError: what is wrong, as the loader would say
};
CandidateCheck check_candidate(std::span<const unsigned char> header, const ElfIdent& want);

}  // namespace elfpack
