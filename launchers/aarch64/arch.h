/* aarch64: the entry point and the system calls the launcher and the bootstrap use, under the
 * names x86_64/arch.h gives them. aarch64 has only the generic system calls
 * (include/uapi/asm-generic/unistd.h): no fork, no poll, which is why the bootstrap uses clone
 * and ppoll everywhere. */
#ifndef ELFPACK_LAUNCHER_ARCH_H
#define ELFPACK_LAUNCHER_ARCH_H

#define SYS_GETCWD 17
#define SYS_DUP3 24
#define SYS_FACCESSAT 48
#define SYS_OPENAT 56
#define SYS_CLOSE 57
#define SYS_PIPE2 59
#define SYS_READ 63
#define SYS_WRITE 64
#define SYS_PPOLL 73
#define SYS_READLINKAT 78
#define SYS_EXIT_GROUP 94
#define SYS_CLOCK_GETTIME 113
#define SYS_KILL 129
#define SYS_SOCKET 198
#define SYS_CONNECT 203
#define SYS_CLONE 220
#define SYS_EXECVE 221
#define SYS_WAIT4 260

/* The number in x8, arguments in x0..x3, the result in x0; svc clobbers nothing else. */
#define SYS_NEWFSTATAT 79
#define SYS_GETUID 174

/* What a compressed bundle's launcher reads of struct stat (newfstatat), and open's O_NOFOLLOW,
 * which differ between architectures. */
#define STAT_SIZE 128
#define STAT_MODE_AT 16
#define STAT_UID_AT 24
#define O_NOFOLLOW 0100000

static inline long syscall4(long n, long a, long b, long c, long d) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return x0;
}

static inline long syscall3(long n, long a, long b, long c) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}

/* The kernel starts us with sp at argc (16-byte aligned, as the ABI wants); x29 and x30 cleared
 * end the frame chain for debuggers. (musl: arch/aarch64/crt_arch.h.) */
__asm__(
    ".pushsection .text.start,\"ax\",%progbits\n"
    ".global _start\n"
    "_start:\n"
    "  mov x29, #0\n"
    "  mov x30, #0\n"
    "  mov x0, sp\n"
    "  bl launcher_main\n"
    "  brk #0\n"
    ".popsection\n");

#endif
