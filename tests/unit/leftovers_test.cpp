// The expander's private directories beside a tree and the removal of dead ones
// (launchers/expand/leftovers.h): what is removed, what is left, and that nothing is reached
// through a link.
#include "leftovers.h"

#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;

class Leftovers : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "elfpack-leftovers-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    tree_ = dir_ / "elfpack-0123456789abcdef-x86_64";
  }
  void TearDown() override {
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir_, ec)) {
      if (e.is_directory(ec) && !e.is_symlink(ec)) fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(dir_, ec);
  }
  // A directory beside the tree as mkdtemp makes it (0700), named tree + suffix.
  fs::path beside(const std::string& suffix) {
    const fs::path p = tree_.string() + suffix;
    fs::create_directory(p);
    fs::permissions(p, fs::perms::owner_all, fs::perm_options::replace);
    return p;
  }
  fs::path dir_, tree_;
};

TEST_F(Leftovers, RemovesTheDeadOnesAndNothingThroughALink) {
  const fs::path dead = beside(".Ab12Cd"), run = beside(".run.Xy34Zw");
  fs::create_directories(dead / "lib/elfpack/x/lib");
  std::ofstream(dead / "lib/elfpack/x/lib/libpartial.so") << "partial";
  const fs::path outside = dir_ / "outside";
  fs::create_directory(outside);
  std::ofstream(outside / "keep") << "keep";
  fs::create_directory_symlink(outside, dead / "link");
  fs::permissions(dead / "lib/elfpack/x/lib", fs::perms::owner_read | fs::perms::owner_exec, fs::perm_options::replace);
  fs::create_directory(tree_);  // the tree itself is never a leftover
  remove_dead_leftovers(tree_.c_str(), nullptr, nullptr);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_FALSE(fs::exists(run));
  EXPECT_TRUE(fs::exists(outside / "keep"));
  EXPECT_TRUE(fs::exists(tree_));
}

TEST_F(Leftovers, LeavesThoseHeldOrNotTheirs) {
  const fs::path held = beside(".Ab12Cd"), open_mode = beside(".Ef34Gh"), other = beside(".toolongname");
  fs::permissions(open_mode, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, fs::perm_options::replace);
  const int fd = ::open(held.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);  // a live process's: another open file description
  remove_dead_leftovers(tree_.c_str(), nullptr, nullptr);
  EXPECT_TRUE(fs::exists(held));
  EXPECT_TRUE(fs::exists(open_mode));  // not as mkdtemp makes them
  EXPECT_TRUE(fs::exists(other));      // not a name the expander makes
  ::close(fd);
  remove_dead_leftovers(tree_.c_str(), nullptr, nullptr);
  EXPECT_FALSE(fs::exists(held));
}

TEST_F(Leftovers, KeepsOneCompleteDeadRunDirectoryToReuse) {
  const fs::path complete = beside(".run.Ab12Cd"), incomplete = beside(".run.Ef34Gh"), temporary = beside(".Ij56Kl");
  std::ofstream(complete / "done") << "";
  std::ofstream(temporary / "done") << "";  // not a run directory: never reused
  char kept[4096] = "";
  const int fd = remove_dead_leftovers(tree_.c_str(), "done", kept);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(std::string(kept), complete.string());
  EXPECT_TRUE(fs::exists(complete / "done"));
  EXPECT_FALSE(fs::exists(incomplete));
  EXPECT_FALSE(fs::exists(temporary));
  const int probe = ::open(complete.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  EXPECT_NE(::flock(probe, LOCK_EX | LOCK_NB), 0);  // still held, by `fd`
  ::close(probe);
  ::close(fd);
}

TEST_F(Leftovers, AMadeDirectoryIsLockedFromTheStart) {
  std::string pattern = tree_.string() + ".XXXXXX";
  const int fd = make_locked_directory(pattern.data(), 0);
  ASSERT_GE(fd, 0);
  EXPECT_NE(pattern, tree_.string() + ".XXXXXX");
  struct stat st {};
  ASSERT_EQ(::stat(pattern.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  remove_dead_leftovers(tree_.c_str(), nullptr, nullptr);
  EXPECT_TRUE(fs::exists(pattern));
  ::close(fd);
  remove_dead_leftovers(tree_.c_str(), nullptr, nullptr);
  EXPECT_FALSE(fs::exists(pattern));
}

}  // namespace
