/* Directories. opendir and fdopendir of a directory the bundle serves give the bundle's copy;
 * of one both the bundle and the target have (an index entry that is a directory not served
 * wholly, e.g. /usr/lib/python3 when the bundle adds a module to it), a listing that is the
 * union: the bundle's entries first, then the target's that the bundle does not have. That DIR
 * is this library's own (struct merged), known by its address in a small table, so every call
 * that takes a DIR is interposed: readdir, readdir64 (and _r), closedir, dirfd, rewinddir,
 * telldir, seekdir. scandir is rebuilt on them (glibc's and musl's call their own opendir, which
 * no library can interpose). glob and nftw are not: they see the kernel's view. */
#include "shim.h"

struct merged {
  DIR *bundle, *target, *current;
  unsigned long path_length;
  char path[SHIM_PATH_MAX]; /* logical, with room for "/name" */
};

#define MAX_MERGED 64
static struct merged *merged_dirs[MAX_MERGED];
static int merged_open; /* how many slots are used: 0 spares readdir the search */

static void *next_opendir, *next_fdopendir, *next_readdir, *next_readdir64, *next_readdir_r, *next_readdir64_r,
    *next_closedir, *next_dirfd, *next_rewinddir, *next_telldir, *next_seekdir;
typedef DIR *(*opendir_fn)(const char *);
typedef struct dirent *(*readdir_fn)(DIR *);

static struct merged *as_merged(DIR *d) {
  if (__atomic_load_n(&merged_open, __ATOMIC_ACQUIRE) == 0 || d == 0) return 0;
  for (int i = 0; i < MAX_MERGED; i++)
    if (__atomic_load_n(&merged_dirs[i], __ATOMIC_ACQUIRE) == (struct merged *)d) return (struct merged *)d;
  return 0;
}

/* The union of `bundle` and `target` (both open) for logical `path`; the bundle's alone when the
 * table is full or memory short. */
static DIR *merge(DIR *bundle, DIR *target, const char *path) {
  struct merged *m = malloc(sizeof *m);
  const unsigned long n = length(path);
  if (m != 0 && n < SHIM_PATH_MAX - 256) {
    m->bundle = m->current = bundle;
    m->target = target;
    m->path_length = n;
    for (unsigned long i = 0; i <= n; i++) m->path[i] = path[i];
    for (int i = 0; i < MAX_MERGED; i++) {
      struct merged *empty = 0;
      if (__atomic_compare_exchange_n(&merged_dirs[i], &empty, m, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        __atomic_add_fetch(&merged_open, 1, __ATOMIC_RELEASE);
        return (DIR *)m;
      }
    }
  }
  free(m);
  int (*closedir_fn)(DIR *) = NEXT(int (*)(DIR *), closedir);
  if (closedir_fn != 0) closedir_fn(target);
  return bundle;
}

/* The logical path `mapped` stands for: past <dir>/root when it is in the bundle. */
static const char *logical(const char *mapped) {
  if (same_bytes(mapped, root, root_length) && mapped[root_length] == '/') return mapped + root_length;
  return mapped;
}

/* Whether `path` (logical) is a directory both may have. */
static int shared_directory(const char *path) {
  const unsigned int flags = served(path);
  return (flags & 0xf) == SERVED_DIRECTORY && !(flags & SERVED_WHOLE);
}

EXPORT DIR *opendir(const char *path) {
  char buffer[SHIM_PATH_MAX];
  opendir_fn f = NEXT(opendir_fn, opendir);
  if (f == 0) {
    const int fd = open_mapped(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0) return 0;
    DIR *d = fdopendir(fd);
    if (d == 0) SYSCALL(SYS_close, fd);
    return d;
  }
  const char *mapped = map(path, buffer);
  DIR *d = f(mapped);
  if (d == 0 || mapped == path) return d;
  const char *name = logical(mapped);
  if (name == mapped || !shared_directory(name)) return d;
  const int saved = errno;
  DIR *target = f(name);
  errno = saved;
  return target != 0 ? merge(d, target, name) : d;
}

/* fdopendir: the fd's path (/proc/self/fd) says whether it is a shared directory's bundle copy. */
EXPORT DIR *fdopendir(int fd) {
  DIR *(*f)(int) = NEXT(DIR * (*)(int), fdopendir);
  if (f == 0) {
    errno = ENOSYS;
    return 0;
  }
  DIR *d = f(fd);
  if (d == 0 || !serves_anything()) return d;
  const int saved = errno;
  char proc[32] = "/proc/self/fd/", link[SHIM_PATH_MAX];
  fd_path(fd, proc);
  const long n = SYSCALL(SYS_readlinkat, AT_FDCWD, proc, link, sizeof link - 1);
  opendir_fn open_fn = NEXT(opendir_fn, opendir);
  if (n > 0 && open_fn != 0) {
    link[n] = '\0';
    const char *name = in_bundle_root(link);
    if (name != 0 && shared_directory(name)) {
      DIR *target = open_fn(name);
      if (target != 0) d = merge(d, target, name);
    }
  }
  errno = saved;
  return d;
}

/* The next entry of a merged listing: the target's "." and ".." and names the bundle has are
 * skipped (the index says which: every entry of a shared directory of the bundle has one). */
static struct dirent *read_merged(struct merged *m, readdir_fn f) {
  const int saved = errno;
  for (;;) {
    errno = 0;
    struct dirent *e = f(m->current);
    if (e == 0) {
      if (errno != 0) return 0;
      errno = saved; /* the end leaves errno as it was */
      if (m->current == m->target) return 0;
      m->current = m->target;
      continue;
    }
    errno = saved;
    if (m->current == m->bundle) return e;
    const char *name = e->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    const unsigned long n = length(name);
    if (m->path_length + 1 + n >= SHIM_PATH_MAX) return e;
    m->path[m->path_length] = '/';
    for (unsigned long i = 0; i <= n; i++) m->path[m->path_length + 1 + i] = name[i];
    const int ours = served_exactly(m->path);
    m->path[m->path_length] = '\0';
    if (!ours) return e;
  }
}

EXPORT struct dirent *readdir(DIR *d) {
  readdir_fn f = NEXT(readdir_fn, readdir);
  struct merged *m = as_merged(d);
  return m != 0 ? read_merged(m, f) : f(d);
}

/* readdir64: struct dirent64 is struct dirent on x86_64 and aarch64. */
EXPORT struct dirent64 *readdir64(DIR *d) {
  readdir_fn f = NEXT(readdir_fn, readdir64);
  struct merged *m = as_merged(d);
  return (struct dirent64 *)(m != 0 ? read_merged(m, f) : f(d));
}

static int read_merged_r(struct merged *m, struct dirent *entry, struct dirent **result) {
  const int saved = errno;
  errno = 0;
  struct dirent *e = readdir((DIR *)m);
  const int error = errno;
  errno = saved;
  if (e == 0) {
    *result = 0;
    return error;
  }
  const unsigned long n = length(e->d_name);
  char *to = (char *)entry, *from = (char *)e;
  const unsigned long size = (unsigned long)(e->d_name - (char *)e) + n + 1;
  for (unsigned long i = 0; i < size; i++) to[i] = from[i];
  *result = entry;
  return 0;
}

typedef int (*readdir_r_fn)(DIR *, struct dirent *, struct dirent **);
EXPORT int readdir_r(DIR *d, struct dirent *entry, struct dirent **result) {
  struct merged *m = as_merged(d);
  if (m != 0) return read_merged_r(m, entry, result);
  readdir_r_fn f = NEXT(readdir_r_fn, readdir_r);
  return f != 0 ? f(d, entry, result) : ENOSYS;
}
EXPORT int readdir64_r(DIR *d, struct dirent64 *entry, struct dirent64 **result) {
  struct merged *m = as_merged(d);
  if (m != 0) return read_merged_r(m, (struct dirent *)entry, (struct dirent **)result);
  readdir_r_fn f = NEXT(readdir_r_fn, readdir64_r);
  return f != 0 ? f(d, (struct dirent *)entry, (struct dirent **)result) : ENOSYS;
}

EXPORT int closedir(DIR *d) {
  int (*f)(DIR *) = NEXT(int (*)(DIR *), closedir);
  struct merged *m = as_merged(d);
  if (m == 0) return f(d);
  for (int i = 0; i < MAX_MERGED; i++) {
    struct merged *expected = m;
    if (__atomic_compare_exchange_n(&merged_dirs[i], &expected, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      __atomic_sub_fetch(&merged_open, 1, __ATOMIC_RELEASE);
      break;
    }
  }
  const int a = f(m->bundle), b = f(m->target);
  free(m);
  return a != 0 ? a : b;
}

EXPORT int dirfd(DIR *d) {
  struct merged *m = as_merged(d);
  return NEXT(int (*)(DIR *), dirfd)(m != 0 ? m->bundle : d);
}

EXPORT void rewinddir(DIR *d) {
  void (*f)(DIR *) = NEXT(void (*)(DIR *), rewinddir);
  struct merged *m = as_merged(d);
  if (m == 0) {
    f(d);
    return;
  }
  f(m->bundle);
  f(m->target);
  m->current = m->bundle;
}

/* telldir/seekdir of a merged listing: the position in the current copy, and which copy in the
 * lowest bit. */
EXPORT long telldir(DIR *d) {
  long (*f)(DIR *) = NEXT(long (*)(DIR *), telldir);
  struct merged *m = as_merged(d);
  if (m == 0) return f(d);
  const long at = f(m->current);
  return at < 0 ? at : (long)((unsigned long)at << 1 | (m->current == m->target));
}
EXPORT void seekdir(DIR *d, long at) {
  void (*f)(DIR *, long) = NEXT(void (*)(DIR *, long), seekdir);
  struct merged *m = as_merged(d);
  if (m == 0) {
    f(d, at);
    return;
  }
  m->current = (at & 1) ? m->target : m->bundle;
  f(m->current, (long)((unsigned long)at >> 1));
}

/* scandir, as glibc's (dirent/scandir-tail-common.c): the entries `filter` keeps, copied, sorted
 * with `compare`; built on the interposed opendir/readdir so it sees what they see. */
typedef int (*scan_filter)(const struct dirent *);
typedef int (*scan_compare)(const struct dirent **, const struct dirent **);
EXPORT int scandir(const char *path, struct dirent ***out, scan_filter filter, scan_compare compare) {
  DIR *d = opendir(path);
  if (d == 0) return -1;
  const int saved = errno;
  struct dirent **list = 0;
  unsigned long count = 0, capacity = 0;
  int failed = 0;
  errno = 0;
  for (struct dirent *e; (e = readdir(d)) != 0; errno = 0) {
    if (filter != 0 && !filter(e)) continue;
    if (count == capacity) {
      capacity = capacity == 0 ? 16 : capacity * 2;
      struct dirent **bigger = realloc(list, capacity * sizeof *list);
      if (bigger == 0) {
        failed = 1;
        break;
      }
      list = bigger;
    }
    const unsigned long size = (unsigned long)(e->d_name - (char *)e) + length(e->d_name) + 1;
    char *copy = malloc(size < sizeof(struct dirent) ? sizeof(struct dirent) : size);
    if (copy == 0) {
      failed = 1;
      break;
    }
    for (unsigned long i = 0; i < size; i++) copy[i] = ((char *)e)[i];
    list[count++] = (struct dirent *)copy;
  }
  const int error = failed ? ENOMEM : errno;
  closedir(d);
  if (error != 0) {
    while (count > 0) free(list[--count]);
    free(list);
    errno = error;
    return -1;
  }
  if (compare != 0 && count > 1) qsort(list, count, sizeof *list, (int (*)(const void *, const void *))compare);
  *out = list;
  errno = saved;
  return (int)count;
}
EXPORT int scandir64(const char *path, struct dirent64 ***out, int (*filter)(const struct dirent64 *),
                     int (*compare)(const struct dirent64 **, const struct dirent64 **)) {
  return scandir(path, (struct dirent ***)out, (scan_filter)filter, (scan_compare)compare);
}
