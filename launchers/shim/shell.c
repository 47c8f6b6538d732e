/* system, popen and pclose run /bin/sh through the C library's own posix_spawn (glibc) or its
 * internal one (musl), which this library cannot see. When the bundle carries /bin/sh (a shell
 * brought for a program that calls them), they are rebuilt here on the interposed path: the
 * bundle's shell runs, with the environment exec gives; otherwise the C library's run.
 * They mirror glibc's (stdlib/system.c, libio/iopopen.c): system ignores SIGINT and SIGQUIT and
 * blocks SIGCHLD while it waits, the child gets them back; a popen child closes the streams of
 * earlier popens; pclose waits for its own child. */
#include "shim.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#define MAX_ENVIRONMENT 4096

static void *next_system, *next_popen, *next_pclose, *next_posix_spawn;
typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
                        char *const[], char *const[]);

/* The bundle's /bin/sh in `out`, or 0 when the bundle has none. */
static const char *bundle_shell(char *out) {
  const char *sh = "/bin/sh";
  const char *mapped = map(sh, out);
  return mapped != sh ? mapped : 0;
}

static int spawn_shell(pid_t *pid, const char *shell, const char *command, const posix_spawn_file_actions_t *actions,
                       const posix_spawnattr_t *attributes) {
  spawn_fn f = NEXT(spawn_fn, posix_spawn);
  if (f == 0) return ENOSYS;
  char *argv[] = {"sh", "-c", (char *)command, 0};
  char *clean[MAX_ENVIRONMENT];
  return f(pid, shell, actions, attributes, argv, (char *const *)clean_environment(environ, clean, MAX_ENVIRONMENT));
}

static pid_t wait_for(pid_t pid, int *status) {
  long r;
  do r = SYSCALL(SYS_wait4, pid, status, 0, 0); while (r < 0 && errno == EINTR);
  return (pid_t)r;
}

EXPORT int system(const char *command) {
  char buffer[SHIM_PATH_MAX];
  const char *shell = bundle_shell(buffer);
  if (shell == 0) {
    int (*f)(const char *) = NEXT(int (*)(const char *), system);
    if (f == 0) {
      errno = ENOSYS;
      return -1;
    }
    return f(command);
  }
  if (command == 0) return 1; /* a shell is there */
  struct sigaction ignore, old_int, old_quit;
  for (unsigned long i = 0; i < sizeof ignore; i++) ((char *)&ignore)[i] = 0;
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  sigset_t chld, old_mask, defaults;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old_mask);
  sigemptyset(&defaults);
  if (old_int.sa_handler != SIG_IGN) sigaddset(&defaults, SIGINT);
  if (old_quit.sa_handler != SIG_IGN) sigaddset(&defaults, SIGQUIT);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setsigmask(&attributes, &old_mask);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid;
  int status;
  const int error = spawn_shell(&pid, shell, command, 0, &attributes);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    status = 127 << 8; /* as the shell's own "not found" */
  } else if (wait_for(pid, &status) < 0) {
    status = -1;
  }
  const int saved = errno;
  sigaction(SIGINT, &old_int, 0);
  sigaction(SIGQUIT, &old_quit, 0);
  sigprocmask(SIG_SETMASK, &old_mask, 0);
  errno = saved;
  return status;
}

/* The streams popen made here, with their children: a list under a spin lock. */
struct popened {
  FILE *stream;
  pid_t pid;
  int fd;
  struct popened *next;
};
static struct popened *popened;
static char popen_lock;

static void lock(void) {
  while (__atomic_test_and_set(&popen_lock, __ATOMIC_ACQUIRE)) SYSCALL(SYS_sched_yield, 0);
}
static void unlock(void) { __atomic_clear(&popen_lock, __ATOMIC_RELEASE); }

EXPORT FILE *popen(const char *command, const char *mode) {
  char buffer[SHIM_PATH_MAX];
  const char *shell = bundle_shell(buffer);
  if (shell == 0) {
    FILE *(*f)(const char *, const char *) = NEXT(FILE * (*)(const char *, const char *), popen);
    if (f == 0) {
      errno = ENOSYS;
      return 0;
    }
    return f(command, mode);
  }
  const int reading = mode[0] == 'r';
  int cloexec = 0;
  if ((mode[0] != 'r' && mode[0] != 'w') || (mode[1] != '\0' && (mode[1] != 'e' || mode[2] != '\0'))) {
    errno = EINVAL;
    return 0;
  }
  cloexec = mode[1] == 'e';
  struct popened *entry = malloc(sizeof *entry);
  if (entry == 0) return 0;
  int fds[2];
  if (SYSCALL(SYS_pipe2, fds, O_CLOEXEC) < 0) {
    free(entry);
    return 0;
  }
  const int parent_end = reading ? fds[0] : fds[1], child_end = reading ? fds[1] : fds[0];
  const int child_fd = reading ? 1 : 0;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  /* dup2 onto itself would keep O_CLOEXEC: a pipe end that is already 0 or 1 is moved first. */
  int source = child_end;
  if (source == child_fd) source = (int)SYSCALL(SYS_fcntl, child_end, F_DUPFD_CLOEXEC, 3);
  int error = source < 0 ? errno : posix_spawn_file_actions_adddup2(&actions, source, child_fd);
  lock();
  for (struct popened *p = popened; p != 0 && error == 0; p = p->next)
    if (p->fd != child_fd) error = posix_spawn_file_actions_addclose(&actions, p->fd);
  pid_t pid = 0;
  if (error == 0) error = spawn_shell(&pid, shell, command, &actions, 0);
  posix_spawn_file_actions_destroy(&actions);
  if (source != child_end && source >= 0) SYSCALL(SYS_close, source);
  SYSCALL(SYS_close, child_end);
  FILE *stream = 0;
  if (error == 0) {
    if (!cloexec) SYSCALL(SYS_fcntl, parent_end, F_SETFD, 0);
    stream = fdopen(parent_end, reading ? "r" : "w");
  }
  if (stream == 0) {
    if (error == 0) error = errno;
    SYSCALL(SYS_close, parent_end);
    if (pid > 0) {
      int status;
      wait_for(pid, &status);
    }
    unlock();
    free(entry);
    errno = error;
    return 0;
  }
  entry->stream = stream;
  entry->pid = pid;
  entry->fd = parent_end;
  entry->next = popened;
  popened = entry;
  unlock();
  return stream;
}

EXPORT int pclose(FILE *stream) {
  lock();
  struct popened **at = &popened;
  while (*at != 0 && (*at)->stream != stream) at = &(*at)->next;
  struct popened *entry = *at;
  if (entry != 0) *at = entry->next;
  unlock();
  if (entry == 0) {
    int (*f)(FILE *) = NEXT(int (*)(FILE *), pclose);
    if (f == 0) {
      errno = ENOSYS;
      return -1;
    }
    return f(stream);
  }
  fclose(stream);
  int status;
  const pid_t pid = entry->pid;
  free(entry);
  return wait_for(pid, &status) < 0 ? -1 : status;
}
