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

/* served_name (for dladdr.c): a library the bundle carries at its path under root/ (lib/ names lead
 * there) is named by that path, as the program had it, the way /proc/self/exe names the program: a library that
 * finds its files beside itself (the directory of dladdr's name) finds the ones the bundle serves
 * there. The names are made once per name the loader gave (it keeps its strings while the library
 * is loaded), in a table filled without a lock. */
#define MAX_NAMED 512
static struct {
  const char *from; /* the loader's name; set last, when `to` is ready */
  const char *to;
} named[MAX_NAMED];
static int named_count;

static void *next_realpath;

const char *served_name(const char *name) {
  const int known = __atomic_load_n(&named_count, __ATOMIC_ACQUIRE);
  for (int i = 0; i < known && i < MAX_NAMED; i++) {
    if (__atomic_load_n(&named[i].from, __ATOMIC_ACQUIRE) == name) return named[i].to;
  }
  char *(*real_path)(const char *, char *) = NEXT(char *(*)(const char *, char *), realpath);
  char real[SHIM_PATH_MAX];
  if (real_path == 0 || real_path(name, real) == 0) return name;
  const char *logical = in_bundle_root(real);
  if (logical == 0 || !carried(logical)) return name;
  const unsigned long n = length(logical);
  char *copy = malloc(n + 1);
  if (copy == 0) return name;
  for (unsigned long i = 0; i <= n; i++) copy[i] = logical[i];
  const int slot = __atomic_fetch_add(&named_count, 1, __ATOMIC_ACQ_REL);
  if (slot < MAX_NAMED) {
    named[slot].to = copy;
    __atomic_store_n(&named[slot].from, name, __ATOMIC_RELEASE);
  }
  return copy;
}

