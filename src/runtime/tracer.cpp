// --trace: runs a command under ptrace (no strace needed) and records every successful file call
// of it and of every process it starts, as the strace-log reader would from a log, until the
// command itself ends; then stops what it left running (an agent it started, a job in the
// background), which would otherwise hold the trace open forever.
#include "elfpack/runtime/tracer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "elfpack/base/error.h"
#include "elfpack/base/interrupt.h"

namespace elfpack {

namespace {

#if defined(__x86_64__)
struct PathCall {
  const char* name;
  int path_arg;  // which argument holds the path
};

// x86_64 system calls that take a path (arch/x86/entry/syscalls/syscall_64.tbl).
const std::map<long, PathCall>& path_calls() {
  static const std::map<long, PathCall> calls = {
      {2, {"open", 0}},         {4, {"stat", 0}},          {6, {"lstat", 0}},        {21, {"access", 0}},
      {59, {"execve", 0}},      {85, {"creat", 0}},        {89, {"readlink", 0}},    {257, {"openat", 1}},
      {262, {"newfstatat", 1}}, {267, {"readlinkat", 1}},  {269, {"faccessat", 1}},  {322, {"execveat", 1}},
      {332, {"statx", 1}},      {437, {"openat2", 1}},     {439, {"faccessat2", 1}}};
  return calls;
}

unsigned long long argument(const user_regs_struct& regs, int index) {
  return index == 0 ? regs.rdi : regs.rsi;
}

// A NUL-terminated string of the tracee, read page by page (a string may end just before an
// unmapped page).
std::string read_string(pid_t pid, unsigned long long address) {
  std::string out;
  constexpr std::size_t kPage = 4096;
  while (out.size() < 65536) {
    char chunk[kPage];
    const std::size_t room = kPage - (address % kPage);
    iovec local{chunk, room};
    iovec remote{reinterpret_cast<void*>(address), room};
    const ssize_t got = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (got <= 0) break;
    const void* nul = std::memchr(chunk, 0, static_cast<std::size_t>(got));
    if (nul != nullptr) {
      out.append(chunk, static_cast<const char*>(nul) - chunk);
      return out;
    }
    out.append(chunk, static_cast<std::size_t>(got));
    address += static_cast<unsigned long long>(got);
  }
  return out;
}

// How long what the command left running has to end after SIGTERM before it gets SIGKILL.
constexpr std::chrono::milliseconds kGrace{2000};

// The thread group of a traced thread (Tgid in /proc/<tid>/status), or 0 when it is gone.
pid_t thread_group(pid_t tid) {
  std::ifstream status("/proc/" + std::to_string(tid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Tgid:", 0) == 0) return static_cast<pid_t>(std::strtol(line.c_str() + 5, nullptr, 10));
  }
  return 0;
}

// When the command has ended: each process still traced (not each thread) is named and sent
// SIGTERM. They stay traced, so that the signal reaches them through the loop and their end is
// seen; a process that has ended but not been reported yet has no thread group and is skipped.
template <typename Tracees>
std::vector<LeftRunning> stop_left_running(const Tracees& tracees, pid_t command) {
  std::set<pid_t> groups;
  for (const auto& [tid, ignored] : tracees) {
    const pid_t group = thread_group(tid);
    if (group != 0 && group != command) groups.insert(group);
  }
  std::vector<LeftRunning> left;
  for (const pid_t group : groups) {
    std::error_code error;
    auto exe = std::filesystem::read_symlink("/proc/" + std::to_string(group) + "/exe", error);
    left.push_back({group, error ? std::string("?") : exe.string()});
    ::kill(group, SIGTERM);
  }
  return left;
}

// The command wrote its output to our standard error. When that is a file whose last byte is not
// a newline (a program that writes binary data to its standard output, ffmpeg's to "-"), the line
// is ended, so that elfpack's own messages after the trace start lines of their own. (A terminal
// or a pipe cannot be read back: left as it is.)
void end_output_line() {
  struct stat st;
  if (::fstat(STDERR_FILENO, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return;
  const int fd = ::open("/proc/self/fd/2", O_RDONLY | O_CLOEXEC);  // stderr is open for writing only
  if (fd < 0) return;
  char last = '\n';
  const bool read = ::pread(fd, &last, 1, st.st_size - 1) == 1;
  ::close(fd);
  if (read && last != '\n') (void)!::write(STDERR_FILENO, "\n", 1);
}
#endif

}  // namespace

TraceResult trace_command(const std::vector<std::string>& command) {
#if !defined(__x86_64__)
  (void)command;
  throw Error("--trace: this build of elfpack traces x86_64 programs only");
#else
  if (command.empty()) throw Error("--trace: no command given after '--'");
  TraceResult result;
  const pid_t child = ::fork();
  if (child < 0) throw Error(std::string("--trace: cannot start a process: ") + std::strerror(errno));
  if (child == 0) {
    ::pthread_sigmask(SIG_SETMASK, &child_signal_mask(), nullptr);
    // The traced program writes to our standard error, so that elfpack's standard output stays
    // its own.
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    std::vector<char*> argv;
    for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    ::raise(SIGSTOP);
    ::execvp(argv[0], argv.data());
    std::fprintf(stderr, "elfpack: error: --trace: %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  if (::waitpid(child, &status, 0) < 0 || !WIFSTOPPED(status)) throw Error("--trace: the traced process did not start");
  const long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                       PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
  if (::ptrace(PTRACE_SETOPTIONS, child, nullptr, reinterpret_cast<void*>(options)) != 0) {
    const int err = errno;
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    throw Error(std::string("--trace: cannot trace (ptrace: ") + std::strerror(err) +
                "); in a container, allow ptrace, or record a trace elsewhere and use --trace-log");
  }
  ::ptrace(PTRACE_SYSCALL, child, nullptr, nullptr);

  struct Pending {
    bool in_call = false;
    long number = -1;
    std::string path;
  };
  std::map<pid_t, Pending> tracees{{child, {}}};
  std::map<std::string, std::size_t> seen;
  // After the command ended: what it left running gets SIGTERM, then SIGKILL at the deadline.
  bool ending = false;
  bool killing = false;
  std::chrono::steady_clock::time_point deadline;
  while (!tracees.empty()) {
    const pid_t pid = ::waitpid(-1, &status, __WALL | (ending ? WNOHANG : 0));
    if (pid == 0) {  // ending, and nothing to report yet
      if (!killing && std::chrono::steady_clock::now() >= deadline) {
        killing = true;
        for (const auto& [left, ignored] : tracees) ::kill(left, SIGKILL);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      tracees.erase(pid);
      if (pid == child) {
        result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        ending = true;
        deadline = std::chrono::steady_clock::now() + kGrace;
        result.left_running = stop_left_running(tracees, child);
      }
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    Pending& p = tracees[pid];  // a new child is added here, unless its parent's event came first
    if (killing) ::kill(pid, SIGKILL);  // one started during the grace period
    const int signal = WSTOPSIG(status);
    const int event = status >> 16;
    int deliver = 0;
    if (signal == (SIGTRAP | 0x80)) {
      user_regs_struct regs{};
      if (::ptrace(PTRACE_GETREGS, pid, nullptr, &regs) == 0) {
        if (!p.in_call) {
          p.number = static_cast<long>(regs.orig_rax);
          p.path.clear();
          const auto call = path_calls().find(p.number);
          if (call != path_calls().end()) p.path = read_string(pid, argument(regs, call->second.path_arg));
        } else {
          const auto call = path_calls().find(p.number);
          const long ret = static_cast<long>(regs.rax);
          if (!ending && call != path_calls().end() && ret >= 0 && !p.path.empty()) {
            record_traced(result.paths, seen, p.path, call->second.name);
          }
        }
        p.in_call = !p.in_call;
      }
    } else if (signal == SIGTRAP && (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
                                     event == PTRACE_EVENT_CLONE)) {
      // Known from now on, before its first stop: if the command ends first, it is still stopped.
      unsigned long started = 0;
      if (::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &started) == 0) {
        tracees.try_emplace(static_cast<pid_t>(started));
        if (ending) ::kill(static_cast<pid_t>(started), killing ? SIGKILL : SIGTERM);
      }
    } else if (signal == SIGTRAP && event != 0) {
      // An exec event: nothing to record; a successful execve's exit stop follows.
    } else if (signal == SIGSTOP && event == 0 && p.number == -1 && !p.in_call) {
      // The first stop of a new child.
    } else {
      deliver = signal;  // a real signal for the program
    }
    ::ptrace(PTRACE_SYSCALL, pid, nullptr, reinterpret_cast<void*>(static_cast<long>(deliver)));
  }
  end_output_line();
  return result;
#endif
}

}  // namespace elfpack
