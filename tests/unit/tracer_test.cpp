// trace_command: the calls of a command and of what it starts are recorded until the command
// ends; what it leaves running is named and stopped, and its status is the command's.
#include "elfpack/runtime/tracer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

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

TEST(Tracer, ACommandThatCannotStartIs127) {
  const TraceResult r = trace_command({"elfpack-no-such-command"});
  EXPECT_EQ(r.exit_status, 127);
  EXPECT_TRUE(r.left_running.empty());
}

}  // namespace
}  // namespace elfpack
