/* elfpack's path shim: a small shared library the launcher has the bundled dynamic linker load
 * before the program (ld.so --preload, so child processes do not inherit it as they would
 * LD_PRELOAD). A program that opens, stats, lists, reads links of or executes an absolute path
 * the bundle serves (e.g. under /usr/share/rig) gets the bundle's copy, in <dir>/root/<path>;
 * every other path goes to the real file system untouched.
 *
 *   <dir>/shim.so       this library
 *   <dir>/root.list     the prefixes, one absolute path per line ("/usr/share/rig")
 *   <dir>/root/...      the files, at their absolute paths
 *   <dir>/env.list      optional: NAME=path lines (environment.c)
 *   <dir>/programs.list who each bundled program is (identity.c)
 *
 * This file finds <dir> from this library's own path as the linker loaded it, and loads the
 * lists at start-up, before the program runs (and before any thread). The interposed functions
 * are in files.c, dirs.c, stdio.c, exec.c: those of glibc's x86_64 (and aarch64) ABI, including
 * the __xstat-era and _FORTIFY_SOURCE (__open_2) entry points that programs built against older
 * glibc call. Every libc symbol is bound to its oldest version (next.c), so one shim serves any
 * glibc a bundle carries. */
#include "shim.h"

#include <link.h>

char root[SHIM_PATH_MAX];
unsigned long root_length;
char dir_path[SHIM_PATH_MAX];
unsigned long dir_length;

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

void read_small_file(const char *name, char *out, unsigned long size) {
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

static void load(void) {
  const char *self = 0;
  dl_iterate_phdr(find_self, &self);
  if (self == 0 || self[0] != '/') return;
  unsigned long dir = 0;
  for (unsigned long i = 0; self[i] != '\0'; i++)
    if (self[i] == '/') dir = i;
  if (dir + sizeof "/root.list" >= SHIM_PATH_MAX) return;
  for (unsigned long i = 0; i < dir; i++) dir_path[i] = root[i] = self[i];
  dir_path[dir] = '\0';
  dir_length = dir;
  const char *name = "/root";
  for (unsigned long i = 0; i <= length(name); i++) root[dir + i] = name[i];
  root_length = dir + length(name);

  /* Who this process is, found now, before any thread: later answers only read it. */
  load_identity();
  set_environment();
  load_index();
}

/* The program must not see anything of this: errno as it was. */
__attribute__((constructor)) static void initialise(void) {
  const int saved = errno;
#if !defined(__GLIBC__)
  restore_argv0();
#endif
  load();
  errno = saved;
}
