/* Which bundled program this process is, so that nothing names it after the bundled linker (what
 * the kernel ran): /proc/self/exe, /proc/<pid>/exe, /proc/thread-self/exe name the program,
 * /proc/self/cmdline shows its own arguments, getauxval(AT_EXECFN) and /proc/self/comm its name;
 * program_invocation_name is glibc's from --argv0, musl's from restore_argv0.
 * programs.list, "exe/NAME<TAB>ORIGINAL<TAB>LAUNCHER" per program (ORIGINAL: the path it had on
 * the build machine, or empty; LAUNCHER: relative to <dir>). The line of this process is found at
 * start-up, by comparing the main program's ELF header in memory with each exe file's. */
#include "shim.h"

#include <link.h>

#define SHIM_PR_SET_NAME 15 /* <linux/prctl.h> */

static char programs[8192];
static int identity_known;            /* 0: not looked for; 1: found; -1: not found */
char self_exe[SHIM_PATH_MAX], self_name[SHIM_PATH_MAX], self_launcher[SHIM_PATH_MAX];
static int self_served; /* the bundle serves the program at its original path (self_name) */

static void note_start(int argc, char **argv, char **envp);

#if !defined(__GLIBC__)
/* musl's linker (1.2.3) has no --argv0: it gives the program the path of its file in the bundle
 * as argv[0]. The launcher then puts "ELFPACK_ARGV0=" and the typed argv[0] first in the
 * environment; here argv[0] becomes that again, and both entries leave the environment. The
 * program's argv array sits just below the environment's, with argc before it (musl writes the
 * count it passes to main there). */
void restore_argv0(void) {
  char **env = environ;
  if (env == 0 || env[0] == 0 || env[1] == 0) return;
  const char *marker = "ELFPACK_ARGV0=";
  if (!same_bytes(env[0], marker, length(marker) + 1)) return;
  char *argv0 = env[1];
  for (long k = 1; k < 65536; k++) {
    if ((unsigned long)env[-k - 2] == (unsigned long)k) {  /* argc, with k pointers after it */
      char **argv = env - k - 1;
      argv[0] = argv0;
      note_start((int)k, argv, env);
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

/* The program's own command line, for /proc/self/cmdline: the kernel's shows the linker's
 * (ld.so --library-path ... --argv0 NAME <dir>/exe/NAME ARGS). Noted at start-up: argv[0] as it
 * was typed (--argv0's, or ELFPACK_ARGV0's for musl) and how many bytes the program's other
 * arguments take at the end of the kernel's argument area, where they are whatever the program
 * has written into them since, as the kernel would show them. */
static const char *typed_argv0;
static unsigned long arguments_bytes;
static unsigned long *auxv; /* the aux vector, after the environment on the stack */

static void note_start(int argc, char **argv, char **envp) {
  if (argc < 1 || argv == 0 || argv[0] == 0 || envp == 0) return;
  if (argc > 1) {
    const char *last = argv[argc - 1];
    const char *end = last + length(last) + 1;
    if (end < argv[1]) return;  /* not the kernel's area, in order: leave cmdline alone */
    arguments_bytes = (unsigned long)(end - argv[1]);
  }
  typed_argv0 = argv[0];
  char **e = envp;
  while (*e != 0) e++;
  auxv = (unsigned long *)(e + 1);
}

#if defined(__GLIBC__)
/* glibc calls a library's constructors with the program's argc, argv and environment (argv once
 * its linker has taken its own options out: argv[0] is --argv0's). Priority 101: before the
 * shim's own start-up (initialise), which uses what this notes. */
__attribute__((constructor(101))) static void note_glibc_start(int argc, char **argv, char **envp) {
  note_start(argc, argv, envp);
}
#endif

/* Once the program is known: AT_EXECFN (the linker's file, or glibc's linker makes it the
 * program's file in the bundle) names the program as /proc/self/exe does, rewritten in the aux
 * vector that getauxval reads (glibc's and musl's both read it where the kernel put it); the
 * process's name (/proc/self/comm, ps, pkill) is the launcher's, as an exec of it would make it. */
static void present_identity(void) {
  for (unsigned long *a = auxv; a != 0 && a[0] != AT_NULL; a += 2) {
    if (a[0] == AT_EXECFN) a[1] = (unsigned long)self_name;
  }
  const char *name = typed_argv0 != 0 ? typed_argv0 : self_name;
  const char *base = name;
  for (const char *c = name; *c != '\0'; c++)
    if (*c == '/') base = c + 1;
  char comm[16]; /* the kernel keeps 15 bytes */
  unsigned long n = 0;
  for (; base[n] != '\0' && n < sizeof comm - 1; n++) comm[n] = base[n];
  comm[n] = '\0';
  if (n > 0) SYSCALL(SYS_prctl, SHIM_PR_SET_NAME, comm, 0, 0, 0);
}

/* What follows "/proc/self/", "/proc/thread-self/", "/proc/<this process>/" (and their
 * "task/<thread>/") in `path`, or 0 when it is not a file of this process under /proc. */
static const char *own_proc_file(const char *path) {
  if (path == 0 || !same_bytes(path, "/proc/", 6)) return 0;
  const char *p = path + 6;
  if (same_bytes(p, "thread-self/", 12)) return p + 12;
  if (same_bytes(p, "self/", 5)) {
    p += 5;
  } else {
    long n = 0;
    const char *d = p;
    for (; *d >= '0' && *d <= '9' && d - p < 10; d++) n = n * 10 + (*d - '0');
    if (d == p || *d != '/') return 0;
    if (n != SYSCALL(SYS_getpid, 0) && n != SYSCALL(SYS_gettid, 0)) return 0;
    p = d + 1;
  }
  if (same_bytes(p, "task/", 5)) {
    const char *d = p + 5;
    while (*d >= '0' && *d <= '9') d++;
    if (d == p + 5 || *d != '/') return 0;
    p = d + 1;
  }
  return p;
}

/* "/proc/self/exe", "/proc/<this process>/exe" and the like: the bundled linker, for the kernel;
 * the program, here. */
int is_self_exe(const char *path) {
  if (path == 0 || path[0] != '/' || path[1] != 'p') return 0;
  const char *file = own_proc_file(path);
  return file != 0 && same_bytes(file, "exe", 4);
}

int is_own_cmdline(const char *path) {
  if (path == 0 || path[0] != '/' || path[1] != 'p' || typed_argv0 == 0) return 0;
  const char *file = own_proc_file(path);
  return file != 0 && same_bytes(file, "cmdline", 8);
}

static int write_all(long fd, const char *bytes, unsigned long n) {
  while (n > 0) {
    const long done = SYSCALL(SYS_write, fd, bytes, n);
    if (done <= 0) return 0;
    bytes += done;
    n -= (unsigned long)done;
  }
  return 1;
}

/* The program's command line in a memory file (memfd_create): argv[0] as typed, then the last
 * arguments_bytes of the kernel's. -1 when it cannot be made (the caller opens the real one). */
int open_cmdline(int flags) {
  const int saved = errno;
  long out = -1;
  const long real = SYSCALL(SYS_openat, AT_FDCWD, "/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (real < 0) goto fail;
  char chunk[4096];
  unsigned long total = 0;
  long got;
  while ((got = SYSCALL(SYS_read, real, chunk, sizeof chunk)) > 0) total += (unsigned long)got;
  /* The program's arguments follow the NUL that ends the linker's last string (the exe's path). */
  if (got < 0 || total <= arguments_bytes) goto fail;
  unsigned long at = total - arguments_bytes;
  if (SYSCALL(SYS_pread64, real, chunk, 1, at - 1) != 1 || chunk[0] != '\0') goto fail;
  out = SYSCALL(SYS_memfd_create, "cmdline", (flags & O_CLOEXEC) ? 1u /* MFD_CLOEXEC */ : 0);
  if (out < 0 || !write_all(out, typed_argv0, length(typed_argv0) + 1)) goto fail;
  while ((got = SYSCALL(SYS_pread64, real, chunk, sizeof chunk, at)) > 0) {
    if (!write_all(out, chunk, (unsigned long)got)) goto fail;
    at += (unsigned long)got;
  }
  if (got < 0 || SYSCALL(SYS_lseek, out, 0, SEEK_SET) != 0) goto fail;
  SYSCALL(SYS_close, real);
  errno = saved;
  return (int)out;
fail:
  if (real >= 0) SYSCALL(SYS_close, real);
  if (out >= 0) SYSCALL(SYS_close, out);
  errno = saved;
  return -1;
}

void load_identity(void) {
  read_small_file("/programs.list", programs, sizeof programs);
  if (programs[0] != '\0' && find_identity()) present_identity();
}

/* Which bundled program this process is: self_exe (its file in the bundle), self_name (what
 * /proc/self/exe says: its original path, else that file), self_launcher (what re-runs it). */
int find_identity(void) {
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

/* Whether `real` (a resolved path) is this program's own launcher, bin/NAME: what argv[0] names
 * when it is run from the bundle. */
int is_own_launcher(const char *real, char *(*resolve)(const char *, char *)) {
  static char launcher_real[SHIM_PATH_MAX];
  static int known; /* 0: not looked for; 1: in launcher_real; -1: none */
  if (!find_identity() || !self_served) return 0;
  if (known == 0) known = resolve(self_launcher, launcher_real) != 0 ? 1 : -1;
  return known > 0 && same_bytes(real, launcher_real, length(launcher_real) + 1);
}
