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
/* <dir>/NAME into `out` (NUL-terminated, at most size - 1 bytes); empty when it cannot be read. */
void read_small_file(const char *name, char *out, unsigned long size);

/* index.c: which paths the bundle serves. */
void load_index(void);
int serves_anything(void);
/* Whether the bundle carries `path`. */
int carried(const char *path);
/* The bundle's path for `path` in `buffer`, or `path` itself when the bundle does not carry it. */
const char *map(const char *path, char *buffer);

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
int is_own_launcher(const char *real, char *(*resolve)(const char *, char *));
extern char self_exe[SHIM_PATH_MAX], self_name[SHIM_PATH_MAX], self_launcher[SHIM_PATH_MAX];

/* next.c: the C library's definition of `name`, found once (0 without dlsym). */
void *next(void **cache, const char *name);
#define NEXT(type, name) ((type)next(&next_##name, #name))

/* files.c */
int open_mapped(int dirfd, const char *path, int flags, int mode);

#pragma GCC visibility pop

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
