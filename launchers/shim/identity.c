/* Which bundled program this process is, so that /proc/self/exe (the bundled linker, for the
 * kernel) names the program: programs.list, "exe/NAME<TAB>ORIGINAL<TAB>LAUNCHER" per program
 * (ORIGINAL: the path it had on the build machine, or empty; LAUNCHER: relative to <dir>). The
 * line of this process is found at start-up, by comparing the main program's ELF header in
 * memory with each exe file's. Also musl's argv[0] (restore_argv0). */
#include "shim.h"

#include <link.h>

static char programs[8192];
static int identity_known;            /* 0: not looked for; 1: found; -1: not found */
char self_exe[SHIM_PATH_MAX], self_name[SHIM_PATH_MAX], self_launcher[SHIM_PATH_MAX];
static int self_served; /* the bundle serves the program at its original path (self_name) */

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

void load_identity(void) {
  read_small_file("/programs.list", programs, sizeof programs);
  if (programs[0] != '\0') find_identity();
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

/* "/proc/self/exe" (or thread-self): the bundled linker, for the kernel; the program, here. */
int is_self_exe(const char *path) {
  if (path == 0 || path[0] != '/' || path[1] != 'p') return 0;
  const char *a = "/proc/self/exe", *b = "/proc/thread-self/exe";
  return same_bytes(path, a, length(a) + 1) || same_bytes(path, b, length(b) + 1);
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
