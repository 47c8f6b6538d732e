/* A program of a tree on a noexec mount, run from memfds (memfd_run.h says how and why). The
 * launcher's configuration is read as launchers/launcher.c reads it and the linker run with the
 * same arguments, in the run directory. */
#define _GNU_SOURCE
#include "memfd_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leftovers.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: executable even where vm.memfd_noexec makes memfds sealed noexec */
#endif
#define PATH_SIZE 4096
#define FLAG_ARGV0 1
#define FLAG_ARGV0_ENV 2
#define FLAG_COMPRESSED 4
#define MAX_OPTIONS 8
#define RUN_COMPLETE ".elfpack-run-complete" /* written last in a run directory: it may be reused */

extern char **environ;

static int tree_fd = -1, run_fd = -1;
static char run[PATH_SIZE];
static const char *single_file; /* this program: what the run directory's bin/ links to */

/* The memfds made so far, by the tree file they copy (hard links share one). */
static struct copy { dev_t dev; ino_t ino; int fd; } *copies;
static size_t copy_count, copy_room;

/* The file `name` under `dir` (through links only with `follow`: the tree's bin/ may hold one). */
static char *read_all(int dir, const char *name, size_t *size, int follow) {
  const int fd = openat(dir, name, O_RDONLY | (follow ? 0 : O_NOFOLLOW) | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) return 0;
  char *bytes = malloc((size_t)st.st_size + 1);
  size_t used = 0;
  for (ssize_t n = 1; bytes != 0 && used < (size_t)st.st_size && n > 0; used += n > 0 ? (size_t)n : 0) {
    n = read(fd, bytes + used, (size_t)st.st_size - used);
  }
  close(fd);
  if (bytes == 0 || used != (size_t)st.st_size) return free(bytes), (char *)0;
  bytes[used] = '\0';
  *size = used;
  return bytes;
}

/* The memfd holding the tree's file `path` (not close-on-exec: the program inherits it). */
static int memfd_of(const char *path, int follow) {
  const int in = openat(tree_fd, path, O_RDONLY | (follow ? 0 : O_NOFOLLOW) | O_CLOEXEC);
  struct stat st;
  if (in < 0 || fstat(in, &st) != 0) die("%s/%s: %s", run, path, strerror(errno));
  for (size_t i = 0; i < copy_count; i++) {
    if (copies[i].dev == st.st_dev && copies[i].ino == st.st_ino) return close(in), copies[i].fd;
  }
  char name[200]; /* memfd_create takes 249 bytes at most: the file's name, cut */
  snprintf(name, sizeof name, "%s", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
  int fd = memfd_create(name, MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = memfd_create(name, 0); /* a kernel before 6.3 */
  if (fd < 0) die("%s: cannot make a memfd to run it from (its file system is noexec): %s", path, strerror(errno));
  for (off_t at = 0; at < st.st_size;) {
    if (sendfile(fd, in, &at, (size_t)(st.st_size - at)) <= 0) die("%s: cannot copy it into a memfd: %s", path, strerror(errno));
  }
  close(in);
  if (copy_count == copy_room) {
    copy_room = copy_room ? 2 * copy_room : 64;
    copies = realloc(copies, copy_room * sizeof *copies);
    if (copies == 0) die("out of memory");
  }
  copies[copy_count++] = (struct copy){st.st_dev, st.st_ino, fd};
  return fd;
}

/* The run directory's directories, made real on the way to an ELF file or a link. */
static char **real_dirs;
static size_t real_count, real_room;

static void make_parents(const char *path) {
  static char last[PATH_SIZE]; /* the parent made last: the list is in path order */
  char dir[PATH_SIZE];
  const char *end = strrchr(path, '/');
  if (end == 0 || ((size_t)(end - path) == strlen(last) && strncmp(path, last, (size_t)(end - path)) == 0)) return;
  snprintf(last, sizeof last, "%.*s", (int)(end - path), path);
  for (const char *slash = strchr(path, '/'); slash != 0; slash = strchr(slash + 1, '/')) {
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (mkdirat(run_fd, dir, 0700) != 0) {
      if (errno == EEXIST) continue;
      die("%s/%s: %s", run, dir, strerror(errno));
    }
    if (real_count == real_room) {
      real_room = real_room ? 2 * real_room : 64;
      real_dirs = realloc(real_dirs, real_room * sizeof *real_dirs);
      if (real_dirs == 0) die("out of memory");
    }
    if ((real_dirs[real_count++] = strdup(dir)) == 0) die("out of memory");
  }
}

/* The rest of a real directory `dir` ("" for the top): links to the tree's files. */
static void link_the_rest(const char *tree, const char *dir) {
  const int fd = *dir ? openat(tree_fd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : dup(tree_fd);
  DIR *d = fd < 0 ? 0 : fdopendir(fd);
  if (d == 0) die("%s/%s: %s", tree, dir, strerror(errno));
  char path[PATH_SIZE], target[2 * PATH_SIZE];
  struct stat st;
  for (struct dirent *e; (e = readdir(d)) != 0;) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(path, sizeof path, "%s%s%s", dir, *dir ? "/" : "", e->d_name);
    if (fstatat(run_fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0) continue; /* made already */
    snprintf(target, sizeof target, "%s/%s", tree, path);
    if (symlinkat(target, run_fd, path) != 0) die("%s/%s: %s", run, path, strerror(errno));
  }
  closedir(d);
}

/* Mirrors the tree into the run directory (memfd_run.h). A run directory `reused` from a program
 * that ended has all but the links to memfds right: those are made again where their descriptor
 * changed (the memfds are made in the same order, so most keep their number). */
static void mirror(const char *tree, int reused) {
  size_t size = 0;
  char *list = read_all(tree_fd, OBJECTS_LIST, &size, 0);
  if (list == 0) die("%s: no %s (expanded by an older elfpack): remove it", tree, OBJECTS_LIST);
  char target[PATH_SIZE];
  for (char *path = list; path < list + size; path += strlen(path) + 1) {
    struct stat st;
    if (fstatat(tree_fd, path, &st, AT_SYMLINK_NOFOLLOW) != 0) die("%s/%s: %s", tree, path, strerror(errno));
    /* A program's launcher, bin/NAME: this file, which runs NAME from memfds again (the shim runs
     * it for /proc/self/exe); a link as it is; any other ELF file from a memfd. */
    const int launcher = !S_ISLNK(st.st_mode) && strncmp(path, "bin/", 4) == 0 && strchr(path + 4, '/') == 0;
    if (S_ISLNK(st.st_mode)) {
      if (reused) continue;
      const ssize_t n = readlinkat(tree_fd, path, target, sizeof target - 1);
      if (n <= 0) die("%s/%s: %s", tree, path, strerror(errno));
      target[n] = '\0';
    } else {
      if (launcher) snprintf(target, sizeof target, "%s", single_file);
      else snprintf(target, sizeof target, "/proc/self/fd/%d", memfd_of(path, 0));
      if (reused) { /* made again where it changed: another descriptor, this file elsewhere */
        char was[PATH_SIZE];
        const ssize_t n = readlinkat(run_fd, path, was, sizeof was - 1);
        if (n > 0 && (size_t)n == strlen(target) && memcmp(was, target, (size_t)n) == 0) continue;
        unlinkat(run_fd, path, 0);
      }
    }
    make_parents(path);
    if (symlinkat(target, run_fd, path) != 0) die("%s/%s: %s", run, path, strerror(errno));
  }
  free(list);
  if (reused) return;
  link_the_rest(tree, "");
  for (size_t i = 0; i < real_count; i++) link_the_rest(tree, real_dirs[i]);
  const int fd = openat(run_fd, RUN_COMPLETE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
  if (fd < 0 || close(fd) != 0) die("%s/%s: %s", run, RUN_COMPLETE, strerror(errno));
}

/* A launcher's configuration (launchers/launcher.c): the strings after its magic, up to its end. */
struct launch {
  unsigned flags;
  const char *base, *interp, *exe;
  const char *libdirs, *options; /* each a run of strings ending with an empty one */
  int script_count;             /* EPK3: the interpreter's argv[0], then its arguments */
  const char *script;
};

/* The next string at *at, before `end`; 0 when it does not end there. */
static const char *next_string(const char **at, const char *end) {
  const char *s = *at, *nul = memchr(s, '\0', (size_t)(end - s));
  if (s >= end || nul == 0) return 0;
  *at = nul + 1;
  return s;
}

/* Whether a configuration starts at `at` and ends exactly at `end`. */
static int parse_launch(const char *at, const char *end, struct launch *l) {
  if (end - at < 6 || memcmp(at, "EPK", 3) != 0 || (at[3] != '2' && at[3] != '3')) return 0;
  const int script = at[3] == '3';
  l->flags = (unsigned char)at[4];
  if (l->flags & FLAG_COMPRESSED) return 0;
  at += 5;
  const char *s;
  if ((l->base = next_string(&at, end)) == 0 || (l->interp = next_string(&at, end)) == 0 ||
      (l->exe = next_string(&at, end)) == 0 || !*l->base || !*l->interp || !*l->exe)
    return 0;
  l->libdirs = at;
  while ((s = next_string(&at, end)) != 0 && *s) {}
  if (s == 0) return 0;
  l->options = at;
  while ((s = next_string(&at, end)) != 0 && *s) {}
  if (s == 0) return 0;
  l->script_count = 0;
  if (script) {
    if (at >= end || (l->script_count = (unsigned char)*at++) == 0) return 0;
    l->script = at;
    for (int i = 0; i < l->script_count; i++) {
      if (next_string(&at, end) == 0) return 0;
    }
  }
  if ((l->flags & FLAG_ARGV0_ENV) && ((s = next_string(&at, end)) == 0 || strcmp(s, "ELFPACK_ARGV0=") != 0)) return 0;
  return at == end;
}

/* dir + "/" + path, or path when it is absolute, in a new string. */
static char *path_in(const char *dir, const char *path) {
  char *out = malloc(strlen(dir) + strlen(path) + 2);
  if (out == 0) die("out of memory");
  if (path[0] == '/') strcpy(out, path); else sprintf(out, "%s/%s", dir, path);
  return out;
}

/* Runs the linker as the launcher whose configuration is `l` would, with the run directory's paths. */
static void run_linker(const struct launch *l, char **argv) {
  int argc = 0;
  while (argv[argc] != 0) argc++;
  char dir[2 * PATH_SIZE], library_path[8 * PATH_SIZE] = "";
  snprintf(dir, sizeof dir, "%s/bin/%s", run, l->base);
  char **args = calloc((size_t)argc + 2 * MAX_OPTIONS + 270, sizeof *args);
  if (args == 0) die("out of memory");
  int i = 0;
  args[i++] = path_in(dir, l->interp);
  args[i++] = "--library-path";
  args[i++] = library_path;
  for (const char *d = l->libdirs; *d; d += strlen(d) + 1) {
    char *p = path_in(dir, d);
    if (strlen(library_path) + strlen(p) + 2 > sizeof library_path) die("%s: library path too long", dir);
    if (library_path[0]) strcat(library_path, ":");
    strcat(library_path, p);
  }
  int options = 0;
  for (const char *o = l->options; *o && options++ < MAX_OPTIONS; o += strlen(o) + 1) args[i++] = o[0] == '-' ? (char *)o : path_in(dir, o);
  char *argv0 = l->script_count ? (char *)l->script : argv[0];
  if ((l->flags & FLAG_ARGV0) && argv0 != 0) {
    args[i++] = "--argv0";
    args[i++] = argv0;
  }
  args[i++] = path_in(dir, l->exe);
  if (l->script_count) {
    const char *a = l->script + strlen(l->script) + 1;
    for (int k = 1; k < l->script_count; k++, a += strlen(a) + 1) args[i++] = (char *)a;
  }
  for (int a = 1; a < argc; a++) args[i++] = argv[a];
  char **env = environ;
  if ((l->flags & FLAG_ARGV0_ENV) && argv0 != 0) { /* the musl shim's argv[0], first in the environment */
    int n = 0;
    while (environ[n] != 0) n++;
    env = calloc((size_t)n + 3, sizeof *env);
    if (env == 0) die("out of memory");
    env[0] = "ELFPACK_ARGV0=";
    env[1] = argv0;
    memcpy(env + 2, environ, (size_t)n * sizeof *env);
  }
  execve(args[0], args, env);
  die("%s: cannot run it from a memfd: %s", args[0], strerror(errno));
}

/* Whether this process was run through bin/NAME of a run directory of `tree` (`execfn`) whose
 * memfds it inherited, each still open at its number: a program of the bundle running itself or
 * another one. Then that directory serves as it is (its lock is held by the process that made it,
 * and now by this one too), and nothing is copied again. Sets `run`. */
static int inherited_run(const char *tree, const char *execfn) {
  /* execfn is RUN/bin/NAME, maybe through "..": the shim names it from the linker's directory. */
  const size_t n = strlen(tree);
  char dir[PATH_SIZE], real[PATH_SIZE];
  const char *slash = execfn ? strrchr(execfn, '/') : 0;
  if (slash == 0 || strncmp(execfn, tree, n) != 0 || strncmp(execfn + n, ".run.", 5) != 0) return 0;
  snprintf(dir, sizeof dir, "%.*s", (int)(slash - execfn), execfn);
  snprintf(run, sizeof run, "%.*s", (int)n + 11, execfn);
  if (realpath(dir, real) == 0 || strncmp(real, run, n + 11) != 0 || strcmp(real + n + 11, "/bin") != 0) return 0;
  struct stat st;
  run_fd = open(run, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (run_fd < 0 || fstat(run_fd, &st) != 0 || st.st_uid != getuid() || (st.st_mode & 07777) != 0700 ||
      fstatat(run_fd, RUN_COMPLETE, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return 0;
  }
  size_t size = 0;
  char *list = read_all(tree_fd, OBJECTS_LIST, &size, 0);
  int good = list != 0;
  for (char *path = list; good && path < list + size; path += strlen(path) + 1) {
    /* A link to /proc/self/fd/N, N open here, a memfd named after the file and of its size. */
    char link[PATH_SIZE], proc[64], name[PATH_SIZE], expected[256];
    struct stat mine, copy;
    const ssize_t l = readlinkat(run_fd, path, link, sizeof link - 1);
    if (fstatat(tree_fd, path, &mine, AT_SYMLINK_NOFOLLOW) != 0) good = 0;
    if (!good || S_ISLNK(mine.st_mode) || l <= 0 || strncmp(link, "/proc/self/fd/", 14) != 0) continue;
    link[l] = '\0';
    const int fd = atoi(link + 14);
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    const ssize_t m = readlink(proc, name, sizeof name - 1);
    snprintf(expected, sizeof expected, "/memfd:%.199s (deleted)", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
    good = m > 0 && (size_t)m == strlen(expected) && memcmp(name, expected, (size_t)m) == 0 && fstat(fd, &copy) == 0 &&
           copy.st_size == mine.st_size;
  }
  free(list);
  if (!good) close(run_fd);
  return good;
}

void run_from_memfds(const char *tree, const char *program, char **argv, const char *self) {
  single_file = self;
  tree_fd = open(tree, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (tree_fd < 0) die("%s: %s", tree, strerror(errno));
  if (!inherited_run(tree, (const char *)getauxval(AT_EXECFN))) {
    /* The run directories of programs that have ended: one is reused, the others removed. */
    const int lock = remove_dead_leftovers(tree, RUN_COMPLETE, run);
    const int reused = lock >= 0;
    if (reused) {
      fcntl(lock, F_SETFD, 0); /* the program holds the lock */
    } else {
      if (snprintf(run, sizeof run, "%s.run.XXXXXX", tree) >= (int)sizeof run) die("%s: path too long", tree);
      if (make_locked_directory(run, 1) < 0) die("%s: cannot make a run directory: %s", run, strerror(errno));
    }
    run_fd = open(run, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (run_fd < 0) die("%s: %s", run, strerror(errno));
    mirror(tree, reused);
  }
  char launcher[PATH_SIZE];
  snprintf(launcher, sizeof launcher, "bin/%s", program);
  size_t size = 0;
  const char *bytes = read_all(tree_fd, launcher, &size, 1);
  if (bytes == 0) die("%s/%s: %s", tree, launcher, strerror(errno));
  struct launch l;
  for (const char *at = bytes; at + 4 <= bytes + size; at++) {
    at = memmem(at, (size_t)(bytes + size - at), "EPK", 3);
    if (at == 0) break;
    if (parse_launch(at, bytes + size, &l)) run_linker(&l, argv);
  }
  /* Not a launcher: a static program, run as it is, from a memfd. */
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", memfd_of(launcher, 1));
  execv(path, argv);
  die("%s: cannot run it from a memfd: %s", path, strerror(errno));
}
