/* x86_64: the entry point and the system calls the launcher uses. Everything else in the
 * launcher is architecture-independent; another architecture adds its own arch.h. */
#ifndef ELFPACK_LAUNCHER_ARCH_H
#define ELFPACK_LAUNCHER_ARCH_H

#define SYS_WRITE 1
#define SYS_EXECVE 59
#define SYS_GETCWD 79
#define SYS_EXIT_GROUP 231
#define SYS_READLINKAT 267
#define SYS_FACCESSAT 269

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
