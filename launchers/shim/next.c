/* The C library's own definition of an interposed function, found once with dlsym(RTLD_NEXT).
 *
 * dlsym: glibc >= 2.34 has it in libc.so.6, also at its first version, GLIBC_2.2.5; older ones
 * only in libdl.so.2, which a program may not load. So the reference is weak and pinned to that
 * version: where dlsym is missing, next() gives 0 and the callers do without (fopen/opendir/
 * execvp with open + fdopen/fdopendir and a PATH walk instead of calling the C library's own). */
#include "shim.h"

#if defined(__GLIBC__) && defined(__x86_64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
#elif defined(__GLIBC__) && defined(__aarch64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.17"); /* aarch64's first glibc */
#elif defined(__GLIBC__)
#error "the oldest glibc symbol version of this architecture is not known here"
#endif
/* musl (this library built with musl-gcc, for musl programs): dlsym is always in its libc. */
extern void *dlsym(void *, const char *) __attribute__((weak));

void *next(void **cache, const char *name) {
  void *f = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
  if (f == 0 && dlsym != 0) {
    f = dlsym(RTLD_NEXT, name);
    __atomic_store_n(cache, f, __ATOMIC_RELEASE);
  }
  return f;
}
