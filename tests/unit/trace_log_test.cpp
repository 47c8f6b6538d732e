#include "elfpack/runtime/trace_log.h"

#include <gtest/gtest.h>

#include "elfpack/base/error.h"

namespace elfpack {
namespace {

std::vector<std::string> paths_of(const std::string& log) {
  std::vector<std::string> paths;
  for (const auto& t : parse_strace_log(log, "test.log")) paths.push_back(t.syscall + " " + t.path);
  return paths;
}

TEST(StraceLog, SuccessfulPathCallsOnce) {
  const std::string log =
      "4242 execve(\"/usr/bin/rig\", [\"rig\"], 0x7ffc /* 3 vars */) = 0\n"
      "4242 access(\"/etc/ld.so.preload\", R_OK) = -1 ENOENT (No such file or directory)\n"
      "4242 openat(AT_FDCWD, \"/usr/share/rig/locdata.idx\", O_RDONLY) = 3\n"
      "4242 newfstatat(3, \"\", {st_mode=S_IFREG|0644, ...}, AT_EMPTY_PATH) = 0\n"
      "4242 openat(AT_FDCWD, \"/usr/share/rig/locdata.idx\", O_RDONLY) = 4\n"
      "4242 stat(\"/etc/a file\\twith \\\"quotes\\\" \\303\\251\", {...}) = 0\n"
      "4242 --- SIGCHLD {si_signo=SIGCHLD} ---\n"
      "4242 +++ exited with 0 +++\n";
  EXPECT_EQ(paths_of(log), (std::vector<std::string>{"execve /usr/bin/rig", "openat /usr/share/rig/locdata.idx",
                                                     "stat /etc/a file\twith \"quotes\" \xc3\xa9"}));
}

TEST(StraceLog, APathRunAfterItWasLookedAtIsRecordedAsRun) {
  // A shell's PATH search, git's check for a remote helper: stat or access, then the exec. The
  // path keeps its first place; what it is to the program is what the exec says.
  const std::string log =
      "7 stat(\"/usr/lib/git-core/git-upload-pack\", {...}) = 0\n"
      "7 openat(AT_FDCWD, \"/etc/gitconfig\", O_RDONLY) = 3\n"
      "7 execve(\"/usr/lib/git-core/git-upload-pack\", [\"git-upload-pack\"], 0x1 /* 2 vars */) = 0\n"
      "7 execve(\"/etc/gitconfig\", [\"x\"], 0x1 /* 2 vars */) = -1 EACCES (Permission denied)\n";
  EXPECT_EQ(paths_of(log), (std::vector<std::string>{"execve /usr/lib/git-core/git-upload-pack", "openat /etc/gitconfig"}));
}

TEST(StraceLog, SplitCallsOfSeveralProcessesAreJoined) {
  const std::string log =
      "[pid  101] openat(AT_FDCWD, \"/opt/a.so\", O_RDONLY|O_CLOEXEC <unfinished ...>\n"
      "[pid  102] openat(AT_FDCWD, \"/opt/b\", O_RDONLY <unfinished ...>\n"
      "[pid  102] <... openat resumed>) = -1 ENOENT (No such file or directory)\n"
      "[pid  101] <... openat resumed>) = 5\n"
      "12:00:00.123456 openat(AT_FDCWD, \"/opt/c\", O_RDONLY) = 6\n";
  EXPECT_EQ(paths_of(log), (std::vector<std::string>{"openat /opt/a.so", "openat /opt/c"}));
}

TEST(StraceLog, AnUnterminatedPathIsAnErrorNamingTheLine) {
  try {
    parse_strace_log("1 openat(AT_FDCWD, \"/x\n2 openat(AT_FDCWD, \"/y) = 3\n", "bad.log");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.log:2: an unterminated string"), std::string::npos) << e.what();
  }
}

TEST(StraceLog, HexEscapesTakeOnlyHexDigits) {
  // Found by fuzzing: "\x" before a non-digit threw std::invalid_argument, and "\x2" took the
  // closing quote as its second digit.
  const std::string log =
      "open(\"/a\\x2f\\x41\", O_RDONLY) = 3\n"
      "open(\"/b\\xzz\", O_RDONLY) = 3\n"
      "open(\"/c\\x2\", O_RDONLY) = 3\n";
  EXPECT_EQ(paths_of(log), (std::vector<std::string>{"open /a/A", "open /bxzz", "open /c\x02"}));
}

}  // namespace
}  // namespace elfpack
