/* Relative paths. The current directory is followed by its logical path (what the program
 * believes it is): after a chdir or fchdir into a directory the bundle serves (the kernel's
 * current directory is then the bundle's copy), a relative path is the bundle's when its logical
 * absolute path is served, else the target's at that absolute path; getcwd gives the logical
 * path. A call relative to a directory fd that fails with ENOENT is tried once on the other copy
 * of that directory (other_copy): the bundle's copy of a directory both have lists only its own
 * entries. The state is the process's, as the current directory is; a chdir racing with lookups
 * in other threads may see either. */
#include "shim.h"

static char cwd[SHIM_PATH_MAX]; /* the logical current directory, when cwd_served */
static int cwd_served;

const char *served_cwd(void) { return cwd_served ? cwd : 0; }

/* The kernel's current directory, made logical: called at start-up and after each change. */
static void follow_cwd(void) {
  char real[SHIM_PATH_MAX];
  cwd_served = 0;
  if (!serves_anything()) return;
  const long n = SYSCALL(SYS_getcwd, real, sizeof real);
  if (n <= 0 || real[0] != '/') return;
  const char *logical = in_bundle_root(real);
  if (logical == 0) {
    if (!carried(real)) return;
    logical = real;
  }
  for (unsigned long i = 0; i <= length(logical); i++) cwd[i] = logical[i];
  cwd_served = 1;
}

void load_cwd(void) { follow_cwd(); }

EXPORT int chdir(const char *path) {
  char buffer[SHIM_PATH_MAX];
  const int r = (int)SYSCALL(SYS_chdir, map(path, buffer));
  if (r == 0) follow_cwd();
  return r;
}

EXPORT int fchdir(int fd) {
  const int r = (int)SYSCALL(SYS_fchdir, fd);
  if (r == 0) follow_cwd();
  return r;
}

/* getcwd (glibc's, for its buffer rules), its answer made logical in place (it only shrinks). */
static void *next_getcwd;
EXPORT char *getcwd(char *out, size_t size) {
  char *(*f)(char *, size_t) = NEXT(char *(*)(char *, size_t), getcwd);
  if (f == 0) {
    errno = ENOSYS;
    return 0;
  }
  char *result = f(out, size);
  const char *logical = result != 0 ? in_bundle_root(result) : 0;
  if (logical != 0) {
    const unsigned long n = length(logical);
    for (unsigned long i = 0; i <= n; i++) result[i] = logical[i];
  }
  return result;
}

/* The other copy of `path` relative to `dirfd`, into buffer: the target's when dirfd is a
 * directory of the bundle's root/ and the bundle does not serve the path, the bundle's when
 * dirfd is the target's and it does; else 0. One readlink of /proc/self/fd/N. */
const char *other_copy(int dirfd, const char *path, char *buffer) {
  if (dirfd < 0 || path == 0 || path[0] == '/' || path[0] == '\0' || !serves_anything()) return 0;
  char link[SHIM_PATH_MAX], joined[SHIM_PATH_MAX], normal[SHIM_PATH_MAX];
  char proc[32] = "/proc/self/fd/";
  fd_path(dirfd, proc);
  const long n = SYSCALL(SYS_readlinkat, AT_FDCWD, proc, link, sizeof link - 1);
  if (n <= 0 || link[0] != '/') return 0;
  link[n] = '\0';
  const char *logical = in_bundle_root(link);
  const char *directory = logical != 0 ? logical : link;
  const unsigned long d = length(directory), rest = length(path);
  if (d + 1 + rest >= sizeof joined) return 0;
  for (unsigned long i = 0; i < d; i++) joined[i] = directory[i];
  joined[d] = '/';
  for (unsigned long i = 0; i <= rest; i++) joined[d + 1 + i] = path[i];
  if (!normalise(joined, normal)) return 0;
  if (logical != 0) {
    if (carried(normal)) return 0; /* the bundle's answer stands */
    for (unsigned long i = 0; i <= length(normal); i++) buffer[i] = normal[i];
    return buffer;
  }
  if (!carried(normal) || root_length + length(normal) >= SHIM_PATH_MAX) return 0;
  for (unsigned long i = 0; i < root_length; i++) buffer[i] = root[i];
  for (unsigned long i = 0; i <= length(normal); i++) buffer[root_length + i] = normal[i];
  return buffer;
}

/* _FORTIFY_SOURCE's getcwd: the same, once the buffer is known to be as long as it says; else the
 * C library's, to refuse. */
static void *next___getcwd_chk;
EXPORT char *__getcwd_chk(char *out, size_t size, size_t out_length) {
  if (size > out_length) {
    char *(*f)(char *, size_t, size_t) = NEXT(char *(*)(char *, size_t, size_t), __getcwd_chk);
    if (f != 0) return f(out, size, out_length);
    abort();
  }
  return getcwd(out, size);
}
