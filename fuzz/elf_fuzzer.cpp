// Fuzz target for the ELF reader: the input is a whole file, as read_elf would map it. Every
// reader that takes bytes sees it (parse_elf, read_imports, read_symbol_versions, and the
// loader's candidate check), since each walks the headers on its own.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "elfpack/elf/elf_file.h"
#include "elfpack/base/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::span<const unsigned char> bytes(data, size);
  const std::string name = "fuzz.elf";
  try {
    const elfpack::ElfFacts facts = elfpack::parse_elf(bytes, name);
    (void)facts.is_static_executable();
    // The candidate check reads the header with the identity the file itself claims (so it gets
    // past the class and machine checks) and with the other class (so it stops at them).
    (void)elfpack::check_candidate(bytes, facts.ident);
    elfpack::ElfIdent other = facts.ident;
    other.elf_class = other.elf_class == elfpack::kElfClass64 ? elfpack::kElfClass32 : elfpack::kElfClass64;
    (void)elfpack::check_candidate(bytes, other);
  } catch (const elfpack::Error&) {
  }
  try {
    (void)elfpack::read_imports(bytes, name);
  } catch (const elfpack::Error&) {
  }
  try {
    (void)elfpack::read_symbol_versions(bytes, name);
  } catch (const elfpack::Error&) {
  }
  (void)elfpack::has_elf_magic(bytes);
  return 0;
}
