#include "elfpack/process.h"

#include <gtest/gtest.h>

#include <chrono>

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

TEST(Process, OneNotWaitedForIsKilledNotWaitedFor) {
  const auto start = std::chrono::steady_clock::now();
  { Process sleeper({"/bin/sleep", "30"}); }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace elfpack
