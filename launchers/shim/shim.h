/* The path shim's private header: what its files share. Nothing declared here leaves the
 * library (hidden visibility); only the functions marked EXPORT interpose the C library's.
 *
 * A file that defines an interposed function includes this first: it sets _GNU_SOURCE, takes
 * musl's *64 macros away (they are defined here as aliases of the plain names) and says how a
 * pointer to the C library's own definition is found (NEXT). */
#ifndef ELFPACK_SHIM_H
#define ELFPACK_SHIM_H

#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "syscall.h"

#if !defined(__GLIBC__)
/* musl (built with musl-gcc, for musl programs): its headers make the *64 names macros for the
 * plain ones, which are defined here as aliases. */
#undef open64
#undef openat64
#undef creat64
#undef fopen64
#undef freopen64
#undef readdir64
#undef readdir64_r
#undef scandir64
#endif

#define EXPORT __attribute__((visibility("default")))
/* <sys/stat.h> is not included: its prototypes (struct stat64 for stat64...) are not how these
 * entry points are defined here; on x86_64 and aarch64 every one of them takes the kernel's
 * struct stat. */
#define SHIM_PATH_MAX 4096

#pragma GCC visibility push(hidden)

/* state.c: where the bundle is, found once at start-up. */
extern char root[SHIM_PATH_MAX];     /* <dir>/root */
extern unsigned long root_length;
extern char dir_path[SHIM_PATH_MAX]; /* <dir> */
extern unsigned long dir_length;
extern char root_real[SHIM_PATH_MAX]; /* <dir>/root as the kernel names it */
extern unsigned long root_real_length;
/* Whether `path`, as the kernel gives it (getcwd, /proc/self/fd), is in the bundle's root/: the
 * rest of it (the logical path), or 0. */
const char *in_bundle_root(const char *path);
/* "/proc/self/fd/" in `proc` (32 bytes) followed by fd's number. */
void fd_path(int fd, char *proc);
/* <dir>/NAME into `out` (NUL-terminated, at most size - 1 bytes); empty when it cannot be read. */
void read_small_file(const char *name, char *out, unsigned long size);

/* index.c: which paths the bundle serves (root.index). */
#define SERVED_FILE 1
#define SERVED_DIRECTORY 2
#define SERVED_SYMLINK 3
#define SERVED_WHOLE 0x10
void load_index(void);
int serves_anything(void);
/* The index flags that serve absolute `path` (its own entry's, or a wholly served ancestor's), or
 * 0 when the bundle does not serve it. */
unsigned int served(const char *path);
/* Whether the bundle carries `path`. */
int carried(const char *path);
/* Whether absolute, normal `path` has an entry of its own. */
int served_exactly(const char *path);
/* `path` without ".", ".." and empty components into `out` (SHIM_PATH_MAX); 0 when too long. */
int normalise(const char *path, char *out);
/* The bundle's path for `path` in `buffer`, or `path` itself when the bundle does not carry it. A
 * relative path is taken from the current directory (cwd.c). */
const char *map(const char *path, char *buffer);
/* map for a path relative to `dirfd`: a relative path is left to the kernel unless dirfd is
 * AT_FDCWD. */
const char *map_at(int dirfd, const char *path, char *buffer);

/* cwd.c: the logical current directory. */
void load_cwd(void);
/* The logical current directory when it is served, else 0. */
const char *served_cwd(void);
/* After a call on (dirfd, relative path) failed with ENOENT: the path of the other copy, or 0. */
const char *other_copy(int dirfd, const char *path, char *buffer);

/* environment.c: env.list, and its variables taken out of a child's environment. */
void set_environment(void);
/* envp without what this library set (in `clean`, of `capacity` pointers), or envp itself. */
char *const *clean_environment(char *const envp[], char **clean, int capacity);

/* identity.c: which bundled program this process is. */
void load_identity(void);
#if !defined(__GLIBC__)
void restore_argv0(void);
#endif
int find_identity(void);
int is_self_exe(const char *path);
/* /proc/self/cmdline (or /proc/<this process>/cmdline...), and a memory file holding the
 * program's own command line (-1: open the real one). */
int is_own_cmdline(const char *path);
int open_cmdline(int flags);
int is_own_launcher(const char *real, char *(*resolve)(const char *, char *));
extern char self_exe[SHIM_PATH_MAX], self_name[SHIM_PATH_MAX], self_launcher[SHIM_PATH_MAX];

/* next.c: the C library's definition of `name`, found once (0 without dlsym). */
void *next(void **cache, const char *name);
#define NEXT(type, name) ((type)next(&next_##name, #name))

/* dladdr.c: libraries.list, read at start-up. */
void load_library_names(void);
/* dlopen.c: the path under root/ a loader name leads to, as the bundle serves it, else name. */
const char *served_name(const char *name);

/* files.c: the open and stat families on the mapped path (the kernel's struct stat). */
int open_mapped(int dirfd, const char *path, int flags, int mode);
int stat_mapped(int dirfd, const char *path, void *st, int flags);

#pragma GCC visibility pop

/* files.c's statx, exported (<sys/stat.h>, which would declare it, is not included). */
int statx(int dirfd, const char *path, int flags, unsigned int mask, void *st);

static inline unsigned long length(const char *s) {
  unsigned long n = 0;
  while (s[n] != '\0') n++;
  return n;
}

static inline int same_bytes(const char *a, const char *b, unsigned long n) {
  for (unsigned long i = 0; i < n; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

static inline int contains_slash(const char *s) {
  for (; *s != '\0'; s++)
    if (*s == '/') return 1;
  return 0;
}

#endif
