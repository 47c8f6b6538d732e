#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "elfpack/bundle.h"
#include "elfpack/runtime/runtime_files.h"
#include "elfpack/base/error.h"
#include "elfpack/layout/served_paths.h"
#include "elfpack/write/output.h"

namespace elfpack {
namespace {

const std::string kFixtures = ELFPACK_FIXTURE_DIR;

BundlePlan plan_for(const std::vector<std::string>& paths) {
  const auto programs = load_programs(paths);
  Diagnostics diagnostics;
  std::vector<std::string> warnings;
  const auto closures = resolve_programs(programs, PackOptions().resolve, diagnostics, warnings, false);
  EXPECT_FALSE(diagnostics.has_errors());
  return plan_bundle(programs, closures, RuntimeFiles{});
}

const BundleEntry* entry(const BundlePlan& plan, const std::string& path) {
  for (const auto& e : plan.entries) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

TEST(BundlePlan, LaysOutLauncherLinkerLibrariesAndExecutable) {
  const BundlePlan plan = plan_for({kFixtures + "/chain/bin/chain_prog"});
  ASSERT_EQ(plan.id.size(), 16u);
  const std::string priv = "lib/elfpack/" + plan.id;
  const BundleEntry* launcher = entry(plan, "bin/chain_prog");
  ASSERT_NE(launcher, nullptr);
  EXPECT_EQ(launcher->kind, BundleEntry::Kind::kBytes);
  EXPECT_EQ(launcher->mode, 0755u);
  // The launcher's payload names the private directory once, then the files in it.
  const std::string payload = std::string("../") + priv + '\0' + "ld-linux-x86-64.so.2" + '\0' + "exe/chain_prog" + '\0' +
                              "lib" + '\0' + '\0' + "--inhibit-cache" + '\0';
  EXPECT_NE(launcher->bytes.find(payload), std::string::npos);
  for (const std::string name : {"libchain_a.so", "libchain_b.so", "libchain_c.so", "libc.so.6"}) {
    EXPECT_NE(entry(plan, priv + "/lib/" + name), nullptr) << name;
  }
  ASSERT_NE(entry(plan, priv + "/ld-linux-x86-64.so.2"), nullptr);
  EXPECT_EQ(entry(plan, priv + "/ld-linux-x86-64.so.2")->mode, 0755u);
  EXPECT_EQ(entry(plan, priv + "/exe/chain_prog")->source, kFixtures + "/chain/bin/chain_prog");
  // Parents come before children and every directory is listed.
  EXPECT_EQ(entry(plan, "lib/elfpack")->kind, BundleEntry::Kind::kDirectory);
  EXPECT_TRUE(std::is_sorted(plan.entries.begin(), plan.entries.end(),
                             [](const BundleEntry& a, const BundleEntry& b) { return a.path < b.path; }));
  // Nothing but elfpack/ directly in lib/.
  for (const auto& e : plan.entries) {
    if (e.path.starts_with("lib/")) {
      EXPECT_TRUE(e.path.starts_with("lib/elfpack")) << e.path;
    }
  }
}

TEST(BundlePlan, SecondNameOfALibraryIsARelativeLink) {
  const BundlePlan plan = plan_for({kFixtures + "/twonames/twonames_prog"});
  const std::string priv = "lib/elfpack/" + plan.id;
  const BundleEntry* alias = entry(plan, priv + "/lib/libfoo-alias.so");
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(alias->kind, BundleEntry::Kind::kSymlink);
  EXPECT_EQ(alias->bytes, "libfoo.so.1");
  EXPECT_EQ(entry(plan, priv + "/lib/libfoo.so.1")->kind, BundleEntry::Kind::kFile);
}

// Runtime files that are links or bytes (environment.cpp's CA links, a locale out of the archive)
// are laid out as such under root/.
TEST(BundlePlan, RuntimeLinksAndBytesKeepTheirKind) {
  const auto programs = load_programs({kFixtures + "/chain/bin/chain_prog"});
  Diagnostics diagnostics;
  std::vector<std::string> warnings;
  const auto closures = resolve_programs(programs, PackOptions().resolve, diagnostics, warnings, false);
  RuntimeFiles runtime;
  RuntimeFile link{"/etc/ssl/certs/abcd1234.0", "", "environment: CA store"};
  link.link = "Test_CA.pem";
  RuntimeFile bytes{"/usr/lib/locale/en_US.utf8/LC_CTYPE", "", "environment: locale"};
  bytes.contents = "ctype data";
  bytes.by_path = false;
  runtime.files = {link, bytes};
  runtime.prefixes = {"/etc/ssl/certs"};
  runtime.environment["LOCPATH"] = "/usr/lib/locale";
  const BundlePlan plan = plan_bundle(programs, closures, runtime);
  const std::string priv = "lib/elfpack/" + plan.id;
  const BundleEntry* l = entry(plan, priv + "/root/etc/ssl/certs/abcd1234.0");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->kind, BundleEntry::Kind::kSymlink);
  EXPECT_EQ(l->bytes, "Test_CA.pem");
  EXPECT_EQ(l->why, "environment: CA store");
  const BundleEntry* b = entry(plan, priv + "/root/usr/lib/locale/en_US.utf8/LC_CTYPE");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->kind, BundleEntry::Kind::kBytes);
  EXPECT_EQ(b->bytes, "ctype data");
  ASSERT_NE(entry(plan, priv + "/env.list"), nullptr);
  EXPECT_EQ(entry(plan, priv + "/env.list")->bytes, "LOCPATH=root/usr/lib/locale\n");
  const BundleEntry* index = entry(plan, priv + "/root.index");
  ASSERT_NE(index, nullptr);
  EXPECT_NE(index->bytes.find("certs"), std::string::npos);
}

TEST(BundlePlan, ContentIdFollowsContent) {
  const BundlePlan a = plan_for({kFixtures + "/chain/bin/chain_prog"});
  EXPECT_EQ(a.id, kPendingId);  // named when written, by the content it reads then
  const BundlePlan b = plan_for({kFixtures + "/chain/bin/chain_prog"});
  EXPECT_EQ(content_id(a), content_id(b));
  const BundlePlan c = plan_for({kFixtures + "/soname/soname_prog"});
  EXPECT_NE(content_id(a), content_id(c));
}

TEST(BundlePlan, SeveralProgramsShareLibraries) {
  const BundlePlan plan = plan_for({kFixtures + "/chain/bin/chain_prog", kFixtures + "/soname/soname_prog"});
  const std::string priv = "lib/elfpack/" + plan.id;
  EXPECT_NE(entry(plan, "bin/chain_prog"), nullptr);
  EXPECT_NE(entry(plan, "bin/soname_prog"), nullptr);
  std::size_t libc = 0;
  for (const auto& e : plan.entries) libc += e.path.ends_with("/libc.so.6");
  EXPECT_EQ(libc, 1u);
  EXPECT_NE(entry(plan, priv + "/lib/libnamed.so.1"), nullptr);
}

TEST(BundlePlan, StaticProgramIsCopiedAsIs) {
  const BundlePlan plan = plan_for({kFixtures + "/static_prog"});
  const BundleEntry* bin = entry(plan, "bin/static_prog");
  ASSERT_NE(bin, nullptr);
  EXPECT_EQ(bin->kind, BundleEntry::Kind::kFile);
  EXPECT_EQ(bin->source, kFixtures + "/static_prog");
  for (const auto& e : plan.entries) EXPECT_FALSE(e.path.starts_with("lib")) << e.path;
}

// root.index lists every path under root/: directories served whole (a prefix) or shared with the
// target (the parents of what the bundle adds), paths reached through ".." in their normal form.
TEST(BundlePlan, ServedIndexFlagsWholeAndSharedDirectories) {
  const auto programs = load_programs({kFixtures + "/chain/bin/chain_prog"});
  Diagnostics diagnostics;
  std::vector<std::string> warnings;
  const auto closures = resolve_programs(programs, PackOptions().resolve, diagnostics, warnings, false);
  const std::string data = kFixtures + "/chain/bin/chain_prog";  // any readable file
  RuntimeFiles runtime;
  runtime.files = {{"/usr/share/only/a", data, "test"}, {"/usr/share/x/b", data, "test"}, {"/usr/share/x/../y/c", data, "test"}};
  runtime.prefixes = {"/usr/share/only", "/usr/share/x/b", "/usr/share/y/c"};
  const BundlePlan plan = plan_bundle(programs, closures, runtime);
  const BundleEntry* index = entry(plan, "lib/elfpack/" + plan.id + "/root.index");
  ASSERT_NE(index, nullptr);
  const auto served = read_served_index(index->bytes);
  ASSERT_TRUE(served.has_value());
  using Kind = ServedPath::Kind;
  const std::vector<ServedPath> expected{{"/usr", Kind::kDirectory, false},
                                         {"/usr/share", Kind::kDirectory, false},
                                         {"/usr/share/only", Kind::kDirectory, true},
                                         {"/usr/share/only/a", Kind::kFile, true},
                                         {"/usr/share/x", Kind::kDirectory, false},
                                         {"/usr/share/x/b", Kind::kFile, true},
                                         {"/usr/share/y", Kind::kDirectory, false},
                                         {"/usr/share/y/c", Kind::kFile, true}};
  std::vector<ServedPath> under_usr;
  for (const auto& p : *served) {
    if (p.path.starts_with("/usr/")) under_usr.push_back(p);
    if (p.path == "/usr") under_usr.insert(under_usr.begin(), p);
  }
  EXPECT_EQ(under_usr, expected);
}

TEST(LoadPrograms, RejectsWhatIsNotAProgram) {
  const auto dir = std::filesystem::temp_directory_path() / "elfpack-load-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "script") << "#!/bin/sh\necho hi\n";
  std::ofstream(dir / "text") << "hello\n";
  EXPECT_THROW(load_programs({(dir / "script").string()}), Error);
  EXPECT_THROW(load_programs({(dir / "text").string()}), Error);
  EXPECT_THROW(load_programs({(dir / "absent").string()}), Error);
  EXPECT_THROW(load_programs({"/lib/x86_64-linux-gnu/libz.so.1"}), Error);
  try {
    load_programs({(dir / "text").string()});
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "text").string() + ": not an ELF file (bad magic: starts 68 65 6c 6c, not 7f 45 4c 46)");
  }
  std::filesystem::remove_all(dir);
}

TEST(ArchiveTimestamp, SourceDateEpoch) {
  ::unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_EQ(archive_timestamp(), 315532800);
  ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  EXPECT_EQ(archive_timestamp(), 1700000000);
  ::setenv("SOURCE_DATE_EPOCH", "12x", 1);
  EXPECT_THROW(archive_timestamp(), Error);
  ::unsetenv("SOURCE_DATE_EPOCH");
}

}  // namespace
}  // namespace elfpack
