/* syscall(): the C library's way to make a system call by number. Programs and libraries that
 * make their file calls through it (libuv, under Node.js: statx) would pass the bundle by; the
 * calls that name a path are sent to this library's own functions, as the C library's wrappers
 * are, and every other number goes to the kernel as it is. Takes the number and up to six
 * arguments (as glibc's and musl's syscall() read them); gives the kernel's result, or -1 with
 * errno set. */
#include "shim.h"

#include <sys/syscall.h>

EXPORT long syscall(long number, ...) {
  va_list args;
  va_start(args, number);
  const long a = va_arg(args, long), b = va_arg(args, long), c = va_arg(args, long);
  const long d = va_arg(args, long), e = va_arg(args, long), f = va_arg(args, long);
  va_end(args);
  switch (number) {
#ifdef SYS_open
    case SYS_open:
      return open_mapped(AT_FDCWD, (const char *)a, (int)b, (int)c);
#endif
    case SYS_openat:
      return open_mapped((int)a, (const char *)b, (int)c, (int)d);
#ifdef SYS_stat
    case SYS_stat:
      return stat_mapped(AT_FDCWD, (const char *)a, (void *)b, 0);
#endif
#ifdef SYS_lstat
    case SYS_lstat:
      return stat_mapped(AT_FDCWD, (const char *)a, (void *)b, AT_SYMLINK_NOFOLLOW);
#endif
    case SYS_newfstatat:
      return stat_mapped((int)a, (const char *)b, (void *)c, (int)d);
    case SYS_statx:
      return statx((int)a, (const char *)b, (int)c, (unsigned int)d, (void *)e);
#ifdef SYS_access
    case SYS_access:
      return faccessat(AT_FDCWD, (const char *)a, (int)b, 0);
#endif
    case SYS_faccessat:
      return faccessat((int)a, (const char *)b, (int)c, 0);
    case SYS_faccessat2:
      return faccessat((int)a, (const char *)b, (int)c, (int)d);
#ifdef SYS_readlink
    case SYS_readlink:
      return readlinkat(AT_FDCWD, (const char *)a, (char *)b, (size_t)c);
#endif
    case SYS_readlinkat:
      return readlinkat((int)a, (const char *)b, (char *)c, (size_t)d);
    case SYS_chdir:
      return chdir((const char *)a);
    case SYS_fchdir:
      return fchdir((int)a);
    case SYS_getcwd: {
      /* The kernel's answer is the length with its NUL, not a pointer. */
      if (getcwd((char *)a, (size_t)b) == 0) return -1;
      return (long)length((const char *)a) + 1;
    }
    case SYS_execve:
      return execve((const char *)a, (char *const *)b, (char *const *)c);
    default:
      return SYSCALL6(number, a, b, c, d, e, f);
  }
}
