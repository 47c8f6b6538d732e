/* System calls made inline, for the path shim (glibc's syscall() is a variadic call of its own):
 * SYSCALL(n, args...) gives the result, or -1 with errno set, as the C library's wrappers do.
 * x86_64 and aarch64. */
#ifndef ELFPACK_SHIM_SYSCALL_H
#define ELFPACK_SHIM_SYSCALL_H

#include <errno.h>
#include <sys/syscall.h>

static inline long raw_syscall(long n, long a, long b, long c, long d, long e, long f) {
#if defined(__x86_64__)
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
  const long ret = x0;
#else
#error "raw_syscall: not written for this architecture"
#endif
  if (ret < 0 && ret > -4096) {
    errno = (int)-ret;
    return -1;
  }
  return ret;
}
#define SYSCALL6(n, a, b, c, d, e, f) \
  raw_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define SYSCALL(n, ...) SYSCALL_PICK(__VA_ARGS__, SYSCALL6_, SYSCALL5_, SYSCALL4_, SYSCALL3_, SYSCALL2_, SYSCALL1_)(n, __VA_ARGS__)
#define SYSCALL_PICK(_1, _2, _3, _4, _5, _6, NAME, ...) NAME
#define SYSCALL1_(n, a) SYSCALL6(n, a, 0, 0, 0, 0, 0)
#define SYSCALL2_(n, a, b) SYSCALL6(n, a, b, 0, 0, 0, 0)
#define SYSCALL3_(n, a, b, c) SYSCALL6(n, a, b, c, 0, 0, 0)
#define SYSCALL4_(n, a, b, c, d) SYSCALL6(n, a, b, c, d, 0, 0)
#define SYSCALL5_(n, a, b, c, d, e) SYSCALL6(n, a, b, c, d, e, 0)
#define SYSCALL6_(n, a, b, c, d, e, f) SYSCALL6(n, a, b, c, d, e, f)

#endif
