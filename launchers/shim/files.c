/* The calls that name a file: open, stat, access, readlink, extended attributes, realpath. The
 * open, stat and access families are system calls on the mapped path (what glibc's are on
 * Linux); realpath is the C library's, on the mapped path. */
#include "shim.h"

static int mode_of(int flags, va_list args) {
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(args, int) : 0;
}

/* After `r` failed with ENOENT on a path relative to a directory fd: the other copy of that
 * directory's (cwd.c), or 0. */
static const char *retry(long r, int dirfd, const char *path, char *buffer) {
  return r < 0 && errno == ENOENT ? other_copy(dirfd, path, buffer) : 0;
}

/* open family. An unnamed temporary file (O_TMPFILE) is made in the target's directory: the
 * bundle is read-only. */
int open_mapped(int dirfd, const char *path, int flags, int mode) {
  char buffer[SHIM_PATH_MAX];
  if ((flags & (O_ACCMODE | O_DIRECTORY | O_PATH)) == O_RDONLY && is_own_cmdline(path)) {
    const int fd = open_cmdline(flags);  /* the program's command line, not the linker's */
    if (fd >= 0) return fd;
  }
  const char *mapped = (flags & O_TMPFILE) == O_TMPFILE ? path : map_at(dirfd, path, buffer);
  long r = SYSCALL(SYS_openat, dirfd, mapped, flags, mode);
  const char *other = retry(r, dirfd, path, buffer);
  if (other != 0) r = SYSCALL(SYS_openat, AT_FDCWD, other, flags, mode);
  return (int)r;
}

EXPORT int open(const char *path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const int mode = mode_of(flags, args);
  va_end(args);
  return open_mapped(AT_FDCWD, path, flags, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const int mode = mode_of(flags, args);
  va_end(args);
  return open_mapped(dirfd, path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...) __attribute__((alias("open")));
EXPORT int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));
EXPORT int __open_2(const char *path, int flags) { return open_mapped(AT_FDCWD, path, flags, 0); }
EXPORT int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));
EXPORT int __openat_2(int dirfd, const char *path, int flags) { return open_mapped(dirfd, path, flags, 0); }
EXPORT int __openat64_2(int dirfd, const char *path, int flags) __attribute__((alias("__openat_2")));
EXPORT int creat(const char *path, mode_t mode) { return open_mapped(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, (int)mode); }
EXPORT int creat64(const char *path, mode_t mode) __attribute__((alias("creat")));

/* stat family: newfstatat and statx, as glibc's own on x86_64 and aarch64 (struct stat is the
 * kernel's). */
int stat_mapped(int dirfd, const char *path, void *st, int flags) {
  char buffer[SHIM_PATH_MAX];
  long r = SYSCALL(SYS_newfstatat, dirfd, map_at(dirfd, path, buffer), st, flags);
  const char *other = retry(r, dirfd, path, buffer);
  if (other != 0) r = SYSCALL(SYS_newfstatat, AT_FDCWD, other, st, flags);
  return (int)r;
}

EXPORT int stat(const char *path, void *st) { return stat_mapped(AT_FDCWD, path, st, 0); }
EXPORT int stat64(const char *path, void *st) __attribute__((alias("stat")));
EXPORT int lstat(const char *path, void *st) { return stat_mapped(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW); }
EXPORT int lstat64(const char *path, void *st) __attribute__((alias("lstat")));
EXPORT int fstatat(int dirfd, const char *path, void *st, int flags) { return stat_mapped(dirfd, path, st, flags); }
EXPORT int fstatat64(int dirfd, const char *path, void *st, int flags) __attribute__((alias("fstatat")));
EXPORT int __xstat(int version, const char *path, void *st) {
  (void)version;
  return stat_mapped(AT_FDCWD, path, st, 0);
}
EXPORT int __xstat64(int version, const char *path, void *st) __attribute__((alias("__xstat")));
EXPORT int __lxstat(int version, const char *path, void *st) {
  (void)version;
  return stat_mapped(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
EXPORT int __lxstat64(int version, const char *path, void *st) __attribute__((alias("__lxstat")));
EXPORT int __fxstatat(int version, int dirfd, const char *path, void *st, int flags) {
  (void)version;
  return stat_mapped(dirfd, path, st, flags);
}
EXPORT int __fxstatat64(int version, int dirfd, const char *path, void *st, int flags) __attribute__((alias("__fxstatat")));
EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, void *st) {
  char buffer[SHIM_PATH_MAX];
  long r = SYSCALL(SYS_statx, dirfd, map_at(dirfd, path, buffer), flags, mask, st);
  const char *other = retry(r, dirfd, path, buffer);
  if (other != 0) r = SYSCALL(SYS_statx, AT_FDCWD, other, flags, mask, st);
  return (int)r;
}

/* access, readlink */
EXPORT int faccessat(int dirfd, const char *path, int mode, int flags) {
  char buffer[SHIM_PATH_MAX];
  const char *mapped = map_at(dirfd, path, buffer);
  for (;;) {
    /* faccessat2 knows the flags; kernels before 5.8 lack it, and the plain call has none. */
    long r = SYSCALL(SYS_faccessat2, dirfd, mapped, mode, flags);
    if (r < 0 && errno == ENOSYS && flags == 0) r = SYSCALL(SYS_faccessat, dirfd, mapped, mode);
    if (dirfd == AT_FDCWD || (mapped = retry(r, dirfd, path, buffer)) == 0) return (int)r;
    dirfd = AT_FDCWD;
  }
}
EXPORT int access(const char *path, int mode) { return faccessat(AT_FDCWD, path, mode, 0); }
EXPORT int euidaccess(const char *path, int mode) { return faccessat(AT_FDCWD, path, mode, AT_EACCESS); }
EXPORT int eaccess(const char *path, int mode) __attribute__((alias("euidaccess")));
EXPORT ssize_t readlinkat(int dirfd, const char *path, char *out, size_t size) {
  char buffer[SHIM_PATH_MAX];
  if (is_self_exe(path) && find_identity()) {
    const unsigned long n = length(self_name);
    const unsigned long copied = n < size ? n : size;
    for (unsigned long i = 0; i < copied; i++) out[i] = self_name[i];
    return (ssize_t)copied;
  }
  long r = SYSCALL(SYS_readlinkat, dirfd, map_at(dirfd, path, buffer), out, size);
  const char *other = retry(r, dirfd, path, buffer);
  if (other != 0) r = SYSCALL(SYS_readlinkat, AT_FDCWD, other, out, size);
  return r;
}
EXPORT ssize_t readlink(const char *path, char *out, size_t size) { return readlinkat(AT_FDCWD, path, out, size); }

/* extended attributes (ls -l asks for ACLs and security labels) */
EXPORT ssize_t getxattr(const char *path, const char *name, void *value, size_t size) {
  char buffer[SHIM_PATH_MAX];
  return SYSCALL(SYS_getxattr, map(path, buffer), name, value, size);
}
EXPORT ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size) {
  char buffer[SHIM_PATH_MAX];
  return SYSCALL(SYS_lgetxattr, map(path, buffer), name, value, size);
}
EXPORT ssize_t listxattr(const char *path, char *list_out, size_t size) {
  char buffer[SHIM_PATH_MAX];
  return SYSCALL(SYS_listxattr, map(path, buffer), list_out, size);
}
EXPORT ssize_t llistxattr(const char *path, char *list_out, size_t size) {
  char buffer[SHIM_PATH_MAX];
  return SYSCALL(SYS_llistxattr, map(path, buffer), list_out, size);
}

/* realpath: resolved inside the bundle, then given back as the path the program asked about.
 * The program's own launcher resolves to the path the program had, as /proc/self/exe does, where
 * the bundle serves it there: a program that finds its files from argv[0] (cmake:
 * <its directory>/../share/cmake-3.25) looks where --add and package detection put them. */
static void *next_realpath;
EXPORT char *realpath(const char *path, char *resolved) {
  char buffer[SHIM_PATH_MAX];
  char *(*f)(const char *, char *) = NEXT(char *(*)(const char *, char *), realpath);
  if (f == 0) {
    errno = ENOSYS;
    return 0;
  }
  if (is_self_exe(path) && find_identity()) {
    char *out = resolved != 0 ? resolved : malloc(SHIM_PATH_MAX);
    if (out == 0) return 0;
    for (unsigned long i = 0; i <= length(self_name); i++) out[i] = self_name[i];
    return out;
  }
  const char *mapped = map(path, buffer);
  char *result = f(mapped, resolved);
  const char *logical = result != 0 ? in_bundle_root(result) : 0;
  if (logical != 0) {
    const unsigned long n = length(logical);
    for (unsigned long i = 0; i <= n; i++) result[i] = logical[i];
  }
  const int saved = errno;
  if (result != 0 && is_own_launcher(result, f)) {
    const unsigned long n = length(self_name);
    if (resolved == 0) { /* the C library's buffer is only as long as its answer */
      char *out = malloc(n + 1);
      if (out == 0) {
        free(result);
        return 0;
      }
      free(result);
      result = out;
    }
    for (unsigned long i = 0; i <= n; i++) result[i] = self_name[i];
  }
  errno = saved;
  return result;
}

/* _FORTIFY_SOURCE's realpath (cmake's): the same, once the buffer is known to hold PATH_MAX bytes;
 * a smaller one is the C library's to refuse, as it would without this library. */
static void *next___realpath_chk;
EXPORT char *__realpath_chk(const char *path, char *resolved, size_t resolved_length) {
  if (resolved != 0 && resolved_length < SHIM_PATH_MAX) {
    char *(*f)(const char *, char *, size_t) = NEXT(char *(*)(const char *, char *, size_t), __realpath_chk);
    if (f != 0) return f(path, resolved, resolved_length);
    abort();
  }
  return realpath(path, resolved);
}
