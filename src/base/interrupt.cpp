#include "elfpack/base/interrupt.h"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

namespace elfpack {

namespace {

std::recursive_mutex& registry_mutex() {
  static std::recursive_mutex m;
  return m;
}

std::vector<std::string>& registry() {
  static std::vector<std::string> paths;
  return paths;
}

// The mask elfpack started with (install_interrupt_handler keeps it; before that, the current one).
sigset_t& original_mask() {
  static sigset_t mask = [] {
    sigset_t current;
    ::pthread_sigmask(SIG_BLOCK, nullptr, &current);
    return current;
  }();
  return mask;
}

void write_line(const std::string& line) {
  for (std::size_t done = 0; done < line.size();) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void clean_up_and_die(int signal) {
  registry_mutex().lock();  // never unlocked: nothing is created in a temporary after this
  for (const auto& path : registry()) {
    std::error_code ignored;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      std::filesystem::remove_all(path, ignored);
    } else {
      ::unlink(path.c_str());
    }
  }
  const char* name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGHUP";
  write_line(std::string("elfpack: interrupted (") + name + "): nothing written\n");
  ::signal(signal, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signal);
  ::pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
  ::raise(signal);
  ::_exit(128 + signal);  // not reached unless the signal is ignored by default
}

}  // namespace

void install_interrupt_handler() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals, s);
  ::pthread_sigmask(SIG_BLOCK, &signals, &original_mask());
  std::thread([signals] {
    int signal = 0;
    while (::sigwait(&signals, &signal) != 0) {
    }
    clean_up_and_die(signal);
  }).detach();
}

const sigset_t& child_signal_mask() { return original_mask(); }

TemporaryGuard::TemporaryGuard(const std::string& path) { reset(path); }

TemporaryGuard::~TemporaryGuard() { release(); }

void TemporaryGuard::reset(const std::string& path) {
  release();
  std::lock_guard lock(registry_mutex());
  registry().push_back(path);
  path_ = path;
}

void TemporaryGuard::release() {
  if (path_.empty()) return;
  std::lock_guard lock(registry_mutex());
  auto& paths = registry();
  paths.erase(std::find(paths.begin(), paths.end(), path_));
  path_.clear();
}

std::unique_lock<std::recursive_mutex> hold_temporaries() { return std::unique_lock(registry_mutex()); }

}  // namespace elfpack
