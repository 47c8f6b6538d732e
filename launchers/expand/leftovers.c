/* The expander's private directories beside a tree and the removal of a dead process's ones
 * (leftovers.h says the protocol). Only descriptors: nothing is reached through a link. */
#define _GNU_SOURCE
#include "leftovers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_MAX_LENGTH 4096
#define TRIES 100

static int same_file(const struct stat *a, const struct stat *b) { return a->st_dev == b->st_dev && a->st_ino == b->st_ino; }

int make_locked_directory(char *pattern, int inherit) {
  char copy[NAME_MAX_LENGTH];
  if (snprintf(copy, sizeof copy, "%s", pattern) >= (int)sizeof copy) return errno = ENAMETOOLONG, -1;
  for (int i = 0; i < TRIES; i++) {
    strcpy(pattern, copy);
    if (mkdtemp(pattern) == 0) return -1;
    const int fd = open(pattern, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | (inherit ? 0 : O_CLOEXEC));
    if (fd < 0 && errno != ENOENT) return -1;
    if (fd < 0) continue; /* a sweep removed it before it was locked */
    if (flock(fd, LOCK_EX) != 0) {
      const int why = errno;
      close(fd);
      return errno = why, -1;
    }
    struct stat mine, there;
    if (fstat(fd, &mine) == 0 && mine.st_nlink > 0 && lstat(pattern, &there) == 0 && same_file(&mine, &there)) return fd;
    close(fd); /* removed (or replaced) by a sweep that locked it first: make another */
  }
  return errno = EAGAIN, -1;
}

int remove_contents(int dir_fd) {
  int failed = 0, removed;
  fchmod(dir_fd, 0700);
  do { /* again until a pass finds nothing: removing while reading may hide names */
    removed = 0;
    const int fd = dup(dir_fd);
    DIR *d = fd < 0 ? 0 : fdopendir(fd);
    if (d == 0) {
      if (fd >= 0) close(fd);
      return -1;
    }
    for (struct dirent *e; (e = readdir(d)) != 0;) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      if (unlinkat(dir_fd, e->d_name, 0) == 0) {
        removed = 1;
        continue;
      }
      if (errno != EISDIR && errno != EPERM) {
        failed = errno;
        continue;
      }
      const int sub = openat(dir_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0 || remove_contents(sub) != 0 || unlinkat(dir_fd, e->d_name, AT_REMOVEDIR) != 0) {
        failed = errno;
      } else {
        removed = 1;
      }
      if (sub >= 0) close(sub);
    }
    closedir(d);
  } while (removed && !failed);
  return failed ? (errno = failed, -1) : 0;
}

/* NAME is BASE.XXXXXX (1) or BASE.run.XXXXXX (2), six characters mkdtemp chose; else 0. */
static int is_leftover_name(const char *name, const char *base) {
  const size_t n = strlen(base);
  if (strncmp(name, base, n) != 0 || name[n] != '.') return 0;
  const char *rest = name + n + 1;
  const int run = strncmp(rest, "run.", 4) == 0;
  if (run) rest += 4;
  if (strlen(rest) != 6) return 0;
  for (const char *c = rest; *c != '\0'; c++) {
    if (*c == '/' || *c == '.') return 0;
  }
  return run ? 2 : 1;
}

int remove_dead_leftovers(const char *tree, const char *reuse, char *kept) {
  const char *slash = strrchr(tree, '/');
  int kept_fd = -1;
  if (slash == 0) return -1;
  char parent[NAME_MAX_LENGTH];
  snprintf(parent, sizeof parent, "%.*s", (int)(slash - tree), tree);
  const int parent_fd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = parent_fd < 0 ? 0 : fdopendir(dup(parent_fd));
  if (d == 0) {
    if (parent_fd >= 0) close(parent_fd);
    return -1;
  }
  const uid_t me = getuid();
  for (struct dirent *e; (e = readdir(d)) != 0;) {
    const int kind = is_leftover_name(e->d_name, slash + 1);
    if (kind == 0) continue;
    const int fd = openat(parent_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st, there, marker;
    /* Ours, as mkdtemp made it, and no live process holds it; still under this name once locked. */
    if (fstat(fd, &st) == 0 && st.st_uid == me && (st.st_mode & 07777) == 0700 && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        fstatat(parent_fd, e->d_name, &there, AT_SYMLINK_NOFOLLOW) == 0 && same_file(&st, &there)) {
      if (reuse != 0 && kept_fd < 0 && kind == 2 && fstatat(fd, reuse, &marker, AT_SYMLINK_NOFOLLOW) == 0 &&
          snprintf(kept, NAME_MAX_LENGTH, "%s/%s", parent, e->d_name) < NAME_MAX_LENGTH) {
        kept_fd = fd; /* locked, and kept so */
        continue;
      }
      if (remove_contents(fd) == 0) unlinkat(parent_fd, e->d_name, AT_REMOVEDIR);
    }
    close(fd); /* and with it the lock */
  }
  closedir(d);
  close(parent_fd);
  return kept_fd;
}
