#include "elfpack/runtime_files.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

#include "elfpack/error.h"

namespace elfpack {
namespace {

// No package detection; these --add specifications.
CollectOptions adding(std::vector<std::string> add) {
  CollectOptions options;
  options.detect = false;
  options.add = std::move(add);
  return options;
}

TEST(RuntimeFiles, DocumentationIsLeftOut) {
  EXPECT_TRUE(is_documentation("/usr/share/doc/rig/copyright"));
  EXPECT_TRUE(is_documentation("/usr/share/man/man6/rig.6.gz"));
  EXPECT_TRUE(is_documentation("/usr/share/locale/de/LC_MESSAGES/x.mo"));
  EXPECT_FALSE(is_documentation("/usr/share/rig/fnames.idx"));
  EXPECT_FALSE(is_documentation("/etc/rig.conf"));
}

TEST(RuntimeFiles, RigsPackageDataFromDpkg) {
  if (::access("/usr/bin/dpkg-query", X_OK) != 0 || ::access("/usr/bin/rig", X_OK) != 0) {
    GTEST_SKIP() << "needs dpkg and rig (./dev.sh installs rig)";
  }
  const auto programs = load_programs({"/usr/bin/rig"});
  const RuntimeFiles r = collect_runtime_files(programs, {});
  std::vector<std::string> paths;
  for (const auto& f : r.files) paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/usr/share/rig/fnames.idx", "/usr/share/rig/lnames.idx",
                                             "/usr/share/rig/locdata.idx", "/usr/share/rig/mnames.idx",
                                             "/usr/share/rig/street.idx"}));
  // The directory holds nothing else, so the shim serves it whole (listings included).
  EXPECT_EQ(r.prefixes, std::vector<std::string>{"/usr/share/rig"});
  EXPECT_EQ(r.files[0].why, "data of package rig");
  // --include-docs: the documentation too.
  CollectOptions docs;
  docs.include_docs = true;
  const RuntimeFiles with_docs = collect_runtime_files(programs, docs);
  EXPECT_TRUE(std::any_of(with_docs.files.begin(), with_docs.files.end(),
                          [](const RuntimeFile& f) { return f.path.starts_with("/usr/share/doc/rig/"); }));
  EXPECT_GT(with_docs.files.size(), r.files.size());
  // --no-detect: nothing.
  EXPECT_TRUE(collect_runtime_files(programs, adding({})).files.empty());
}

TEST(RuntimeFiles, AddTakesFilesDirectoriesProgramsAndLibraries) {
  const auto programs = load_programs({"/bin/true"});
  const RuntimeFiles r = collect_runtime_files(programs, adding({"/etc/hostname=/opt/conf/name", "/etc/ld.so.conf.d"}));
  ASSERT_FALSE(r.files.empty());
  EXPECT_EQ(r.files[0].path, "/etc/ld.so.conf.d/" + r.files[0].file.substr(r.files[0].file.rfind('/') + 1));
  EXPECT_EQ(r.prefixes, (std::vector<std::string>{"/etc/ld.so.conf.d", "/opt/conf/name"}));
  // An ELF program is a helper (closure and launcher), a library a run-time library.
  const RuntimeFiles elf = collect_runtime_files(programs, adding({"/bin/true", "/lib/x86_64-linux-gnu/libz.so.1"}));
  ASSERT_EQ(elf.helpers.size(), 1u);
  EXPECT_EQ(elf.helpers[0].path, "/bin/true");
  ASSERT_EQ(elf.libraries.size(), 1u);
  EXPECT_EQ(elf.libraries[0].path, "/lib/x86_64-linux-gnu/libz.so.1");
  EXPECT_TRUE(elf.files.empty());
  EXPECT_THROW(collect_runtime_files(programs, adding({"/nonexistent"})), Error);
  EXPECT_THROW(collect_runtime_files(programs, adding({"/etc/hostname=relative"})), Error);
}

}  // namespace
}  // namespace elfpack
