/* Directories: opendir, the C library's own on the mapped path (without dlsym: open + fdopendir). */
#include "shim.h"

static void *next_opendir;

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
