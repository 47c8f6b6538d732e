// trace_command: the calls of a command and of what it starts are recorded until the command
// ends; what it leaves running is named and stopped, and its status is the command's.
#include "elfpack/runtime/tracer.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace elfpack {
namespace {

bool recorded(const TraceResult& r, const std::string& path) {
  return std::any_of(r.paths.begin(), r.paths.end(), [&](const TracedPath& p) { return p.path == path; });
}

TEST(Tracer, RecordsTheCommandAndItsChildren) {
  const TraceResult r = trace_command({"sh", "-c", "cat /etc/hostname > /dev/null; exit 4"});
  EXPECT_EQ(r.exit_status, 4);
  EXPECT_TRUE(recorded(r, "/etc/hostname"));
  EXPECT_TRUE(r.left_running.empty());
}

TEST(Tracer, EndsWhenTheCommandEndsAndStopsWhatItLeftRunning) {
  const TraceResult r = trace_command({"sh", "-c", "sleep 100000 & exit 3"});
  EXPECT_EQ(r.exit_status, 3);
  ASSERT_EQ(r.left_running.size(), 1u);
  // sleep, or the shell's child before it ran sleep: the command may end in between.
  EXPECT_TRUE(std::filesystem::path(r.left_running[0].executable).is_absolute()) << r.left_running[0].executable;
  EXPECT_GT(r.left_running[0].pid, 0);
}

TEST(Tracer, APathRunAfterALookIsRecordedAsRun) {
  const TraceResult r = trace_command({"sh", "-c", "[ -x /usr/bin/env ] && /usr/bin/env true"});
  const auto it = std::find_if(r.paths.begin(), r.paths.end(), [](const TracedPath& p) { return p.path == "/usr/bin/env"; });
  ASSERT_NE(it, r.paths.end());
  EXPECT_EQ(it->syscall, "execve");
}

// The command's output shares elfpack's standard error: when that is a file, a last line the
// command left open is ended, so that elfpack's next message starts a line.
TEST(Tracer, AnOutputLineTheCommandLeftOpenIsEnded) {
  const std::string log = ::testing::TempDir() + "elfpack-tracer-stderr.txt";
  for (const char* printed : {"no newline", "newline\n"}) {
    const int saved = ::dup(STDERR_FILENO);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
    const TraceResult r = trace_command({"printf", printed});
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    EXPECT_EQ(r.exit_status, 0);
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, std::string(printed).ends_with('\n') ? std::string(printed) : std::string(printed) + "\n");
  }
  std::filesystem::remove(log);
}

TEST(Tracer, ACommandThatCannotStartIs127) {
  const TraceResult r = trace_command({"elfpack-no-such-command"});
  EXPECT_EQ(r.exit_status, 127);
  EXPECT_TRUE(r.left_running.empty());
}

}  // namespace
}  // namespace elfpack
