// load_programs (src/resolve/programs.cpp): where a program named on the command line is found,
// with --sysroot and without (README's table): a relative path is this machine's file, a bare
// name is looked up on the root's PATH, an absolute path or =/path is inside the root; a missing
// one is reported with every place looked in.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "elfpack/bundle.h"
#include "elfpack/base/error.h"

namespace elfpack {
namespace {

namespace fs = std::filesystem;

class ProgramsInRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("elfpack-programs-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    root_ = dir_ / "root";
    here_ = dir_ / "here";
    fs::create_directories(root_ / "usr/bin");
    fs::create_directories(here_ / "build");
    fs::copy_file("/bin/true", root_ / "usr/bin/demo");
    fs::copy_file("/bin/true", here_ / "app");
    fs::copy_file("/bin/true", here_ / "build/app");
    fs::copy_file("/bin/true", here_ / "demo");  // a program of this machine with the root's program's name
    old_cwd_ = fs::current_path();
    fs::current_path(here_);
  }
  void TearDown() override {
    fs::current_path(old_cwd_);
    fs::remove_all(dir_);
  }
  // The message of the error loading `name` in the root throws.
  std::string error_of(const std::string& name) const {
    try {
      load_programs({name}, root_.string());
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  fs::path dir_, root_, here_, old_cwd_;
};

TEST_F(ProgramsInRoot, ARelativePathIsThisMachinesFile) {
  for (const std::string name : {"./app", "build/app", "build/../app"}) {
    const auto programs = load_programs({name}, root_.string());
    ASSERT_EQ(programs.size(), 1u);
    const std::string expected = (here_ / fs::path(name).lexically_normal()).string();
    EXPECT_EQ(programs[0].path, expected) << name;
    EXPECT_EQ(programs[0].file, expected) << name;
    EXPECT_EQ(programs[0].name, "app");
  }
}

TEST_F(ProgramsInRoot, ABareNameIsLookedUpOnTheRootsPath) {
  const auto programs = load_programs({"demo"}, root_.string());
  ASSERT_EQ(programs.size(), 1u);
  EXPECT_EQ(programs[0].path, "/usr/bin/demo");
  EXPECT_EQ(programs[0].file, (root_ / "usr/bin/demo").string());
}

TEST_F(ProgramsInRoot, AnAbsolutePathAndAnEqualsPathAreInsideTheRoot) {
  for (const std::string name : {"/usr/bin/demo", "=/usr/bin/demo"}) {
    const auto programs = load_programs({name}, root_.string());
    ASSERT_EQ(programs.size(), 1u);
    EXPECT_EQ(programs[0].path, "/usr/bin/demo") << name;
    EXPECT_EQ(programs[0].file, (root_ / "usr/bin/demo").string()) << name;
  }
}

TEST(Programs, WithoutASysrootAnEqualsPathIsThisMachinesRoot) {
  const auto programs = load_programs({"=/bin/true"});
  ASSERT_EQ(programs.size(), 1u);
  EXPECT_EQ(programs[0].path, "/bin/true");
  EXPECT_EQ(programs[0].file, "/bin/true");
}

TEST_F(ProgramsInRoot, AMissingProgramIsReportedWithEveryPlaceLookedIn) {
  const std::string root = root_.string(), here = here_.string();
  EXPECT_EQ(error_of("./nope"), "./nope: not on this machine: " + here + "/nope: No such file or directory; with --sysroot a "
                                "relative path names a file of this machine, and the root has none either (" + root + "/nope)");
  EXPECT_EQ(error_of("usr/bin/demo"), "usr/bin/demo: not on this machine: " + here + "/usr/bin/demo: No such file or "
                                      "directory; with --sysroot a relative path names a file of this machine; the "
                                      "root's is =/usr/bin/demo");
  EXPECT_EQ(error_of("/nope"), "/nope: not in the root: " + root + "/nope: No such file or directory; nor on this machine (/nope)");
  EXPECT_EQ(error_of("/bin/true"), "/bin/true: not in the root: " + root + "/bin/true: No such file or directory; this "
                                   "machine's /bin/true is named by a path relative to the current directory");
  EXPECT_EQ(error_of(root + "/usr/bin/demo"), root + "/usr/bin/demo: not in the root: " + root + root + "/usr/bin/demo: No "
                                              "such file or directory; with --sysroot an absolute path is inside the root: /usr/bin/demo");
  EXPECT_EQ(error_of("=/nope"), "=/nope: not in the root: " + root + "/nope: No such file or directory");
  EXPECT_EQ(error_of("app"), "app: not found on the root's PATH, in " + root +
                             " (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin); this machine's ./app is named ./app");
}

}  // namespace
}  // namespace elfpack
