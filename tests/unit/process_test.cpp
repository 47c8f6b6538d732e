#include "elfpack/base/process.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

namespace elfpack {
namespace {

TEST(Process, RunsToTheEndAndKeepsItsOutput) {
  Process process({"/bin/sh", "-c", "echo started; exit 3"});
  const ProcessOutput& first = process.wait();
  EXPECT_EQ(first.out, "started\n");
  EXPECT_EQ(first.exit_status, 3);
  EXPECT_EQ(&process.wait(), &first);  // the same answer again, not a second wait
  EXPECT_EQ(run_process({"/bin/sh", "-c", "echo $0 >&2; echo out", "err"}, {}, true).out, "err\nout\n");
  EXPECT_EQ(run_process({"/nonexistent/tool"}).exit_status, -1);
}

// The pid of a child of this process named `name`, from /proc (0 if there is none yet).
int child_named(const std::string& name) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string pid, comm, state, ppid;
    if (stat >> pid >> comm >> state >> ppid && comm == "(" + name + ")" && std::stoi(ppid) == ::getpid()) {
      return std::stoi(pid);
    }
  }
  return 0;
}

TEST(Process, OneNotWaitedForIsKilledAndReaped) {
  // A command that never ends: destroying the Process must kill and reap it (waiting instead
  // would never return), leaving no such process, running or zombie.
  int pid = 0;
  {
    Process sleeper({"/bin/sleep", "infinity"});
    for (int i = 0; i < 1000 && pid == 0; ++i) {
      pid = child_named("sleep");
      if (pid == 0) ::usleep(1000);
    }
  }
  ASSERT_NE(pid, 0) << "the sleep never started";
  EXPECT_NE(::kill(pid, 0), 0);
  EXPECT_EQ(errno, ESRCH);
}

}  // namespace
}  // namespace elfpack
