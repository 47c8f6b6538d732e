/* dladdr, dladdr1: a library the bundle carries in <dir>/lib/ is named by the path it had on the
 * build machine, as the program would have seen it there. Libraries that find their plugins,
 * data and helpers relative to their own file (GStreamer's <its directory>/gstreamer-1.0 and
 * <its prefix>/lib/.../gst-plugin-scanner) then ask for those paths, which the shim serves from
 * root/ where the bundle carries them. libraries.list, "NAME<TAB>ORIGINAL" a line: NAME the
 * file's name in lib/, ORIGINAL its path on the build machine. */
#include "shim.h"

static char names[65536];
static unsigned long names_used;

void load_library_names(void) {
  read_small_file("/libraries.list", names, sizeof names);
  names_used = length(names);
  /* Each tab and newline becomes a NUL: the names and paths are then strings in place. */
  for (unsigned long i = 0; i < names_used; i++)
    if (names[i] == '\t' || names[i] == '\n') names[i] = '\0';
}

/* The path on the build machine of `file` when it is <dir>/lib/NAME with NAME in libraries.list,
 * else file. */
static const char *listed_original(const char *file) {
  if (names_used == 0 || !same_bytes(file, dir_path, dir_length)) return file;
  const char *lib = "/lib/";
  if (!same_bytes(file + dir_length, lib, 5)) return file;
  const char *name = file + dir_length + 5;
  for (unsigned long at = 0; at < names_used;) {
    const char *entry = names + at;
    const unsigned long n = length(entry);
    const char *path = entry + n + 1;
    if (path >= names + names_used) break;
    if (same_bytes(entry, name, n + 1)) return path;
    at = (unsigned long)(path - names) + length(path) + 1;
  }
  return file;
}

/* The name a program would have seen for `file`: its libraries.list path; else, when it leads
 * into root/, the path the bundle serves it at (dlopen.c's served_name); else file itself. */
static const char *original(const char *file) {
  if (file == 0 || file[0] != '/') return file;
  const char *listed = listed_original(file);
  if (listed != file || !serves_anything()) return listed;
  const int saved = errno;
  const char *name = served_name(file);
  errno = saved;
  return name;
}

static void *next_dladdr;
static void *next_dladdr1;
typedef int (*dladdr_fn)(const void *, Dl_info *);
typedef int (*dladdr1_fn)(const void *, Dl_info *, void **, int);

EXPORT int dladdr(const void *address, Dl_info *info) {
  const dladdr_fn f = NEXT(dladdr_fn, dladdr);
  const int found = f != 0 ? f(address, info) : 0;
  if (found != 0) info->dli_fname = original(info->dli_fname);
  return found;
}

/* glibc's (musl has none: a program that calls it is not a musl program). */
EXPORT int dladdr1(const void *address, Dl_info *info, void **extra, int flags) {
  const dladdr1_fn f = NEXT(dladdr1_fn, dladdr1);
  const int found = f != 0 ? f(address, info, extra, flags) : 0;
  if (found != 0) info->dli_fname = original(info->dli_fname);
  return found;
}
