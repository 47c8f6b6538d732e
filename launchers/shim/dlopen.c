/* dlopen: a library the bundle carries at an absolute path is loaded from the bundle. Any other
 * call goes on to the C library's dlopen as a tail call, so that it still sees the program as its
 * caller (whose RUNPATH and $ORIGIN a dlopen by name uses). */
#include "shim.h"

static void *next_dlopen;
typedef void *(*dlopen_fn)(const char *, int);

__attribute__((noinline)) static void *dlopen_carried(dlopen_fn f, const char *file, int mode) {
  char buffer[SHIM_PATH_MAX];
  return f(map(file, buffer), mode);
}

EXPORT void *dlopen(const char *file, int mode) {
  dlopen_fn f = NEXT(dlopen_fn, dlopen);
  if (carried(file)) return dlopen_carried(f, file, mode);
  return f(file, mode);
}
