/* The expander of a compressed bundle (--compress): lib/elfpack/<id>/expand, a static program that
 * only compressed bundles carry, so that the launcher stays small. A launcher whose tree in /tmp
 * is missing runs it as
 *
 *   expand TREE LAUNCHER ARGV0 ARGS...
 *
 * (its own path as argv[0], absolute). It unpacks <its directory>/payload (payload_format.h) into
 * TREE, /tmp/elfpack-<digest>-<arch>, then runs LAUNCHER again with ARGV0 ARGS..., which now finds
 * the tree, checks it and runs the program from it.
 *
 * Atomic: everything is written into a private temporary directory beside TREE (mkdtemp: 0700),
 * each frame's content checked against its hash as it is decompressed and the index against the
 * payload's digest, whose value TREE's name must carry; a stamp (.elfpack-expanded, holding TREE's
 * name) is written last, and the directory renamed to TREE. A rename that fails because TREE
 * appeared meanwhile (another cold start won the race) leaves the winner's tree, which the
 * launcher checks and uses. The temporary is locked while it is filled (leftovers.h): a killed
 * expansion leaves it unlocked, and the next start that expands removes it. Frames are independent
 * zstd frames, decompressed on every CPU this process may use. Links are made last, after every
 * file is written, so no write can pass through one; paths are plain and relative (the reader
 * checks them) and files are opened with O_NOFOLLOW and O_EXCL. A file stored once for several
 * paths (a hard link entry) is hard-linked to its first path, or copied where links fail.
 *
 * Too little space in /tmp (statvfs, before anything is written, or ENOSPC while writing) is one
 * line naming what is needed and what is free. Every failure is one line on stderr, the temporary
 * removed, and exit status 127, like the launcher's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <zstd.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "leftovers.h"
#include "memfd_run.h"
#include "payload_format.h"

#define STAMP ".elfpack-expanded"
#define MAX_THREADS 16

static char temporary[PAYLOAD_PATH_MAX]; /* the private directory being filled; "" when none */
static int temporary_fd = -1;
static struct payload_entry *entries;
static uint32_t entry_count;
static const char *tree_parent = "/tmp";
static uint64_t space_needed;

static void remove_temporary(void);

void die(const char *format, ...) {
  char line[2 * PAYLOAD_PATH_MAX];
  va_list args;
  va_start(args, format);
  vsnprintf(line, sizeof line, format, args);
  va_end(args);
  remove_temporary();
  dprintf(2, "elfpack expander: %s\n", line);
  _exit(127);
}

static void mib(uint64_t bytes, char *out, size_t size) { snprintf(out, size, "%.1f MiB", (double)bytes / (1 << 20)); }

/* The one message for a full /tmp: what this bundle needs there and what is free. */
__attribute__((noreturn)) static void die_of_space(void) {
  struct statvfs fs;
  const uint64_t available = statvfs(tree_parent, &fs) == 0 ? (uint64_t)fs.f_bavail * fs.f_frsize : 0;
  char need[32], have[32];
  mib(space_needed, need, sizeof need);
  mib(available, have, sizeof have);
  die("%s: not enough space to expand this bundle: %s needed, %s available (on AWS Lambda, raise the "
      "function's ephemeral storage)", tree_parent, need, have);
}

/* Undoes what was made in the temporary (still locked: no sweep touches it meanwhile). */
static void remove_temporary(void) {
  if (temporary[0] == '\0') return;
  remove_contents(temporary_fd);
  rmdir(temporary);
  temporary[0] = '\0';
}

struct work {
  const struct payload *payload;
  struct payload_frame *frames;
  const uint32_t *files; /* the entries that are files, by content offset */
  uint32_t file_count;
  uint32_t next; /* the next frame to take */
  pthread_mutex_t lock;
  char problem[PAYLOAD_PATH_MAX + 128];
  int out_of_space;
};

static void set_problem(struct work *w, int out_of_space, const char *format, const char *path) {
  pthread_mutex_lock(&w->lock);
  if (w->problem[0] == '\0') {
    snprintf(w->problem, sizeof w->problem, format, path);
    w->out_of_space = out_of_space;
  }
  w->next = w->payload->frames; /* the others stop at their next frame */
  pthread_mutex_unlock(&w->lock);
}

/* Writes content [from, from + n) (held in `bytes`) into the files it belongs to. */
static int write_content(struct work *w, const unsigned char *bytes, uint64_t from, uint64_t n) {
  uint32_t lo = 0, hi = w->file_count; /* the first file that ends after `from` */
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    const struct payload_entry *e = &entries[w->files[mid]];
    if (e->offset + e->size <= from) lo = mid + 1; else hi = mid;
  }
  for (uint32_t k = lo; k < w->file_count; k++) {
    const struct payload_entry *e = &entries[w->files[k]];
    if (e->offset >= from + n) break;
    const uint64_t start = e->offset > from ? e->offset : from;
    const uint64_t end = e->offset + e->size < from + n ? e->offset + e->size : from + n;
    const int fd = openat(temporary_fd, e->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return set_problem(w, 0, "cannot open %s in the temporary", e->path), -1;
    for (uint64_t done = start; done < end;) {
      const ssize_t put = pwrite(fd, bytes + (done - from), end - done, (off_t)(done - e->offset));
      if (put <= 0) {
        const int out_of_space = put < 0 && (errno == ENOSPC || errno == EDQUOT);
        close(fd);
        return set_problem(w, out_of_space, "cannot write %s in the temporary", e->path), -1;
      }
      done += (uint64_t)put;
    }
    close(fd);
  }
  return 0;
}

static void *expand_frames(void *arg) {
  struct work *w = arg;
  ZSTD_DCtx *z = ZSTD_createDCtx();
  unsigned char *buffer = 0;
  size_t buffer_size = 0;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    const uint32_t i = w->next < w->payload->frames ? w->next++ : w->payload->frames;
    pthread_mutex_unlock(&w->lock);
    if (i == w->payload->frames) break;
    const struct payload_frame *f = &w->frames[i];
    if (z == 0 || f->content_size > SIZE_MAX) { set_problem(w, 0, "%s", "out of memory"); break; }
    if (buffer_size < f->content_size) {
      free(buffer);
      buffer_size = (size_t)f->content_size;
      buffer = malloc(buffer_size);
      if (buffer == 0) { set_problem(w, 0, "%s", "out of memory"); break; }
    }
    const size_t n = ZSTD_decompressDCtx(z, buffer, (size_t)f->content_size, w->payload->bytes + f->coded_offset,
                                         (size_t)f->coded_size);
    if (ZSTD_isError(n) || n != f->content_size || XXH3_64bits(buffer, n) != f->hash) {
      set_problem(w, 0, "%s", "payload damaged: a frame does not expand to the content its hash names");
      break;
    }
    if (write_content(w, buffer, f->content_offset, n) != 0) break;
  }
  free(buffer);
  ZSTD_freeDCtx(z);
  return 0;
}

static unsigned cpus(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  const int n = CPU_COUNT(&set);
  return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

static void expand_all(const struct payload *p, const char *payload_path) {
  struct work w;
  memset(&w, 0, sizeof w);
  w.payload = p;
  pthread_mutex_init(&w.lock, 0);
  w.frames = calloc(p->frames ? p->frames : 1, sizeof *w.frames);
  uint32_t *files = calloc(entry_count ? entry_count : 1, sizeof *files);
  if (w.frames == 0 || files == 0) die("out of memory");
  for (uint32_t i = 0; i < p->frames; i++) payload_frame_at(p, i, i ? &w.frames[i - 1] : 0, &w.frames[i]);
  for (uint32_t i = 0; i < entry_count; i++) {
    if (entries[i].kind == PAYLOAD_FILE && entries[i].size > 0) files[w.file_count++] = i;
  }
  w.files = files;
  unsigned threads = cpus();
  if (threads > p->frames) threads = p->frames ? p->frames : 1;
  pthread_t ids[MAX_THREADS];
  unsigned started = 0;
  for (; started + 1 < threads; started++) {
    if (pthread_create(&ids[started], 0, expand_frames, &w) != 0) break; /* fewer threads: still works */
  }
  expand_frames(&w);
  for (unsigned i = 0; i < started; i++) pthread_join(ids[i], 0);
  free(files);
  free(w.frames);
  if (w.out_of_space) die_of_space();
  if (w.problem[0] != '\0') die("%s: %s", payload_path, w.problem);
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static void make_entries(void) {
  for (uint32_t i = 0; i < entry_count; i++) {
    const struct payload_entry *e = &entries[i];
    int r = 0;
    if (e->kind == PAYLOAD_DIRECTORY) {
      r = mkdirat(temporary_fd, e->path, 0700);
    } else if (e->kind == PAYLOAD_FILE) {
      r = openat(temporary_fd, e->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (r >= 0) r = close(r);
    } else {
      continue; /* links last */
    }
    if (r != 0) {
      if (errno == ENOSPC || errno == EDQUOT) die_of_space();
      die("%s/%s: cannot create it: %s", temporary, e->path, strerror(errno));
    }
  }
}

static int by_path(const void *a, const void *b) {
  return strcmp(entries[*(const uint32_t *)a].path, entries[*(const uint32_t *)b].path);
}

/* A copy of the temporary's file `from` at `to`, where a hard link cannot be made. */
static int copy_file(const char *from, const char *to) {
  const int in = openat(temporary_fd, from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) return -1;
  const int out = openat(temporary_fd, to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) return close(in), -1;
  static char buffer[1 << 16];
  ssize_t n;
  int r = 0;
  while (r == 0 && (n = read(in, buffer, sizeof buffer)) != 0) {
    for (ssize_t done = 0, put; r == 0 && done < n; done += put) {
      put = n < 0 ? -1 : write(out, buffer + done, (size_t)(n - done));
      if (put <= 0) r = -1;
    }
  }
  const int why = errno;
  close(in);
  if (close(out) != 0) r = -1;
  else errno = why;
  return r;
}

/* The paths whose bytes another file entry holds: hard links to it (a copy where links fail),
 * made once every file is written. */
static void link_copies(void) {
  uint32_t *files = calloc(entry_count ? entry_count : 1, sizeof *files), count = 0;
  if (files == 0) die("out of memory");
  for (uint32_t i = 0; i < entry_count; i++) {
    if (entries[i].kind == PAYLOAD_FILE) files[count++] = i;
  }
  qsort(files, count, sizeof *files, by_path);
  for (uint32_t i = 0; i < entry_count; i++) {
    const struct payload_entry *e = &entries[i];
    if (e->kind != PAYLOAD_HARDLINK) continue;
    uint32_t lo = 0, hi = count; /* the first file whose path is not before the target */
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo) / 2;
      if (strcmp(entries[files[mid]].path, e->target) < 0) lo = mid + 1; else hi = mid;
    }
    if (lo == count || strcmp(entries[files[lo]].path, e->target) != 0) {
      die("%s: a hard link to %s, which is not a file of the payload", e->path, e->target);
    }
    if (linkat(temporary_fd, e->target, temporary_fd, e->path, 0) != 0 && copy_file(e->target, e->path) != 0) {
      if (errno == ENOSPC || errno == EDQUOT) die_of_space();
      die("%s/%s: cannot link or copy it from %s: %s", temporary, e->path, e->target, strerror(errno));
    }
  }
  free(files);
}

/* OBJECTS_LIST (memfd_run.h): the paths of the links and of the files that are ELF. */
static void list_objects(void) {
  char *list = 0;
  size_t used = 0, room = 0;
  for (uint32_t i = 0; i < entry_count; i++) {
    const struct payload_entry *e = &entries[i];
    unsigned char magic[4] = "";
    if (e->kind == PAYLOAD_FILE || e->kind == PAYLOAD_HARDLINK) {
      const int fd = openat(temporary_fd, e->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      const ssize_t n = fd < 0 ? -1 : pread(fd, magic, sizeof magic, 0);
      if (fd >= 0) close(fd);
      if (n != (ssize_t)sizeof magic || memcmp(magic, "\177ELF", 4) != 0) continue;
    } else if (e->kind != PAYLOAD_SYMLINK) {
      continue;
    }
    const size_t n = strlen(e->path) + 1;
    if (used + n > room) {
      room = 2 * (used + n);
      if ((list = realloc(list, room)) == 0) die("out of memory");
    }
    memcpy(list + used, e->path, n);
    used += n;
  }
  const int fd = openat(temporary_fd, OBJECTS_LIST, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
  if (fd < 0 || (used > 0 && write(fd, list, used) != (ssize_t)used) || close(fd) != 0) {
    if (errno == ENOSPC) die_of_space();
    die("%s/%s: cannot write it: %s", temporary, OBJECTS_LIST, strerror(errno));
  }
  free(list);
}

static void finish_entries(const char *tree) {
  for (uint32_t i = 0; i < entry_count; i++) {
    const struct payload_entry *e = &entries[i];
    if (e->kind == PAYLOAD_SYMLINK && symlinkat(e->target, temporary_fd, e->path) != 0) {
      if (errno == ENOSPC) die_of_space();
      die("%s/%s: cannot make the link: %s", temporary, e->path, strerror(errno));
    }
  }
  list_objects();
  for (uint32_t i = entry_count; i-- > 0;) {
    const struct payload_entry *e = &entries[i];
    if (e->kind != PAYLOAD_SYMLINK && fchmodat(temporary_fd, e->path, e->mode & 0777, 0) != 0) { /* never set-ID */
      die("%s/%s: cannot set its mode: %s", temporary, e->path, strerror(errno));
    }
  }
  const int fd = openat(temporary_fd, STAMP, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
  const char *name = base_name(tree);
  if (fd < 0 || write(fd, name, strlen(name)) != (ssize_t)strlen(name) || close(fd) != 0) {
    if (errno == ENOSPC) die_of_space();
    die("%s/%s: cannot write it: %s", temporary, STAMP, strerror(errno));
  }
}

/* What /tmp needs for the tree: each file rounded up to the file system's blocks, a block for
 * each directory and link. */
static uint64_t space_for(uint64_t block) {
  if (block == 0) block = 4096;
  uint64_t need = 2 * block; /* the directory, and OBJECTS_LIST */
  for (uint32_t i = 0; i < entry_count; i++) {
    if (entries[i].kind == PAYLOAD_HARDLINK) continue; /* the file it links to holds the blocks */
    const uint64_t size = entries[i].kind == PAYLOAD_FILE ? entries[i].size : 1;
    need += (size + block - 1) / block * block;
  }
  return need;
}

/* Expands the payload `bytes` (read from `payload_path`, for messages) into `tree` unless it is
 * there already; dies on any failure. */
static void expand_into(const char *tree, const unsigned char *bytes, uint64_t size, const char *payload_path) {
  static char parent[PAYLOAD_PATH_MAX];
  if (tree[0] != '/' || snprintf(parent, sizeof parent, "%.*s", (int)(base_name(tree) - tree - 1), tree) >= (int)sizeof parent)
    die("%s: not an absolute path", tree);
  tree_parent = parent[0] ? parent : "/";
  struct payload p;
  const char *problem = "";
  if (payload_open(&p, bytes, size, &problem) != 0) die("%s: %s", payload_path, problem);
  if (XXH3_64bits(bytes + PAYLOAD_DIGESTED_FROM, (size_t)(p.data - PAYLOAD_DIGESTED_FROM)) != p.digest) {
    die("%s: payload damaged: its index does not match its digest", payload_path);
  }
  char expected[64];
  snprintf(expected, sizeof expected, "elfpack-%016llx-", (unsigned long long)p.digest);
  if (strncmp(base_name(tree), expected, strlen(expected)) != 0) {
    die("%s: digest mismatch: the payload is %016llx, the launcher expects the tree %s", payload_path,
        (unsigned long long)p.digest, tree);
  }

  entries = calloc(p.entries ? p.entries : 1, sizeof *entries);
  if (entries == 0) die("out of memory");
  uint64_t cursor = 0, offset = 0;
  struct payload_entry e;
  int r;
  while ((r = payload_next(&p, &cursor, &offset, &e, &problem)) == 1) {
    if (entry_count == p.entries) die("%s: more entries than its header says", payload_path);
    entries[entry_count++] = e;
  }
  if (r < 0) die("%s: %s", payload_path, problem);
  if (entry_count != p.entries || offset != p.expanded) die("%s: the index does not match its header", payload_path);

  struct stat existing;
  if (lstat(tree, &existing) == 0) return; /* there already: the launcher checks it */
  struct statvfs fs;
  if (statvfs(tree_parent, &fs) != 0) die("%s: %s", tree_parent, strerror(errno));
  space_needed = space_for(fs.f_frsize);
  if ((uint64_t)fs.f_bavail * fs.f_frsize < space_needed) die_of_space();
  remove_dead_leftovers(tree, 0, 0); /* the temporaries of killed expansions */
  char name[PAYLOAD_PATH_MAX];
  if (snprintf(name, sizeof name, "%s.XXXXXX", tree) >= (int)sizeof name) die("%s: path too long", tree);
  temporary_fd = make_locked_directory(name, 0);
  if (temporary_fd < 0) {
    if (errno == ENOSPC) die_of_space();
    die("%s: cannot make a temporary directory: %s", name, strerror(errno));
  }
  strcpy(temporary, name);
  make_entries();
  expand_all(&p, payload_path);
  link_copies();
  finish_entries(tree);
  if (rename(temporary, tree) == 0) {
    temporary[0] = '\0';
  } else {
    const int why = errno;
    remove_temporary();
    /* Another start won the race (or something else is there): the launcher checks it. */
    if (lstat(tree, &existing) != 0) die("%s: cannot rename the expanded tree into place: %s", tree, strerror(why));
  }
}

#if defined(__aarch64__)
#define ARCH "aarch64"
#else
#define ARCH "x86_64"
#endif
#define EXE_TRAILER 32 /* "EPKEXE1\0", u64 payload offset, u64 payload size, u64 default program's name */

static uint64_t u64_le(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* What the launcher checks before it runs anything from a tree (launchers/launcher.c). */
static void check_tree(const char *tree) {
  struct stat st;
  if (lstat(tree, &st) != 0) die("%s: %s", tree, strerror(errno));
  if (!S_ISDIR(st.st_mode)) die("%s: not a directory (a link or a file in its place): not used", tree);
  if (st.st_uid != getuid()) die("%s: owned by another user: not used", tree);
  if ((st.st_mode & 07777) != 0700) die("%s: not of mode 0700: not used", tree);
  char stamp[PAYLOAD_PATH_MAX + 128], text[256];
  snprintf(stamp, sizeof stamp, "%s/%s", tree, STAMP);
  const int fd = open(stamp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die("%s: incomplete (no %s stamp): not used; remove it", tree, STAMP);
  const ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  text[n < 0 ? 0 : n] = '\0';
  if (strcmp(text, base_name(tree)) != 0) die("%s: digest mismatch (its stamp names another tree): not used; remove it", tree);
}

/* Whether programs can run from files under `dir` (its mount is not noexec). */
static int can_execute_under(const char *dir) {
  struct statvfs fs;
  return statvfs(dir, &fs) != 0 || !(fs.f_flag & ST_NOEXEC);
}

/* Whether the tree holds a program bin/NAME (by its mode: access(X_OK) says no on a noexec mount). */
static int has_program(const char *tree, const char *name) {
  char path[PAYLOAD_PATH_MAX * 2 + 64];
  struct stat st;
  snprintf(path, sizeof path, "%s/bin/%s", tree, name);
  return name[0] != '.' && strchr(name, '/') == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* --format exe: this program with a payload after it and a trailer at its end. Expands it into
 * $XDG_CACHE_HOME/elfpack (when set and absolute) or /tmp, the first whose mount is not noexec,
 * checks the tree and runs its bin/<argv[0]'s name>, or the default program. When both are noexec
 * (or running from the tree is refused), it expands into the first and runs the program from
 * memfds (memfd_run.h). Returns when this file has no trailer. */
static void run_as_single_file(int argc, char **argv) {
  char self[PAYLOAD_PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return;
  self[n] = '\0';
  const int fd = open(self, O_RDONLY | O_CLOEXEC);
  struct stat st;
  unsigned char trailer[EXE_TRAILER];
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < EXE_TRAILER ||
      pread(fd, trailer, EXE_TRAILER, st.st_size - EXE_TRAILER) != EXE_TRAILER || memcmp(trailer, "EPKEXE1", 8) != 0) {
    if (fd >= 0) close(fd);
    return;
  }
  const uint64_t size = (uint64_t)st.st_size - EXE_TRAILER, at = u64_le(trailer + 8), length = u64_le(trailer + 16),
                 name_at = u64_le(trailer + 24);
  if (at > size || size - at < length || name_at < at + length || name_at >= size) die("%s: a damaged single-file bundle", self);
  const unsigned char *bytes = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (bytes == MAP_FAILED) die("%s: cannot map it: %s", self, strerror(errno));
  const char *default_name = (const char *)bytes + name_at;
  if (memchr(default_name, '\0', size - name_at) == 0 || length < 16) die("%s: a damaged single-file bundle", self);
  char parent[PAYLOAD_PATH_MAX], tree[PAYLOAD_PATH_MAX + 64];
  const char *cache = getenv("XDG_CACHE_HOME");
  int usable_cache = 0;
  if (cache != 0 && cache[0] == '/' && snprintf(parent, sizeof parent, "%s/elfpack", cache) < (int)sizeof parent) {
    mkdir(cache, 0700);
    usable_cache = mkdir(parent, 0700) == 0 || errno == EEXIST;
  }
  const int from_memfds = !(usable_cache && can_execute_under(parent)) && !can_execute_under("/tmp");
  if (!usable_cache || (!from_memfds && !can_execute_under(parent))) snprintf(parent, sizeof parent, "/tmp");
  snprintf(tree, sizeof tree, "%s/elfpack-%016llx-" ARCH, parent, (unsigned long long)u64_le(bytes + at + 8));
  expand_into(tree, bytes + at, length, self);
  check_tree(tree);
  /* The program: the name this file was run by (the path, else argv[0]), else the default one. */
  const char *run_as = (const char *)getauxval(AT_EXECFN), *name = default_name;
  if (run_as != 0 && has_program(tree, base_name(run_as))) name = base_name(run_as);
  else if (argc > 0 && has_program(tree, base_name(argv[0]))) name = base_name(argv[0]);
  char program[PAYLOAD_PATH_MAX * 2 + 64];
  snprintf(program, sizeof program, "%s/bin/%s", tree, name);
  if (!from_memfds) {
    execv(program, argv);
    if (errno != EACCES) die("%s: cannot run it: %s", program, strerror(errno));
  }
  run_from_memfds(tree, name, argv, self);
}

int main(int argc, char **argv) {
  run_as_single_file(argc, argv);
  if (argc < 4 || argv[0][0] != '/') die("run by a bundle's launcher only (expand TREE LAUNCHER ARGV0 ARGS...)");
  const char *tree = argv[1], *launcher = argv[2];
  char payload_path[PAYLOAD_PATH_MAX];
  if (snprintf(payload_path, sizeof payload_path, "%.*s/payload", (int)(base_name(argv[0]) - argv[0] - 1), argv[0]) >=
      (int)sizeof payload_path)
    die("%s: path too long", argv[0]);
  const int fd = open(payload_path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) die("%s: %s", payload_path, strerror(errno));
  const unsigned char *bytes = st.st_size ? mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : 0;
  if (bytes == MAP_FAILED) die("%s: cannot map it: %s", payload_path, strerror(errno));
  expand_into(tree, bytes, (uint64_t)st.st_size, payload_path);
  execv(launcher, argv + 3);
  die("%s: cannot run it again: %s", launcher, strerror(errno));
}
