/* stdio: fopen and freopen, the C library's own on the mapped path (without dlsym, or for the
 * program's own /proc/self/cmdline, which open_mapped makes: open on the mapped path + fdopen). */
#include "shim.h"

static void *next_fopen, *next_fopen64, *next_freopen, *next_freopen64;
typedef FILE *(*fopen_fn)(const char *, const char *);
typedef FILE *(*freopen_fn)(const char *, const char *, FILE *);

/* fopen without the C library's fopen (no dlsym): its mode, as open flags. */
static FILE *open_stream(const char *path, const char *mode) {
  int flags = mode[0] == 'r' ? O_RDONLY : mode[0] == 'w' ? O_WRONLY | O_CREAT | O_TRUNC : O_WRONLY | O_CREAT | O_APPEND;
  for (const char *m = mode + 1; *m != '\0' && *m != ','; m++) {
    if (*m == '+') flags = (flags & ~O_ACCMODE) | O_RDWR;
    if (*m == 'e') flags |= O_CLOEXEC;
    if (*m == 'x') flags |= O_EXCL;
  }
  const int fd = open_mapped(AT_FDCWD, path, flags, 0666);
  if (fd < 0) return 0;
  FILE *f = fdopen(fd, mode);
  if (f == 0) SYSCALL(SYS_close, fd);
  return f;
}

EXPORT FILE *fopen(const char *path, const char *mode) {
  char buffer[SHIM_PATH_MAX];
  fopen_fn f = NEXT(fopen_fn, fopen);
  return f != 0 && !is_own_cmdline(path) ? f(map(path, buffer), mode) : open_stream(path, mode);
}
EXPORT FILE *fopen64(const char *path, const char *mode) {
  char buffer[SHIM_PATH_MAX];
  fopen_fn f = NEXT(fopen_fn, fopen64);
  return f != 0 && !is_own_cmdline(path) ? f(map(path, buffer), mode) : open_stream(path, mode);
}
static FILE *reopen(freopen_fn f, const char *path, const char *mode, FILE *stream) {
  char buffer[SHIM_PATH_MAX];
  if (f == 0) {
    errno = ENOSYS;
    return 0;
  }
  return f(path == 0 ? 0 : map(path, buffer), mode, stream);
}
EXPORT FILE *freopen(const char *path, const char *mode, FILE *stream) {
  return reopen(NEXT(freopen_fn, freopen), path, mode, stream);
}
EXPORT FILE *freopen64(const char *path, const char *mode, FILE *stream) {
  return reopen(NEXT(freopen_fn, freopen64), path, mode, stream);
}
