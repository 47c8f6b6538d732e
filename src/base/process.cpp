#include "elfpack/base/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "elfpack/base/interrupt.h"

namespace elfpack {

Process::Process(const std::vector<std::string>& argv, const std::vector<std::string>& environment,
                 bool with_stderr) {
  if (argv.empty()) return;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  if (with_stderr) {
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args, env;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : environment) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  pid_t pid = -1;
  // The signal mask elfpack had before it blocked SIGINT/SIGTERM/SIGHUP for its own handling.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setsigmask(&attributes, &child_signal_mask());
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  const int spawned = ::posix_spawn(&pid, args[0], &actions, &attributes, args.data(), env.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    return;
  }
  pid_ = pid;
  out_ = pipe_fds[0];
}

const ProcessOutput& Process::wait() {
  if (waited_ || pid_ < 0) return result_;
  waited_ = true;
  char buffer[8192];
  ssize_t got;
  while ((got = ::read(out_, buffer, sizeof buffer)) > 0 || (got < 0 && errno == EINTR)) {
    if (got > 0) result_.out.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(out_);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result_.exit_status = WEXITSTATUS(status);
  return result_;
}

Process::~Process() {
  if (waited_ || pid_ < 0) return;
  ::kill(pid_, SIGKILL);
  wait();
}

ProcessOutput run_process(const std::vector<std::string>& argv, const std::vector<std::string>& environment,
                          bool with_stderr) {
  Process process(argv, environment, with_stderr);
  return process.wait();
}

std::optional<std::string> find_system_tool(const std::string& name) {
  for (const char* dir : {"/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"}) {
    const std::string path = std::string(dir) + "/" + name;
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return std::nullopt;
}

}  // namespace elfpack
