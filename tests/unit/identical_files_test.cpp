// mark_identical_files: which entries of a plan name a first copy of their bytes, and when a zip
// may make that a symbolic link; same_bytes; relative_link, the target such a link gets.
#include "elfpack/layout/identical_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "elfpack/write/output.h"

namespace elfpack {
namespace {

namespace fs = std::filesystem;

const std::string kPrivate = std::string(kPrivateRoot) + "/" + kPendingId + "/";

BundleEntry bytes(const std::string& path, const std::string& content, mode_t mode = 0644) {
  return {BundleEntry::Kind::kBytes, path, mode, {}, content, "test"};
}

const BundleEntry& at(const BundlePlan& plan, const std::string& path) {
  for (const auto& e : plan.entries) {
    if (e.path == path) return e;
  }
  throw std::runtime_error("no " + path);
}

BundlePlan marked(std::vector<BundleEntry> entries) {
  BundlePlan plan;
  plan.id = kPendingId;
  plan.entries = std::move(entries);
  std::sort(plan.entries.begin(), plan.entries.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  mark_identical_files(plan);
  return plan;
}

TEST(IdenticalFiles, TheFirstInPathOrderHoldsTheBytes) {
  const std::string big(20000, 'x');
  const BundlePlan plan = marked({bytes(kPrivate + "root/b/data", big), bytes(kPrivate + "root/a/data", big),
                                  bytes(kPrivate + "root/a/twin", big), bytes(kPrivate + "root/a/other", std::string(20000, 'y'))});
  EXPECT_EQ(at(plan, kPrivate + "root/a/data").same_as, "");
  EXPECT_EQ(at(plan, kPrivate + "root/a/other").same_as, "");
  EXPECT_EQ(at(plan, kPrivate + "root/a/twin").same_as, kPrivate + "root/a/data");
  EXPECT_EQ(at(plan, kPrivate + "root/b/data").same_as, kPrivate + "root/a/data");
  // A zip links only beside the first copy.
  EXPECT_TRUE(at(plan, kPrivate + "root/a/twin").same_as_symlink_ok);
  EXPECT_FALSE(at(plan, kPrivate + "root/b/data").same_as_symlink_ok);
}

TEST(IdenticalFiles, ModesEmptinessAndTheIdKeepCopiesApart) {
  const std::string big(20000, 'x');
  const std::string launcher = "runs " + std::string(kPrivateRoot) + "/" + kPendingId;
  const BundlePlan plan = marked({bytes(kPrivate + "root/a/one", big), bytes(kPrivate + "root/a/two", big, 0755),
                                  bytes("bin/outside", big), bytes(kPrivate + "empty", ""), bytes(kPrivate + "empty2", ""),
                                  bytes("bin/a", launcher, 0755), bytes("bin/b", launcher, 0755)});
  EXPECT_EQ(at(plan, kPrivate + "root/a/two").same_as, "");  // another mode: a hard link would share it
  EXPECT_EQ(at(plan, "bin/outside").same_as, "");            // across the private directory's boundary
  EXPECT_EQ(at(plan, kPrivate + "empty2").same_as, "");       // nothing to save
  EXPECT_EQ(at(plan, "bin/b").same_as, "");                   // bytes that name the id change with it
}

TEST(IdenticalFiles, SmallFilesAndObjectsAreNeverZipLinks) {
  const std::string elf = "\x7f" "ELF" + std::string(20000, 'e');
  const BundlePlan plan = marked({bytes(kPrivate + "root/a/lib.so", elf), bytes(kPrivate + "root/a/lib2.so", elf),
                                  bytes(kPrivate + "root/a/s1", "small"), bytes(kPrivate + "root/a/s2", "small"),
                                  bytes(kPrivate + "lib/x", std::string(20000, 'z')), bytes(kPrivate + "lib/y", std::string(20000, 'z'))});
  for (const char* copy : {"root/a/lib2.so", "root/a/s2", "lib/y"}) {
    EXPECT_NE(at(plan, kPrivate + copy).same_as, "") << copy;
    EXPECT_FALSE(at(plan, kPrivate + copy).same_as_symlink_ok) << copy;
  }
}

TEST(IdenticalFiles, FilesAreComparedByTheirBytes) {
  const fs::path dir = fs::temp_directory_path() / ("elfpack-identical-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string a = (dir / "a").string(), b = (dir / "b").string(), c = (dir / "c").string(), d = (dir / "d").string();
  std::ofstream(a) << std::string(30000, 'q');
  std::ofstream(b) << std::string(30000, 'q');
  std::ofstream(c) << std::string(29999, 'q') << 'r';  // the same size, other bytes
  fs::create_hard_link(a, d);
  auto file = [](const std::string& path, const std::string& source) {
    return BundleEntry{BundleEntry::Kind::kFile, path, 0644, source, {}, "test", 30000};
  };
  const BundlePlan plan = marked({file(kPrivate + "root/1", a), file(kPrivate + "root/2", b), file(kPrivate + "root/3", c),
                                  file(kPrivate + "root/4", d), bytes(kPrivate + "root/5", std::string(30000, 'q'))});
  EXPECT_EQ(at(plan, kPrivate + "root/2").same_as, kPrivate + "root/1");
  EXPECT_EQ(at(plan, kPrivate + "root/3").same_as, "");
  EXPECT_EQ(at(plan, kPrivate + "root/4").same_as, kPrivate + "root/1");
  EXPECT_EQ(at(plan, kPrivate + "root/5").same_as, kPrivate + "root/1");
  // Two files of this machine: one file, two copies, another content, another size.
  EXPECT_TRUE(same_bytes(a, d));
  EXPECT_TRUE(same_bytes(a, b));
  EXPECT_FALSE(same_bytes(a, c));
  std::ofstream(dir / "e") << "short";
  EXPECT_FALSE(same_bytes(a, (dir / "e").string()));
  fs::remove_all(dir);
}

TEST(IdenticalFiles, RelativeLinks) {
  EXPECT_EQ(relative_link("a/b/c/x", "a/b/c/y"), "y");
  EXPECT_EQ(relative_link("a/b/c/x", "a/b/d/y"), "../d/y");
  EXPECT_EQ(relative_link("a/x", "b/c/y"), "../b/c/y");
  EXPECT_EQ(relative_link("a/bc/x", "a/b/y"), "../b/y");
}

}  // namespace
}  // namespace elfpack
