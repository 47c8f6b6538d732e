// Interruption: on SIGINT, SIGTERM or SIGHUP elfpack removes the temporaries it made, says so in
// one line, and ends by the same signal (status 128+n, as shells and CI runners expect), so the
// destination is as it was and nothing stray is left beside it.
//
// The signals are blocked in every thread and taken by one thread with sigwait, where the
// clean-up may do anything; programs elfpack starts get the mask they would have had.
#pragma once

#include <mutex>
#include <string>

#include <signal.h>

namespace elfpack {

// Once, before any other thread exists, by the commands that write (bundling, verify): inspect
// and --help need no clean-up, and save the thread's start.
void install_interrupt_handler();

// The signal mask a child process should start with (the one before install_interrupt_handler).
const sigset_t& child_signal_mask();

// A temporary file or directory, removed by the clean-up while registered; destroying the guard
// (or release()) unregisters it — the owner removes or renames it.
class TemporaryGuard {
 public:
  TemporaryGuard() = default;
  explicit TemporaryGuard(const std::string& path);
  ~TemporaryGuard();
  TemporaryGuard(const TemporaryGuard&) = delete;
  TemporaryGuard& operator=(const TemporaryGuard&) = delete;
  void reset(const std::string& path);
  void release();

 private:
  std::string path_;
};

// Held while creating a path inside a registered temporary: the clean-up waits for it, and once
// the clean-up has begun, nothing more is created (the holder waits until the process ends).
// Recursive: a holder may register a temporary meanwhile.
std::unique_lock<std::recursive_mutex> hold_temporaries();

}  // namespace elfpack
