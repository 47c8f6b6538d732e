/* Which absolute paths the bundle serves, and where: root.list, the prefixes, one absolute path
 * per line ("/usr/share/rig"); a path at or under one of them is the bundle's, in <dir>/root/. */
#include "shim.h"

#define MAX_PREFIXES 64

static char list[16384];           /* root.list, its lines NUL-terminated in place */
static const char *prefixes[MAX_PREFIXES];
static unsigned long prefix_lengths[MAX_PREFIXES];
static int prefix_count;

void load_index(void) {
  read_small_file("/root.list", list, sizeof list);
  const unsigned long used = length(list);
  char *line = list;
  for (unsigned long i = 0; i <= used && prefix_count < MAX_PREFIXES; i++) {
    if (list[i] != '\n' && list[i] != '\0') continue;
    list[i] = '\0';
    if (line[0] == '/' && line[1] != '\0') {
      prefixes[prefix_count] = line;
      prefix_lengths[prefix_count++] = length(line);
    }
    line = list + i + 1;
  }
}

int serves_anything(void) { return prefix_count > 0; }

int carried(const char *path) {
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

const char *map(const char *path, char *buffer) {
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
  const unsigned long rest = length(path);
  if (root_length + rest >= SHIM_PATH_MAX) return path;
  for (unsigned long i = 0; i < root_length; i++) buffer[i] = root[i];
  for (unsigned long i = 0; i <= rest; i++) buffer[root_length + i] = path[i];
  return buffer;
}
