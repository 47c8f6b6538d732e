/* glob (glibc): the C library's, made to read directories and stat names through this library
 * (GLOB_ALTDIRFUNC, glibc's own extension for that), so a pattern sees served directories and
 * the union of shared ones, as opendir does. A caller's own GLOB_ALTDIRFUNC is left alone. musl's
 * glob_t has no such fields: there it is the C library's, unchanged. */
#include "shim.h"

#if defined(__GLIBC__)
#include <glob.h>

static void *next_glob;

static void *open_directory(const char *path) { return opendir(path); }
static void *read_directory(void *d) { return readdir(d); }
static void close_directory(void *d) { closedir(d); }
extern int stat(const char *, void *);
extern int lstat(const char *, void *);

/* The flags glob is called with, `out` set up to read through this library. */
static int through_shim(int flags, glob_t *out) {
  if ((flags & GLOB_ALTDIRFUNC) || !serves_anything()) return flags;
  out->gl_opendir = open_directory;
  out->gl_readdir = (struct dirent *(*)(void *))read_directory;
  out->gl_closedir = close_directory;
  out->gl_stat = (int (*)(const char *, struct stat *))stat;
  out->gl_lstat = (int (*)(const char *, struct stat *))lstat;
  return flags | GLOB_ALTDIRFUNC;
}

EXPORT int glob(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_t *out) {
  int (*f)(const char *, int, int (*)(const char *, int), glob_t *) =
      NEXT(int (*)(const char *, int, int (*)(const char *, int), glob_t *), glob);
  return f != 0 ? f(pattern, through_shim(flags, out), errfunc, out) : GLOB_NOSPACE;
}
/* glob64: glob64_t is glob_t on x86_64 and aarch64 (struct dirent64 and stat64 are the same
 * layouts as struct dirent and stat). */
static void *next_glob64;
EXPORT int glob64(const char *pattern, int flags, int (*errfunc)(const char *, int), glob64_t *out) {
  int (*f)(const char *, int, int (*)(const char *, int), glob64_t *) =
      NEXT(int (*)(const char *, int, int (*)(const char *, int), glob64_t *), glob64);
  return f != 0 ? f(pattern, through_shim(flags, (glob_t *)out), errfunc, out) : GLOB_NOSPACE;
}
#endif
