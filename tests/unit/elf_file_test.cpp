#include "elfpack/elf/elf_file.h"

#include <LIEF/ELF.hpp>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "elfpack/base/error.h"

namespace elfpack {
namespace {

const std::string kFixtures = ELFPACK_FIXTURE_DIR;

std::vector<unsigned char> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The hot-path reader must agree with LIEF's full parse on every field it reads.
void expect_same_as_lief(const std::string& path) {
  SCOPED_TRACE(path);
  const ElfFacts facts = read_elf(path);
  const std::unique_ptr<LIEF::ELF::Binary> lief = LIEF::ELF::Parser::parse(path);
  ASSERT_TRUE(lief);
  EXPECT_EQ(facts.interp.has_value(), lief->has_interpreter());
  if (facts.interp && lief->has_interpreter()) {
    EXPECT_EQ(*facts.interp, lief->interpreter());
  }
  std::vector<std::string> needed;
  std::optional<std::string> soname, rpath, runpath;
  for (const LIEF::ELF::DynamicEntry& e : lief->dynamic_entries()) {
    using LIEF::ELF::DYNAMIC_TAGS;
    if (e.tag() == DYNAMIC_TAGS::DT_NEEDED) needed.push_back(dynamic_cast<const LIEF::ELF::DynamicEntryLibrary&>(e).name());
    if (e.tag() == DYNAMIC_TAGS::DT_SONAME) soname = dynamic_cast<const LIEF::ELF::DynamicSharedObject&>(e).name();
    if (e.tag() == DYNAMIC_TAGS::DT_RPATH) rpath = dynamic_cast<const LIEF::ELF::DynamicEntryRpath&>(e).rpath();
    if (e.tag() == DYNAMIC_TAGS::DT_RUNPATH) runpath = dynamic_cast<const LIEF::ELF::DynamicEntryRunPath&>(e).runpath();
  }
  EXPECT_EQ(facts.needed, needed);
  EXPECT_EQ(facts.soname, soname);
  EXPECT_EQ(facts.rpath, rpath);
  EXPECT_EQ(facts.runpath, runpath);
  EXPECT_EQ(facts.ident.machine, static_cast<uint16_t>(lief->header().machine_type()));
  // The resolver's reader (pread of a few windows) must give the same facts as the mapped one.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  struct stat st;
  ASSERT_EQ(::fstat(fd, &st), 0);
  const ElfFacts read = read_elf(fd, st, path);
  ::close(fd);
  EXPECT_EQ(read.interp, facts.interp);
  EXPECT_EQ(read.needed, facts.needed);
  EXPECT_EQ(read.soname, facts.soname);
  EXPECT_EQ(read.rpath, facts.rpath);
  EXPECT_EQ(read.runpath, facts.runpath);
  EXPECT_EQ(read.flags_1, facts.flags_1);
  EXPECT_EQ(read.has_dynamic, facts.has_dynamic);
}

TEST(ElfFile, AgreesWithLiefOnFixturesAndSystemFiles) {
  for (const char* relative : {"chain/bin/chain_prog", "chain/lib/libchain_a.so", "inherit/rpath_prog",
                               "inherit/runpath_prog", "soname/lib/libnamed.so.1.2.3", "wrongclass/lib32/libwc.so",
                               "static_prog"}) {
    expect_same_as_lief(kFixtures + "/" + relative);
  }
  for (const char* system : {"/bin/ls", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"}) {
    expect_same_as_lief(system);
  }
}

TEST(ElfFile, ReadsTheFactsTheLoaderUses) {
  const ElfFacts facts = read_elf(kFixtures + "/chain/bin/chain_prog");
  EXPECT_EQ(facts.ident.elf_class, kElfClass64);
  EXPECT_EQ(facts.ident.machine, kEmX86_64);
  EXPECT_EQ(facts.interp, "/lib64/ld-linux-x86-64.so.2");
  EXPECT_EQ(facts.runpath, "$ORIGIN/../lib");
  EXPECT_FALSE(facts.rpath.has_value());
  EXPECT_EQ(facts.needed, (std::vector<std::string>{"libchain_a.so", "libc.so.6"}));
  const ElfFacts lib32 = read_elf(kFixtures + "/wrongclass/lib32/libwc.so");
  EXPECT_EQ(lib32.ident.elf_class, kElfClass32);
  EXPECT_EQ(lib32.ident.machine, kEm386);
}

TEST(ElfFile, AFileCutShortWhileReadWithPreadIsThatError) {
  const std::string path = std::filesystem::temp_directory_path() / ("elfpack-cut-" + std::to_string(::getpid()));
  std::filesystem::copy_file("/lib/x86_64-linux-gnu/libc.so.6", path, std::filesystem::copy_options::overwrite_existing);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  struct stat st;
  ASSERT_EQ(::fstat(fd, &st), 0);
  ASSERT_EQ(::truncate(path.c_str(), 4096), 0);  // the header stays, PT_DYNAMIC is gone
  try {
    read_elf(fd, st, path);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": changed while being read (now shorter than the " + std::to_string(st.st_size) + " bytes it had)");
  }
  ::close(fd);
  std::filesystem::remove(path);
}

// Cutting a real file at every length must give facts or an Error, never a crash or a read past
// the end (run under the sanitizer build to see the latter).
TEST(ElfFile, TruncationsAreErrorsNotCrashes) {
  const auto bytes = slurp(kFixtures + "/chain/lib/libchain_a.so");
  ASSERT_GT(bytes.size(), 1000u);
  std::size_t errors = 0;
  for (std::size_t n = 0; n < bytes.size(); n += (n < 4096 ? 1 : 97)) {
    std::vector<unsigned char> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
    try {
      parse_elf(cut, "cut.so");
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("cut.so"), std::string::npos) << e.what();
      ++errors;
    }
  }
  EXPECT_GT(errors, 0u);
}

TEST(ElfFile, CorruptFieldsNameTheField) {
  auto bytes = slurp(kFixtures + "/chain/lib/libchain_a.so");
  auto corrupt = [&](std::size_t off, std::vector<unsigned char> value) {
    auto copy = bytes;
    std::copy(value.begin(), value.end(), copy.begin() + static_cast<long>(off));
    try {
      parse_elf(copy, "bad.so");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(corrupt(0, {'X'}).find("not an ELF file"), std::string::npos);
  EXPECT_NE(corrupt(4, {9}).find("EI_CLASS 9"), std::string::npos);
  EXPECT_NE(corrupt(5, {7}).find("EI_DATA 7"), std::string::npos);
  EXPECT_NE(corrupt(32, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}).find("e_phoff"), std::string::npos);
  EXPECT_NE(corrupt(54, {57, 0}).find("e_phentsize 57"), std::string::npos);
  EXPECT_NE(corrupt(56, {0xff, 0xff}).find("e_phnum 65535"), std::string::npos);
}

TEST(ElfFile, CandidateChecksFollowGlibc) {
  const ElfIdent want{kElfClass64, true, 0, kEtDyn, kEmX86_64};
  const auto lib64 = slurp(kFixtures + "/wrongclass/lib64/libwc.so");
  const auto lib32 = slurp(kFixtures + "/wrongclass/lib32/libwc.so");
  EXPECT_EQ(check_candidate(lib64, want).verdict, CandidateVerdict::kUsable);
  EXPECT_EQ(check_candidate(lib32, want).verdict, CandidateVerdict::kWrongClassOrMachine);
  EXPECT_EQ(check_candidate({lib64.data(), 40}, want).reason, "file too short");
  auto other_machine = lib64;
  other_machine[18] = kEmAarch64;
  other_machine[19] = 0;
  EXPECT_EQ(check_candidate(other_machine, want).verdict, CandidateVerdict::kWrongClassOrMachine);
  auto bad_magic = lib64;
  bad_magic[1] = 'X';
  EXPECT_EQ(check_candidate(bad_magic, want).reason, "invalid ELF header");
  auto bad_osabi = lib64;
  bad_osabi[7] = 9;
  EXPECT_EQ(check_candidate(bad_osabi, want).reason, "ELF file OS ABI invalid");
  auto relocatable = lib64;
  relocatable[16] = 1;
  EXPECT_EQ(check_candidate(relocatable, want).reason, "only ET_DYN and ET_EXEC can be loaded");
}

}  // namespace
}  // namespace elfpack

namespace elfpack {
namespace {

// The imports (undefined dynamic symbols) agree with LIEF's, for GNU-hash and SysV-hash objects.
TEST(ElfImports, SameAsLief) {
  for (const std::string path : {"/usr/bin/rig", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libc.so.6",
                                 "/usr/lib32/libc.so.6"}) {
    if (!std::filesystem::exists(path)) continue;
    SCOPED_TRACE(path);
    const auto bytes = slurp(path);
    auto ours = read_imports(bytes, path);
    const std::unique_ptr<LIEF::ELF::Binary> lief = LIEF::ELF::Parser::parse(path);
    ASSERT_TRUE(lief);
    std::vector<std::string> theirs;
    for (const LIEF::ELF::Symbol& sym : lief->dynamic_symbols()) {
      if (sym.shndx() == 0 && !sym.name().empty()) theirs.push_back(sym.name());
    }
    std::sort(ours.begin(), ours.end());
    std::sort(theirs.begin(), theirs.end());
    EXPECT_EQ(ours, theirs);
    EXPECT_FALSE(ours.empty());
  }
}

}  // namespace
}  // namespace elfpack

namespace elfpack {
namespace {

// Symbol versions needed and defined agree with LIEF's.
TEST(ElfVersions, SameAsLief) {
  for (const std::string path : {"/usr/bin/rig", "/lib/x86_64-linux-gnu/libstdc++.so.6"}) {
    if (!std::filesystem::exists(path)) continue;
    SCOPED_TRACE(path);
    const auto bytes = slurp(path);
    const SymbolVersions ours = read_symbol_versions(bytes, path);
    const std::unique_ptr<LIEF::ELF::Binary> lief = LIEF::ELF::Parser::parse(path);
    ASSERT_TRUE(lief);
    std::vector<std::pair<std::string, std::string>> needed;
    for (const LIEF::ELF::SymbolVersionRequirement& r : lief->symbols_version_requirement()) {
      for (const LIEF::ELF::SymbolVersionAuxRequirement& a : r.auxiliary_symbols()) needed.emplace_back(r.name(), a.name());
    }
    auto sorted = [](auto v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    EXPECT_EQ(sorted(ours.needed), sorted(needed));
    EXPECT_FALSE(ours.needed.empty());
  }
  const auto libstdcxx = slurp("/lib/x86_64-linux-gnu/libstdc++.so.6");
  const auto defined = read_symbol_versions(libstdcxx, "libstdc++").defined;
  EXPECT_NE(std::find(defined.begin(), defined.end(), "GLIBCXX_3.4"), defined.end());
}

}  // namespace
}  // namespace elfpack
