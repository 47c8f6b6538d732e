/* x86_64: the entry point and the system calls the launcher and the bootstrap use. Everything
 * else in them is architecture-independent; another architecture has its own arch.h
 * (aarch64/arch.h) with the same names. */
#ifndef ELFPACK_LAUNCHER_ARCH_H
#define ELFPACK_LAUNCHER_ARCH_H

/* arch/x86/entry/syscalls/syscall_64.tbl */
#define SYS_READ 0
#define SYS_WRITE 1
#define SYS_CLOSE 3
#define SYS_SOCKET 41
#define SYS_CONNECT 42
#define SYS_CLONE 56
#define SYS_EXECVE 59
#define SYS_WAIT4 61
#define SYS_KILL 62
#define SYS_GETCWD 79
#define SYS_CLOCK_GETTIME 228
#define SYS_EXIT_GROUP 231
#define SYS_OPENAT 257
#define SYS_READLINKAT 267
#define SYS_FACCESSAT 269
#define SYS_PPOLL 271
#define SYS_DUP3 292
#define SYS_PIPE2 293

#define SYS_NEWFSTATAT 262
#define SYS_GETUID 102

/* What a compressed bundle's launcher reads of struct stat (newfstatat), and open's O_NOFOLLOW,
 * which differ between architectures. */
#define STAT_SIZE 144
#define STAT_MODE_AT 24
#define STAT_UID_AT 28
#define O_NOFOLLOW 0400000

static inline long syscall3(long n, long a, long b, long c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}

static inline long syscall4(long n, long a, long b, long c, long d) {
  long ret;
  register long r10 __asm__("r10") = d;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
  return ret;
}

/* The kernel starts us with the stack pointer at argc; hand it to launcher_main with the stack
 * aligned as the ABI requires at a call. (musl: arch/x86_64/crt_arch.h.) */
__asm__(
    ".pushsection .text.start,\"ax\",@progbits\n"
    ".global _start\n"
    "_start:\n"
    "  xor %ebp, %ebp\n"
    "  mov %rsp, %rdi\n"
    "  and $-16, %rsp\n"
    "  call launcher_main\n"
    "  hlt\n"
    ".popsection\n");

#endif
