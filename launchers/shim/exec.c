/* exec: a helper at an absolute path the bundle carries runs from the bundle (a bundled program
 * at the path it had on the build machine, too), with an environment free of what this library
 * set (environment.c). execve is the system call; execl* are rebuilt here on it (glibc's call
 * its internal execve); execvp walks PATH itself first; posix_spawn is the C library's on the
 * mapped path. */
#include "shim.h"

#define MAX_ENVIRONMENT 4096
#define MAX_EXEC_ARGS 4096
#define SCRIPT_BUFFER 256 /* Linux's BINPRM_BUF_SIZE: what it reads of a script for its #! line */

static int exec_path(const char *file, char *const argv[], char *const envp[]);

static int blank(char c) { return c == ' ' || c == '\t'; }

/* A script (`file`, exec'd as `path`): Linux would read its #! line and run the interpreter of this
 * machine. When the bundle serves that interpreter at its path (a bundled program, whose launcher
 * is there), or for "#!/usr/bin/env NAME" the NAME env would find first in PATH, the bundle's runs
 * the script instead, with the argv Linux builds (fs/binfmt_script.c load_script): the
 * interpreter as named, the line's one argument, the script's path as given, argv[1...]. Returns
 * only when it leaves the exec to the kernel. */
static void exec_script(const char *file, const char *path, char *const argv[], char *const envp[]) {
  char line[SCRIPT_BUFFER + 1];
  const long fd = SYSCALL(SYS_openat, AT_FDCWD, file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  const long got = SYSCALL(SYS_pread64, fd, line, SCRIPT_BUFFER, 0);
  SYSCALL(SYS_close, fd);
  if (got < 2 || line[0] != '#' || line[1] != '!') return;
  line[got] = '\0';
  char *end = line + 2;
  while (*end != '\0' && *end != '\n') end++;
  if (*end != '\n' && got == SCRIPT_BUFFER) return; /* a line Linux would cut */
  while (end > line + 2 && blank(end[-1])) end--;
  *end = '\0';
  char *name = line + 2;
  while (blank(*name)) name++;
  char *arg = name;
  while (*arg != '\0' && !blank(*arg)) arg++;
  if (*arg != '\0') *arg++ = '\0';
  while (blank(*arg)) arg++;
  int count = 0;
  while (argv[count] != 0) count++;
  if (count + 3 >= MAX_EXEC_ARGS) return;
  char *args[MAX_EXEC_ARGS];
  int n = 0;
  const unsigned long len = length(name);
  const int env = len >= 4 && same_bytes(name + len - 4, "/env", 4);
  if (env) {
    /* env NAME only: options, assignments and -S are left to env. */
    for (const char *c = arg; *c != '\0'; c++)
      if (blank(*c) || *c == '=' || *c == '\r') return;
    if (*arg == '\0' || *arg == '-' || contains_slash(arg)) return;
  } else if (!carried(name)) {
    return;
  }
  args[n++] = env ? arg : name;
  if (!env && *arg != '\0') args[n++] = arg;
  args[n++] = (char *)path;
  for (int i = 1; i < count; i++) args[n++] = argv[i];
  args[n] = 0;
  if (env) {
    exec_path(arg, args, envp); /* returns when the first NAME in PATH is not the bundle's */
    return;
  }
  char buffer[SHIM_PATH_MAX];
  SYSCALL(SYS_execve, map(name, buffer), args, envp);
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
  char buffer[SHIM_PATH_MAX];
  char *clean[MAX_ENVIRONMENT];
  envp = clean_environment(envp, clean, MAX_ENVIRONMENT);
  if (is_self_exe(path) && find_identity()) return (int)SYSCALL(SYS_execve, self_launcher, argv, envp);
  const char *mapped = map(path, buffer);
  if (serves_anything()) exec_script(mapped, path, argv, envp);
  return (int)SYSCALL(SYS_execve, mapped, argv, envp);
}
EXPORT int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

/* execvp of a name: the PATH walk, so that a bundled program found on the PATH of the build
 * machine (say /usr/bin/rig) runs from the bundle; the first candidate that exists on this
 * machine otherwise, through the C library. */
static int exec_path(const char *file, char *const argv[], char *const envp[]) {
  const char *path = getenv("PATH");
  if (path == 0) path = "/bin:/usr/bin";
  char candidate[SHIM_PATH_MAX];
  const unsigned long name = length(file);
  for (const char *p = path;; p++) {
    const char *end = p;
    while (*end != '\0' && *end != ':') end++;
    const unsigned long dir = (unsigned long)(end - p);
    if (dir > 0 && dir + 1 + name < sizeof candidate) {
      for (unsigned long i = 0; i < dir; i++) candidate[i] = p[i];
      /* Lambda's PATH has "/usr/bin/": no second slash, so that the path is the one served. */
      const unsigned long at = p[dir - 1] == '/' ? dir : dir + 1;
      candidate[dir] = '/';
      for (unsigned long i = 0; i <= name; i++) candidate[at + i] = file[i];
      if (carried(candidate)) return execve(candidate, argv, envp);
      if (SYSCALL(SYS_faccessat, AT_FDCWD, candidate, X_OK) == 0) break;  /* the host's comes first */
    }
    if (*end == '\0') break;
    p = end;
  }
  return -1;
}

static void *next_execvp, *next_execvpe;

/* execvp and execvpe of a path (a slash in it) are execve of it, as in glibc's __execvpe: the
 * program's own /proc/self/exe, a served helper and a script's interpreter are taken as execve
 * takes them. Only a file the kernel will not run (ENOEXEC: a script without #!, which the C
 * library hands to /bin/sh) goes on to the C library's. Returns whether it does. */
static int not_executable_format(const char *file, char *const argv[], char *const envp[]) {
  execve(file, argv, envp); /* returns only on failure */
  return errno == ENOEXEC;
}

EXPORT int execvp(const char *file, char *const argv[]) {
  char buffer[SHIM_PATH_MAX];
  if (contains_slash(file) && !not_executable_format(file, argv, environ)) return -1;
  if (file[0] != '\0' && !contains_slash(file) && serves_anything()) {
    const int saved = errno;
    exec_path(file, argv, environ);
    errno = saved;
  }
  int (*f)(const char *, char *const[]) = NEXT(int (*)(const char *, char *const[]), execvp);
  if (f != 0) return f(map(file, buffer), argv);
  return execve(file, argv, environ);  /* without the C library's execvp: a path only */
}
EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
  char buffer[SHIM_PATH_MAX];
  if (contains_slash(file) && !not_executable_format(file, argv, envp)) return -1;
  if (file[0] != '\0' && !contains_slash(file) && serves_anything()) {
    const int saved = errno;
    exec_path(file, argv, envp);
    errno = saved;
  }
  int (*f)(const char *, char *const[], char *const[]) =
      NEXT(int (*)(const char *, char *const[], char *const[]), execvpe);
  if (f != 0) return f(map(file, buffer), argv, envp);
  return execve(file, argv, envp);
}

/* execl, execle, execlp: glibc's call its internal execve, so they are rebuilt here on the
 * interposed execve/execvp. */
enum exec_kind { EXEC_L, EXEC_LP, EXEC_LE };

static int exec_list(enum exec_kind kind, const char *path, const char *arg, va_list *args) {
  char *list[MAX_EXEC_ARGS];
  int count = 1;
  list[0] = (char *)arg;
  while (count < MAX_EXEC_ARGS - 1 && list[count - 1] != 0) list[count++] = va_arg(*args, char *);
  list[count] = 0;
  if (kind == EXEC_LP) return execvp(path, list);
  char *const *envp = kind == EXEC_LE ? va_arg(*args, char *const *) : environ;
  return execve(path, list, envp);
}

EXPORT int execl(const char *path, const char *arg, ...) {
  va_list args;
  va_start(args, arg);
  const int r = exec_list(EXEC_L, path, arg, &args);
  va_end(args);
  return r;
}
EXPORT int execlp(const char *file, const char *arg, ...) {
  va_list args;
  va_start(args, arg);
  const int r = exec_list(EXEC_LP, file, arg, &args);
  va_end(args);
  return r;
}
EXPORT int execle(const char *path, const char *arg, ...) {
  va_list args;
  va_start(args, arg);
  const int r = exec_list(EXEC_LE, path, arg, &args);
  va_end(args);
  return r;
}

/* posix_spawn: the C library's, on the mapped path. */
static void *next_posix_spawn, *next_posix_spawnp;
typedef int (*spawn_fn)(pid_t *, const char *, const void *, const void *, char *const[], char *const[]);
EXPORT int posix_spawn(pid_t *pid, const char *path, const void *actions, const void *attributes, char *const argv[],
                       char *const envp[]) {
  char buffer[SHIM_PATH_MAX];
  spawn_fn f = NEXT(spawn_fn, posix_spawn);
  if (f == 0) return ENOSYS;
  return f(pid, map(path, buffer), actions, attributes, argv, envp);
}
EXPORT int posix_spawnp(pid_t *pid, const char *file, const void *actions, const void *attributes, char *const argv[],
                        char *const envp[]) {
  char buffer[SHIM_PATH_MAX];
  spawn_fn f = NEXT(spawn_fn, posix_spawnp);
  if (f == 0) return ENOSYS;
  return f(pid, map(file, buffer), actions, attributes, argv, envp);
}
