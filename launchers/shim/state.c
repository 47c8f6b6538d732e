/* elfpack's path shim: a small shared library the launcher has the bundled dynamic linker load
 * before the program (ld.so --preload, so child processes do not inherit it as they would
 * LD_PRELOAD). A program that opens, stats, lists, reads links of or executes an absolute path
 * the bundle serves (e.g. under /usr/share/rig) gets the bundle's copy, in <dir>/root/<path>;
 * every other path goes to the real file system untouched.
 *
 *   <dir>/shim.so       this library
 *   <dir>/root.index    the paths served, searched in memory (index.c)
 *   <dir>/root/...      the files, at their absolute paths
 *   <dir>/env.list      optional: NAME=path lines (environment.c)
 *   <dir>/programs.list who each bundled program is (identity.c)
 *   <dir>/libraries.list optional: each library's original path (dladdr.c)
 *
 * This file finds <dir> from this library's own path as the linker loaded it, and loads the
 * lists at start-up, before the program runs (and before any thread). The interposed functions
 * are in files.c, dirs.c, cwd.c, stdio.c, dlopen.c, dladdr.c, exec.c, shell.c: those of glibc's x86_64 (and aarch64) ABI, including
 * the __xstat-era and _FORTIFY_SOURCE (__open_2) entry points that programs built against older
 * glibc call. Every libc symbol is bound to its oldest version (next.c), so one shim serves any
 * glibc a bundle carries. */
#include "shim.h"

#include <link.h>

char root[SHIM_PATH_MAX];
unsigned long root_length;
char dir_path[SHIM_PATH_MAX];
unsigned long dir_length;
char root_real[SHIM_PATH_MAX];
unsigned long root_real_length;

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

/* root as the kernel names it (getcwd, /proc/self/fd): the linker may have been given a path
 * with ".." or links in it. From /proc when it is there, else root without "." and "..". */
static void find_root_real(void) {
  if (!normalise(root, root_real)) return;
  root_real_length = length(root_real);
  const long fd = SYSCALL(SYS_openat, AT_FDCWD, root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  char proc[32] = "/proc/self/fd/";
  fd_path(fd, proc);
  char link[SHIM_PATH_MAX];
  const long n = SYSCALL(SYS_readlinkat, AT_FDCWD, proc, link, sizeof link - 1);
  SYSCALL(SYS_close, fd);
  if (n <= 0 || link[0] != '/') return;
  for (long i = 0; i < n; i++) root_real[i] = link[i];
  root_real[n] = '\0';
  root_real_length = (unsigned long)n;
}

void fd_path(int fd, char *proc) {
  unsigned long at = length(proc);
  char digits[12];
  int k = 0;
  for (unsigned int v = (unsigned int)fd; k == 0 || v != 0; v /= 10) digits[k++] = (char)('0' + v % 10);
  while (k > 0) proc[at++] = digits[--k];
  proc[at] = '\0';
}

/* Whether `path`, as the kernel gives it, is in the bundle's root/: the rest (the logical path,
 * "/" for root/ itself), or 0. */
const char *in_bundle_root(const char *path) {
  if (root_real_length == 0 || !same_bytes(path, root_real, root_real_length)) return 0;
  if (path[root_real_length] == '\0') return "/";
  return path[root_real_length] == '/' ? path + root_real_length : 0;
}

static void load(void) {
  const char *self = 0;
  dl_iterate_phdr(find_self, &self);
  if (self == 0 || self[0] != '/') return;
  unsigned long dir = 0;
  for (unsigned long i = 0; self[i] != '\0'; i++)
    if (self[i] == '/') dir = i;
  if (dir + sizeof "/programs.list" >= SHIM_PATH_MAX) return;
  for (unsigned long i = 0; i < dir; i++) dir_path[i] = root[i] = self[i];
  dir_path[dir] = '\0';
  dir_length = dir;
  const char *name = "/root";
  for (unsigned long i = 0; i <= length(name); i++) root[dir + i] = name[i];
  root_length = dir + length(name);
  find_root_real();

  /* Who this process is, found now, before any thread: later answers only read it. */
  load_identity();
  set_environment();
  load_index();
  load_cwd();
  load_library_names();
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
