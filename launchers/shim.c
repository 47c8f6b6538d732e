/* elfpack's path shim: a small shared library the launcher has the bundled dynamic linker load
 * before the program (ld.so --preload, so child processes do not inherit it as they would
 * LD_PRELOAD). A program that opens, stats, lists, reads links of or executes an absolute path
 * under one of the prefixes its bundle carries (e.g. /usr/share/rig) gets the bundle's copy, in
 * <dir>/root/<path>; every other path goes to the real file system untouched.
 *
 *   <dir>/shim.so       this library
 *   <dir>/root.list     the prefixes, one absolute path per line ("/usr/share/rig")
 *   <dir>/root/...      the files, at their absolute paths
 *   <dir>/env.list      optional: NAME=path lines (path relative to <dir>) set when NAME is unset,
 *                       e.g. GCONV_PATH=root/usr/lib/x86_64-linux-gnu/gconv: glibc loads its
 *                       iconv converters itself, with no call this library can see
 *
 * <dir> is found from this library's own path as the linker loaded it. The interposed functions
 * are those of glibc's x86_64 (and aarch64) ABI, including the __xstat-era and _FORTIFY_SOURCE (__open_2)
 * entry points that programs built against older glibc call. The stat, open and access families
 * are system calls (what glibc's are on Linux); fopen, freopen, opendir and execvp call the next
 * definition (the C library's) with the mapped path. Every libc symbol is bound to its oldest
 * version (GLIBC_2.2.5; aarch64: GLIBC_2.17), so one shim serves any glibc a bundle carries. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* dlsym: glibc >= 2.34 has it in libc.so.6, also at its first version, GLIBC_2.2.5; older ones
 * only in libdl.so.2, which a program may not load. So the reference is weak and pinned to that
 * version: where dlsym is missing, fopen/opendir/execvp are done with open + fdopen/fdopendir
 * and a PATH walk instead of calling the C library's own. */
#if defined(__GLIBC__) && defined(__x86_64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
#elif defined(__GLIBC__) && defined(__aarch64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.17"); /* aarch64's first glibc */
#elif defined(__GLIBC__)
#error "the oldest glibc symbol version of this architecture is not known here"
#else
/* musl (this file built with musl-gcc, for musl programs): dlsym is always in its libc, and its
 * headers make the *64 names macros for the plain ones, which are defined here as aliases. */
#undef open64
#undef openat64
#undef creat64
#undef fopen64
#undef freopen64
#endif
extern void *dlsym(void *, const char *) __attribute__((weak));


/* System calls made inline (glibc's syscall() is a variadic call of its own): the result, or -1
 * with errno set, as the C library's wrappers do. x86_64 and aarch64. */
static inline long raw_syscall(long n, long a, long b, long c, long d, long e) {
#if defined(__x86_64__)
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
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
#define SYSCALL5(n, a, b, c, d, e) raw_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e))
#define SYSCALL(n, ...) SYSCALL_PICK(__VA_ARGS__, SYSCALL5_, SYSCALL4_, SYSCALL3_, SYSCALL2_, SYSCALL1_)(n, __VA_ARGS__)
#define SYSCALL_PICK(_1, _2, _3, _4, _5, NAME, ...) NAME
#define SYSCALL1_(n, a) SYSCALL5(n, a, 0, 0, 0, 0)
#define SYSCALL2_(n, a, b) SYSCALL5(n, a, b, 0, 0, 0)
#define SYSCALL3_(n, a, b, c) SYSCALL5(n, a, b, c, 0, 0)
#define SYSCALL4_(n, a, b, c, d) SYSCALL5(n, a, b, c, d, 0)
#define SYSCALL5_(n, a, b, c, d, e) SYSCALL5(n, a, b, c, d, e)

#define EXPORT __attribute__((visibility("default")))
/* <sys/stat.h> is not included: its prototypes (struct stat64 for stat64...) are not how these
 * entry points are defined here; on x86_64 and aarch64 every one of them takes the kernel's
 * struct stat. */
#define SHIM_PATH_MAX 4096
#define MAX_PREFIXES 64

static char root[SHIM_PATH_MAX];   /* <dir>/root */
/* The variables this library set (env.list), "NAME=value" as in the environment: a child gets
 * them only if the program set them itself, so they are taken out of an exec's environment
 * while they still hold the value set here. */
static char set_variables[4][SHIM_PATH_MAX + 64];
static int set_variable_count;
static unsigned long root_length;
static char list[16384];           /* root.list, its lines NUL-terminated in place */
/* programs.list: "exe/NAME<TAB>ORIGINAL<TAB>LAUNCHER" per program (ORIGINAL: the path it had on
 * the build machine, or empty; LAUNCHER: relative to <dir>). Which line is this process is found
 * at start-up, by comparing the main program's ELF header in memory with each exe file's. */
static char programs[8192];
static char dir_path[SHIM_PATH_MAX];  /* <dir> */
static unsigned long dir_length;
static int identity_known;            /* 0: not looked for; 1: found; -1: not found */
static char self_exe[SHIM_PATH_MAX], self_name[SHIM_PATH_MAX], self_launcher[SHIM_PATH_MAX];
static int self_served; /* the bundle serves the program at its original path (self_name) */
static const char *prefixes[MAX_PREFIXES];
static unsigned long prefix_lengths[MAX_PREFIXES];
static int prefix_count;

static unsigned long length(const char *s) {
  unsigned long n = 0;
  while (s[n] != '\0') n++;
  return n;
}

static int same_bytes(const char *a, const char *b, unsigned long n) {
  for (unsigned long i = 0; i < n; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

static int find_self(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  const unsigned long self = (unsigned long)&find_self;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    const unsigned long start = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && self >= start && self - start < ph->p_memsz) {
      *(const char **)data = info->dlpi_name;
      return 1;
    }
  }
  return 0;
}

/* env.list: NAME=relative lines; `path` holds "<dir>/root.list" and is reused. */
static void set_environment(char *path, unsigned long dir) {
  const char *name = "/env.list";
  for (unsigned long i = 0; i <= length(name); i++) path[dir + i] = name[i];
  char text[4096];
  const long fd = SYSCALL(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    long used = 0, got;
    while (used < (long)sizeof text - 1 && (got = SYSCALL(SYS_read, fd, text + used, sizeof text - 1 - used)) > 0) used += got;
    SYSCALL(SYS_close, fd);
    text[used] = '\0';
    char *line = text;
    for (long i = 0; i <= used; i++) {
      if (text[i] != '\n' && text[i] != '\0') continue;
      text[i] = '\0';
      char *equals = line;
      while (*equals != '\0' && *equals != '=') equals++;
      if (*equals == '=' && equals != line) {
        *equals = '\0';
        char value[SHIM_PATH_MAX];
        const unsigned long n = length(equals + 1);
        if (getenv(line) == 0 && dir + 1 + n < sizeof value) {
          for (unsigned long k = 0; k < dir; k++) value[k] = path[k];
          value[dir] = '/';
          for (unsigned long k = 0; k <= n; k++) value[dir + 1 + k] = equals[1 + k];
          if (setenv(line, value, 0) == 0 && set_variable_count < 4) {
            char *entry = set_variables[set_variable_count++];
            unsigned long at = 0;
            for (unsigned long k = 0; line[k] != '\0' && at < sizeof set_variables[0] - 2; k++) entry[at++] = line[k];
            entry[at++] = '=';
            for (unsigned long k = 0; value[k] != '\0' && at < sizeof set_variables[0] - 1; k++) entry[at++] = value[k];
            entry[at] = '\0';
          }
        }
      }
      line = text + i + 1;
    }
  }
  name = "/root.list";
  for (unsigned long i = 0; i <= length(name); i++) path[dir + i] = name[i];
}

static void load_prefixes(void);
static void read_small_file(const char *name, char *out, unsigned long size);
static int find_identity(void);

#ifndef __GLIBC__
/* musl's linker (1.2.3) has no --argv0: it gives the program the path of its file in the bundle
 * as argv[0]. The launcher then puts "ELFPACK_ARGV0=" and the typed argv[0] first in the
 * environment; here argv[0] becomes that again, and both entries leave the environment. The
 * program's argv array sits just below the environment's, with argc before it (musl writes the
 * count it passes to main there). */
static void restore_argv0(void) {
  char **env = environ;
  if (env == 0 || env[0] == 0 || env[1] == 0) return;
  const char *marker = "ELFPACK_ARGV0=";
  if (!same_bytes(env[0], marker, length(marker) + 1)) return;
  char *argv0 = env[1];
  for (long k = 1; k < 65536; k++) {
    if ((unsigned long)env[-k - 2] == (unsigned long)k) {  /* argc, with k pointers after it */
      char **argv = env - k - 1;
      argv[0] = argv0;
      program_invocation_name = argv0;
      const char *base = argv0;
      for (const char *c = argv0; *c != '\0'; c++)
        if (*c == '/') base = c + 1;
      program_invocation_short_name = (char *)base;
      break;
    }
  }
  long i = 0;
  do env[i] = env[i + 2]; while (env[i++] != 0);
}
#endif

/* The program must not see anything of this: errno as it was. */
__attribute__((constructor)) static void initialise(void) {
  const int saved = errno;
#ifndef __GLIBC__
  restore_argv0();
#endif
  load_prefixes();
  errno = saved;
}

static void load_prefixes(void) {
  const char *self = 0;
  dl_iterate_phdr(find_self, &self);
  if (self == 0 || self[0] != '/') return;
  unsigned long dir = 0;
  for (unsigned long i = 0; self[i] != '\0'; i++)
    if (self[i] == '/') dir = i;
  if (dir + sizeof "/root.list" >= SHIM_PATH_MAX) return;
  char path[SHIM_PATH_MAX];
  for (unsigned long i = 0; i < dir; i++) path[i] = root[i] = self[i];
  const char *name = "/root.list";
  for (unsigned long i = 0; i <= length(name); i++) path[dir + i] = name[i];
  root[dir] = '/', root[dir + 1] = 'r', root[dir + 2] = 'o', root[dir + 3] = 'o', root[dir + 4] = 't', root[dir + 5] = 0;
  root_length = dir + 5;

  for (unsigned long i = 0; i < dir; i++) dir_path[i] = self[i];
  dir_path[dir] = '\0';
  dir_length = dir;
  read_small_file("/programs.list", programs, sizeof programs);
  /* Who this process is, found now, before any thread: later answers only read it. */
  if (programs[0] != '\0') find_identity();
  set_environment(path, dir);
  const long fd = SYSCALL(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  long used = 0, got;
  while (used < (long)sizeof list - 1 && (got = SYSCALL(SYS_read, fd, list + used, sizeof list - 1 - used)) > 0) used += got;
  SYSCALL(SYS_close, fd);
  list[used] = '\0';
  char *line = list;
  for (long i = 0; i <= used && prefix_count < MAX_PREFIXES; i++) {
    if (list[i] != '\n' && list[i] != '\0') continue;
    list[i] = '\0';
    if (line[0] == '/' && line[1] != '\0') {
      prefixes[prefix_count] = line;
      prefix_lengths[prefix_count++] = length(line);
    }
    line = list + i + 1;
  }
}

static int contains_slash(const char *s) {
  for (; *s != '\0'; s++)
    if (*s == '/') return 1;
  return 0;
}


/* <dir>/NAME into `out` (NUL-terminated, at most size - 1 bytes); empty when it cannot be read. */
static void read_small_file(const char *name, char *out, unsigned long size) {
  char path[SHIM_PATH_MAX];
  const unsigned long n = length(name);
  out[0] = '\0';
  if (dir_length + n + 1 > sizeof path) return;
  for (unsigned long i = 0; i < dir_length; i++) path[i] = dir_path[i];
  for (unsigned long i = 0; i <= n; i++) path[dir_length + i] = name[i];
  const long fd = SYSCALL(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  long used = 0, got;
  while (used < (long)size - 1 && (got = SYSCALL(SYS_read, fd, out + used, size - 1 - used)) > 0) used += got;
  SYSCALL(SYS_close, fd);
  out[used] = '\0';
}

static int main_header(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_LOAD && ph->p_offset == 0) {
      *(const unsigned char **)data = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
      return 1;
    }
  }
  return 1;  /* only the first object: the program */
}

/* dir_path + "/" + relative into out. */
static void in_dir(const char *relative, unsigned long n, char *out) {
  unsigned long at = 0;
  for (unsigned long i = 0; i < dir_length && at < SHIM_PATH_MAX - 1; i++) out[at++] = dir_path[i];
  if (at < SHIM_PATH_MAX - 1) out[at++] = '/';
  for (unsigned long i = 0; i < n && at < SHIM_PATH_MAX - 1; i++) out[at++] = relative[i];
  out[at] = '\0';
}

/* Which bundled program this process is: self_exe (its file in the bundle), self_name (what
 * /proc/self/exe says: its original path, else that file), self_launcher (what re-runs it). */
static int find_identity(void) {
  if (identity_known != 0) return identity_known > 0;
  identity_known = -1;
  const unsigned char *header = 0;
  dl_iterate_phdr(main_header, &header);
  if (header == 0) return 0;
  for (char *line = programs; *line != '\0';) {
    char *end = line;
    while (*end != '\0' && *end != '\n') end++;
    char *fields[3] = {line, 0, 0};
    unsigned long lengths[3] = {0, 0, 0};
    int f = 0;
    for (char *c = line; c <= end && f < 3; c++) {
      if (c == end || *c == '\t') {
        lengths[f] = (unsigned long)(c - fields[f]);
        if (++f < 3) fields[f] = c + 1;
      }
    }
    if (f == 3) {
      char exe[SHIM_PATH_MAX];
      in_dir(fields[0], lengths[0], exe);
      unsigned char bytes[64];
      const long fd = SYSCALL(SYS_openat, AT_FDCWD, exe, O_RDONLY | O_CLOEXEC);
      long got = -1;
      if (fd >= 0) {
        got = SYSCALL(SYS_pread64, fd, bytes, sizeof bytes, 0);
        SYSCALL(SYS_close, fd);
      }
      if (got == (long)sizeof bytes && same_bytes((const char *)bytes, (const char *)header, sizeof bytes)) {
        for (unsigned long i = 0; i <= length(exe); i++) self_exe[i] = exe[i];
        if (lengths[1] > 0 && lengths[1] < SHIM_PATH_MAX) {
          for (unsigned long i = 0; i < lengths[1]; i++) self_name[i] = fields[1][i];
          self_name[lengths[1]] = '\0';
          self_served = 1;
        } else {
          for (unsigned long i = 0; i <= length(exe); i++) self_name[i] = exe[i];
        }
        in_dir(fields[2], lengths[2], self_launcher);
        identity_known = 1;
        return 1;
      }
    }
    line = *end == '\0' ? end : end + 1;
  }
  return 0;
}

/* "/proc/self/exe" (or thread-self): the bundled linker, for the kernel; the program, here. */
static int is_self_exe(const char *path) {
  if (path == 0 || path[0] != '/' || path[1] != 'p') return 0;
  const char *a = "/proc/self/exe", *b = "/proc/thread-self/exe";
  return same_bytes(path, a, length(a) + 1) || same_bytes(path, b, length(b) + 1);
}

/* Whether the bundle carries `path`. */
static int carried(const char *path) {
  if (path == 0 || path[0] != '/') return 0;
  for (int p = 0; p < prefix_count; p++) {
    const unsigned long n = prefix_lengths[p];
    if (same_bytes(path, prefixes[p], n) && (path[n] == '/' || path[n] == '\0')) return 1;
  }
  return 0;
}

static int has_dot_component(const char *path) {
  for (const char *p = path; *p != '\0'; p++)
    if (p[0] == '/' && p[1] == '.') return 1;
  return 0;
}

/* `path` without "." and ".." components (lexically: the program's own view of a tree it
 * believes it lives in) into `out`; 0 when there was nothing to remove or it is too long. */
static int normalise(const char *path, char *out) {
  unsigned long at = 0;
  int changed = 0;
  for (const char *p = path; *p != '\0';) {
    while (*p == '/') p++;
    const char *end = p;
    while (*end != '\0' && *end != '/') end++;
    const unsigned long n = (unsigned long)(end - p);
    if (n == 1 && p[0] == '.') {
      changed = 1;
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      changed = 1;
      while (at > 0 && out[at - 1] != '/') at--;
      if (at > 0) at--;
    } else if (n > 0) {
      if (at + 1 + n >= SHIM_PATH_MAX) return 0;
      out[at++] = '/';
      for (unsigned long i = 0; i < n; i++) out[at++] = p[i];
    }
    p = end;
  }
  if (at == 0) out[at++] = '/';
  out[at] = '\0';
  return changed;
}

/* The bundle's path for `path` in `buffer`, or `path` itself when the bundle does not carry it. */
static const char *map(const char *path, char *buffer) {
  if (is_self_exe(path)) {
    const int saved = errno;
    const int found = find_identity();
    errno = saved;
    return found ? self_exe : path;
  }
  if (!carried(path)) {
    // "/usr/bin/../share/x", as a program that found itself at /usr/bin builds it; only paths
    // with a "/." in them are looked at again.
    if (path == 0 || path[0] != '/' || !has_dot_component(path)) return path;
    char normal[SHIM_PATH_MAX];
    if (!normalise(path, normal) || !carried(normal)) return path;
    return map(normal, buffer) == normal ? path : buffer;
  }
  {
    const unsigned long rest = length(path);
    if (root_length + rest >= SHIM_PATH_MAX) return path;
    for (unsigned long i = 0; i < root_length; i++) buffer[i] = root[i];
    for (unsigned long i = 0; i <= rest; i++) buffer[root_length + i] = path[i];
    return buffer;
  }
}

/* The C library's definition of `name`, found once. */
static void *next(void **cache, const char *name) {
  void *f = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
  if (f == 0 && dlsym != 0) {
    f = dlsym(RTLD_NEXT, name);
    __atomic_store_n(cache, f, __ATOMIC_RELEASE);
  }
  return f;
}

#define NEXT(type, name) ((type)next(&next_##name, #name))

static int mode_of(int flags, va_list args) {
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(args, int) : 0;
}

/* open family: system calls on the mapped path. */
static int open_mapped(int dirfd, const char *path, int flags, int mode) {
  char buffer[SHIM_PATH_MAX];
  return (int)SYSCALL(SYS_openat, dirfd, map(path, buffer), flags, mode);
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
static int stat_mapped(int dirfd, const char *path, void *st, int flags) {
  char buffer[SHIM_PATH_MAX];
  return (int)SYSCALL(SYS_newfstatat, dirfd, map(path, buffer), st, flags);
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
  return (int)SYSCALL(SYS_statx, dirfd, map(path, buffer), flags, mask, st);
}

/* access, readlink */
EXPORT int faccessat(int dirfd, const char *path, int mode, int flags) {
  char buffer[SHIM_PATH_MAX];
  const char *mapped = map(path, buffer);
  /* faccessat2 knows the flags; kernels before 5.8 lack it, and the plain call has none. */
  long r = SYSCALL(SYS_faccessat2, dirfd, mapped, mode, flags);
  if (r < 0 && errno == ENOSYS && flags == 0) r = SYSCALL(SYS_faccessat, dirfd, mapped, mode);
  return (int)r;
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
  return SYSCALL(SYS_readlinkat, dirfd, map(path, buffer), out, size);
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

/* Whether `real` (a resolved path) is this program's own launcher, bin/NAME: what argv[0] names
 * when it is run from the bundle. */
static int is_own_launcher(const char *real, char *(*resolve)(const char *, char *)) {
  static char launcher_real[SHIM_PATH_MAX];
  static int known; /* 0: not looked for; 1: in launcher_real; -1: none */
  if (!find_identity() || !self_served) return 0;
  if (known == 0) known = resolve(self_launcher, launcher_real) != 0 ? 1 : -1;
  return known > 0 && same_bytes(real, launcher_real, length(launcher_real) + 1);
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
  if (result != 0 && mapped != path && same_bytes(result, root, root_length) && result[root_length] == '/') {
    unsigned long i = 0;
    for (; result[root_length + i] != '\0'; i++) result[i] = result[root_length + i];
    result[i] = '\0';
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

/* stdio and directories: the C library's own, on the mapped path. */
static void *next_fopen, *next_fopen64, *next_freopen, *next_freopen64, *next_opendir, *next_execvp;
typedef FILE *(*fopen_fn)(const char *, const char *);
typedef FILE *(*freopen_fn)(const char *, const char *, FILE *);

/* fopen without the C library's fopen (no dlsym): its mode, as open flags. */
static FILE *open_stream(const char *path, const char *mode) {
  int flags = mode[0] == 'r' ? O_RDONLY : mode[0] == 'w' ? O_WRONLY | O_CREAT | O_TRUNC : O_WRONLY | O_CREAT | O_APPEND;
  for (const char *m = mode + 1; *m != '\0' && *m != ','; m++) {
    if (*m == '+') flags = (flags & ~O_ACCMODE) | O_RDWR;
    if (*m == 'e') flags |= O_CLOEXEC;
    if (*m == 'x') flags |= O_EXCL;
  }
  const int fd = open_mapped(AT_FDCWD, path, flags, 0666);
  if (fd < 0) return 0;
  FILE *f = fdopen(fd, mode);
  if (f == 0) SYSCALL(SYS_close, fd);
  return f;
}

EXPORT FILE *fopen(const char *path, const char *mode) {
  char buffer[SHIM_PATH_MAX];
  fopen_fn f = NEXT(fopen_fn, fopen);
  return f != 0 ? f(map(path, buffer), mode) : open_stream(path, mode);
}
EXPORT FILE *fopen64(const char *path, const char *mode) {
  char buffer[SHIM_PATH_MAX];
  fopen_fn f = NEXT(fopen_fn, fopen64);
  return f != 0 ? f(map(path, buffer), mode) : open_stream(path, mode);
}
static FILE *reopen(freopen_fn f, const char *path, const char *mode, FILE *stream) {
  char buffer[SHIM_PATH_MAX];
  if (f == 0) {
    errno = ENOSYS;
    return 0;
  }
  return f(path == 0 ? 0 : map(path, buffer), mode, stream);
}
EXPORT FILE *freopen(const char *path, const char *mode, FILE *stream) {
  return reopen(NEXT(freopen_fn, freopen), path, mode, stream);
}
EXPORT FILE *freopen64(const char *path, const char *mode, FILE *stream) {
  return reopen(NEXT(freopen_fn, freopen64), path, mode, stream);
}
EXPORT DIR *opendir(const char *path) {
  char buffer[SHIM_PATH_MAX];
  DIR *(*f)(const char *) = NEXT(DIR * (*)(const char *), opendir);
  if (f != 0) return f(map(path, buffer));
  const int fd = open_mapped(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0) return 0;
  DIR *d = fdopendir(fd);
  if (d == 0) SYSCALL(SYS_close, fd);
  return d;
}

/* dlopen: a library the bundle carries at an absolute path is loaded from the bundle. Any other
 * call goes on to the C library's dlopen as a tail call, so that it still sees the program as its
 * caller (whose RUNPATH and $ORIGIN a dlopen by name uses). */
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

/* exec: a helper at an absolute path the bundle carries runs from the bundle (a bundled program
 * at the path it had on the build machine, too), with an environment free of what this library
 * set. */
#define MAX_ENVIRONMENT 4096
EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
  char buffer[SHIM_PATH_MAX];
  char *clean[MAX_ENVIRONMENT];
  if (set_variable_count > 0 && envp != 0) {
    int n = 0, dropped = 0;
    for (int i = 0; envp[i] != 0; i++) {
      int ours = 0;
      for (int v = 0; v < set_variable_count; v++) {
        const unsigned long len = length(set_variables[v]);
        ours |= same_bytes(envp[i], set_variables[v], len + 1);
      }
      if (ours) {
        dropped = 1;
      } else if (n < MAX_ENVIRONMENT - 1) {
        clean[n++] = envp[i];
      }
    }
    clean[n] = 0;
    if (dropped) envp = clean;
  }
  if (is_self_exe(path) && find_identity()) return (int)SYSCALL(SYS_execve, self_launcher, argv, envp);
  return (int)SYSCALL(SYS_execve, map(path, buffer), argv, envp);
}
EXPORT int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

/* execvp of a name: the PATH walk, so that a bundled program found on the PATH of the build
 * machine (say /usr/bin/rig) runs from the bundle; the first candidate that exists on this
 * machine otherwise, through the C library. */
static int exec_path(const char *file, char *const argv[], char *const envp[]) {
  const char *path = getenv("PATH");
  if (path == 0) path = "/bin:/usr/bin";
  char candidate[SHIM_PATH_MAX];
  const unsigned long name = length(file);
  for (const char *p = path;; p++) {
    const char *end = p;
    while (*end != '\0' && *end != ':') end++;
    const unsigned long dir = (unsigned long)(end - p);
    if (dir > 0 && dir + 1 + name < sizeof candidate) {
      for (unsigned long i = 0; i < dir; i++) candidate[i] = p[i];
      candidate[dir] = '/';
      for (unsigned long i = 0; i <= name; i++) candidate[dir + 1 + i] = file[i];
      if (carried(candidate)) return execve(candidate, argv, envp);
      if (SYSCALL(SYS_faccessat, AT_FDCWD, candidate, X_OK) == 0) break;  /* the host's comes first */
    }
    if (*end == '\0') break;
    p = end;
  }
  return -1;
}

EXPORT int execvp(const char *file, char *const argv[]) {
  char buffer[SHIM_PATH_MAX];
  if (file[0] != '\0' && !contains_slash(file) && prefix_count > 0) {
    const int saved = errno;
    exec_path(file, argv, environ);
    errno = saved;
  }
  int (*f)(const char *, char *const[]) = NEXT(int (*)(const char *, char *const[]), execvp);
  if (f != 0) return f(map(file, buffer), argv);
  return execve(file, argv, environ);  /* without the C library's execvp: a path only */
}
EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
  char buffer[SHIM_PATH_MAX];
  static void *next_execvpe;
  if (file[0] != '\0' && !contains_slash(file) && prefix_count > 0) {
    const int saved = errno;
    exec_path(file, argv, envp);
    errno = saved;
  }
  int (*f)(const char *, char *const[], char *const[]) =
      NEXT(int (*)(const char *, char *const[], char *const[]), execvpe);
  if (f != 0) return f(map(file, buffer), argv, envp);
  return execve(file, argv, envp);
}

/* execl, execle, execlp: glibc's call its internal execve, so they are rebuilt here on the
 * interposed execve/execvp. */
#define MAX_EXEC_ARGS 4096
enum exec_kind { EXEC_L, EXEC_LP, EXEC_LE };

static int exec_list(enum exec_kind kind, const char *path, const char *arg, va_list *args) {
  char *list[MAX_EXEC_ARGS];
  int count = 1;
  list[0] = (char *)arg;
  while (count < MAX_EXEC_ARGS - 1 && list[count - 1] != 0) list[count++] = va_arg(*args, char *);
  list[count] = 0;
  if (kind == EXEC_LP) return execvp(path, list);
  char *const *envp = kind == EXEC_LE ? va_arg(*args, char *const *) : environ;
  return execve(path, list, envp);
}

EXPORT int execl(const char *path, const char *arg, ...) {
  va_list args;
  va_start(args, arg);
  const int r = exec_list(EXEC_L, path, arg, &args);
  va_end(args);
  return r;
}
EXPORT int execlp(const char *file, const char *arg, ...) {
  va_list args;
  va_start(args, arg);
  const int r = exec_list(EXEC_LP, file, arg, &args);
  va_end(args);
  return r;
}
EXPORT int execle(const char *path, const char *arg, ...) {
  va_list args;
  va_start(args, arg);
  const int r = exec_list(EXEC_LE, path, arg, &args);
  va_end(args);
  return r;
}

/* posix_spawn: the C library's, on the mapped path. */
static void *next_posix_spawn, *next_posix_spawnp;
typedef int (*spawn_fn)(pid_t *, const char *, const void *, const void *, char *const[], char *const[]);
EXPORT int posix_spawn(pid_t *pid, const char *path, const void *actions, const void *attributes, char *const argv[],
                       char *const envp[]) {
  char buffer[SHIM_PATH_MAX];
  spawn_fn f = NEXT(spawn_fn, posix_spawn);
  if (f == 0) return ENOSYS;
  return f(pid, map(path, buffer), actions, attributes, argv, envp);
}
EXPORT int posix_spawnp(pid_t *pid, const char *file, const void *actions, const void *attributes, char *const argv[],
                        char *const envp[]) {
  char buffer[SHIM_PATH_MAX];
  spawn_fn f = NEXT(spawn_fn, posix_spawnp);
  if (f == 0) return ENOSYS;
  return f(pid, map(file, buffer), actions, attributes, argv, envp);
}
