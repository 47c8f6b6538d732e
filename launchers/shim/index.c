/* Which absolute paths the bundle serves, and where: <dir>/root.index, the served-path index
 * elfpack writes (its format: include/elfpack/layout/served_paths.h), mapped into memory at
 * start-up and searched with no system call per lookup. A path is the bundle's, in
 * <dir>/root/<path>, when it has an entry, or when its nearest ancestor with an entry is served
 * wholly (kWhole) or is not a directory. An index that is damaged in any way serves nothing. */
#include "shim.h"

#include <sys/mman.h>

#define HEADER_SIZE 24
#define ENTRY_SIZE 12

struct entry {
  unsigned int offset, length, flags;
};

static const struct entry *entries;
static unsigned long entry_count;
static const unsigned char *strings;

static unsigned int get32(const unsigned char *p) {
  return (unsigned int)p[0] | (unsigned int)p[1] << 8 | (unsigned int)p[2] << 16 | (unsigned int)p[3] << 24;
}

/* The header and every entry's bounds are checked once, here; lookups then trust them. */
void load_index(void) {
  char path[SHIM_PATH_MAX];
  const char *name = "/root.index";
  if (dir_length + length(name) >= sizeof path) return;
  for (unsigned long i = 0; i < dir_length; i++) path[i] = dir_path[i];
  for (unsigned long i = 0; i <= length(name); i++) path[dir_length + i] = name[i];
  const long fd = SYSCALL(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  const long size = SYSCALL(SYS_lseek, fd, 0, SEEK_END);
  const unsigned char *base = 0;
  if (size >= HEADER_SIZE) base = (const unsigned char *)SYSCALL(SYS_mmap, 0, size, PROT_READ, MAP_PRIVATE, fd, 0);
  SYSCALL(SYS_close, fd);
  if (base == 0 || base == (const unsigned char *)-1) return;
  const unsigned long total = (unsigned long)size;
  const unsigned long count = get32(base + 12), strings_size = get32(base + 16);
  int good = same_bytes((const char *)base, "ELFPACKI", 8) && get32(base + 8) == 1 &&
             (total - HEADER_SIZE) / ENTRY_SIZE >= count && total - HEADER_SIZE - ENTRY_SIZE * count == strings_size &&
             ((unsigned long)base & 3) == 0;
  const struct entry *table = (const struct entry *)(base + HEADER_SIZE);
  for (unsigned long i = 0; good && i < count; i++) {
    const struct entry *e = &table[i];
    good = e->offset <= strings_size && strings_size - e->offset > e->length && e->length > 1 && (e->flags & 0xf) >= 1 &&
           (e->flags & 0xf) <= 3;
  }
  if (!good) {
    SYSCALL(SYS_munmap, base, size);
    return;
  }
  strings = base + HEADER_SIZE + ENTRY_SIZE * count;
  entries = table;
  entry_count = count;
}

int serves_anything(void) { return entry_count > 0; }

/* -1, 0, 1 as `path` (n bytes) sorts before, as, after entry e: bytewise, shorter first. */
static int compare(const char *path, unsigned long n, const struct entry *e) {
  const unsigned char *s = strings + e->offset;
  const unsigned long m = n < e->length ? n : e->length;
  for (unsigned long i = 0; i < m; i++)
    if ((unsigned char)path[i] != s[i]) return (unsigned char)path[i] < s[i] ? -1 : 1;
  return n < e->length ? -1 : n > e->length ? 1 : 0;
}

/* The entry of exactly `path` (n bytes), or 0. */
static const struct entry *find(const char *path, unsigned long n) {
  unsigned long low = 0, high = entry_count;
  while (low < high) {
    const unsigned long middle = low + (high - low) / 2;
    const int c = compare(path, n, &entries[middle]);
    if (c == 0) return &entries[middle];
    if (c < 0) high = middle;
    else low = middle + 1;
  }
  return 0;
}

unsigned int served(const char *path) {
  if (path == 0 || path[0] != '/' || entry_count == 0) return 0;
  unsigned long n = length(path);
  const struct entry *e = find(path, n);
  if (e != 0) return e->flags;
  /* The nearest ancestor with an entry decides. */
  while (n > 1) {
    while (n > 0 && path[n - 1] != '/') n--;
    if (n <= 1) break;
    n--;
    e = find(path, n);
    if (e != 0) return (e->flags & SERVED_WHOLE) || (e->flags & 0xf) != SERVED_DIRECTORY ? e->flags : 0;
  }
  return 0;
}

int carried(const char *path) { return served(path) != 0; }

int served_exactly(const char *path) { return entry_count > 0 && find(path, length(path)) != 0; }

/* Whether `path` must be made normal before it is looked up: a "." or ".." component, "//", or a
 * trailing '/'. */
static int needs_normalising(const char *path) {
  for (const char *p = path; *p != '\0'; p++)
    if (p[0] == '/' && (p[1] == '.' || p[1] == '/' || p[1] == '\0')) return 1;
  return 0;
}

int normalise(const char *path, char *out) {
  unsigned long at = 0;
  for (const char *p = path; *p != '\0';) {
    while (*p == '/') p++;
    const char *end = p;
    while (*end != '\0' && *end != '/') end++;
    const unsigned long n = (unsigned long)(end - p);
    if (n == 1 && p[0] == '.') {
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
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
  return 1;
}

/* <dir>/root + `path` into buffer (a trailing '/' if `slash`); 0 when too long. */
static const char *in_root(const char *path, int slash, char *buffer) {
  const unsigned long rest = length(path);
  if (root_length + rest + 1 >= SHIM_PATH_MAX) return 0;
  for (unsigned long i = 0; i < root_length; i++) buffer[i] = root[i];
  for (unsigned long i = 0; i <= rest; i++) buffer[root_length + i] = path[i];
  if (slash) buffer[root_length + rest] = '/', buffer[root_length + rest + 1] = '\0';
  return buffer;
}

/* A relative path, when the current directory is served (cwd.c): its logical absolute path, in
 * the bundle or not. */
static const char *map_relative(const char *path, char *buffer) {
  const char *cwd = served_cwd();
  if (cwd == 0 || path[0] == '\0') return path;
  char joined[SHIM_PATH_MAX], normal[SHIM_PATH_MAX];
  const unsigned long c = length(cwd), n = length(path);
  if (c + 1 + n >= sizeof joined) return path;
  for (unsigned long i = 0; i < c; i++) joined[i] = cwd[i];
  joined[c] = '/';
  for (unsigned long i = 0; i <= n; i++) joined[c + 1 + i] = path[i];
  if (!normalise(joined, normal)) return path;
  const int slash = path[n - 1] == '/';
  if (served(normal)) {
    const char *mapped = in_root(normal, slash, buffer);
    return mapped != 0 ? mapped : path;
  }
  const unsigned long m = length(normal);
  for (unsigned long i = 0; i <= m; i++) buffer[i] = normal[i];
  if (slash && m > 1) buffer[m] = '/', buffer[m + 1] = '\0';
  return buffer;
}

const char *map(const char *path, char *buffer) {
  if (path == 0) return path;
  if (is_self_exe(path)) {
    const int saved = errno;
    const int found = find_identity();
    errno = saved;
    return found ? self_exe : path;
  }
  if (entry_count == 0) return path;
  if (path[0] != '/') return map_relative(path, buffer);
  if (!needs_normalising(path)) {
    if (!served(path)) return path;
    const char *mapped = in_root(path, 0, buffer);
    return mapped != 0 ? mapped : path;
  }
  /* "/usr/bin/../share/x", as a program that found itself at /usr/bin builds it: the program's
   * own, lexical view of a tree it believes it lives in. */
  char normal[SHIM_PATH_MAX];
  if (!normalise(path, normal) || !served(normal)) return path;
  const unsigned long n = length(path);
  const char *mapped = in_root(normal, n > 1 && path[n - 1] == '/', buffer);
  return mapped != 0 ? mapped : path;
}

const char *map_at(int dirfd, const char *path, char *buffer) {
  if (path != 0 && path[0] != '/' && dirfd != AT_FDCWD) return path;
  return map(path, buffer);
}
