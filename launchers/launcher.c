/* The launcher: bin/<program> of a bundle. A freestanding static program (no libc) that runs the
 * bundled program through the bundled dynamic linker:
 *
 *   <dir>/<interp> --library-path <dir>/<libdir>[:...] [OPTIONS...] [--argv0 ARGV0] <dir>/<exe> ARGS...
 *
 * where <dir> is the directory of the launcher's real file, found through /proc/self/exe or, when
 * /proc is not mounted, AT_EXECFN with its symlinks resolved. It passes arguments, environment and
 * standard streams through unchanged and sets no LD_LIBRARY_PATH, so child processes are not
 * affected. Any failure is one line on stderr naming the path, and exit status 127.
 *
 * Configuration (the payload): elfpack appends it to the launcher's only PT_LOAD segment, which
 * the kernel then maps at `elfpack_payload` (see launcher.ld and src/layout/launcher.cpp). Format v1:
 *   "EPK2", one flags byte (bit 0: pass --argv0; bit 1: put "ELFPACK_ARGV0=" and argv[0] first in
 *   the environment, for the path shim of musl programs, whose linker has no --argv0; only the
 *   launcher built with ELFPACK_ARGV0_IN_ENVIRONMENT does), then NUL-terminated strings: base, interp, exe,
 *   library dirs..., an empty string; then the linker's OPTIONS..., an empty string; with flag bit
 *   1, the marker "ELFPACK_ARGV0=". An option
 *   starting with '-' is passed as it is ("--inhibit-cache", "--preload"); any other is a path
 *   (the library that "--preload" names). Paths are relative to <dir>/<base> unless absolute;
 *   <base> (relative to <dir>) is written once, as the bundle's private directory.
 * Paths are relative to the launcher's directory unless they start with '/'.
 *
 * A compressed bundle's launcher (built with ELFPACK_COMPRESSED; flag bit 2) has two more strings right after the flags byte:
 * TREE, the absolute path of the directory in /tmp that the bundle's payload expands into, and
 * EXPANDER, the expander's path (relative to <dir>); <base> is then relative to TREE, not to <dir>.
 * Before running anything from TREE it checks it (lstat: a directory, not a link; owned by this
 * uid; mode 0700; holding the stamp .elfpack-expanded that names TREE, which the expander writes
 * last): a tree that fails is never used (one line naming TREE and the check, exit 127). A TREE
 * that does not exist yet runs `EXPANDER TREE <this launcher> ARGV...`, which expands the payload
 * and runs this launcher again (launchers/expand/expand.c).
 *
 * The launcher of a script (built with ELFPACK_SCRIPT) runs the script's interpreter with the
 * arguments Linux would give it for a #! script (argv[0] as the #! line names the interpreter, its
 * argument, the script's path), then the user's arguments from argv[1]:
 *
 *   <dir>/<interp> --library-path ... [OPTIONS...] [--argv0 NAME] <dir>/<exe> ARGUMENTS... ARGS...
 *
 * Its payload, format v2: "EPK3", then as v1 up to the options' empty string; then one byte, the
 * number N of strings that follow (1 to 255), and N NUL-terminated strings, which may be empty:
 * the interpreter's argv[0] (what --argv0 passes, in place of the launcher's own argv[0]), then
 * the ARGUMENTS, passed as they are (not paths); then, with flag bit 1, the marker. */
#include "arch.h"

#define AT_FDCWD (-100)
#define AT_EXECFN 31
#define F_OK 0
#define PATH_SIZE 4096
#define MAX_LINKS 40
#define FLAG_ARGV0 1
#define FLAG_ARGV0_ENV 2
#define FLAG_COMPRESSED 4
#define AT_SYMLINK_NOFOLLOW 0x100
#define O_CLOEXEC 02000000
#define STAMP "/.elfpack-expanded"
#ifdef ELFPACK_SCRIPT /* the launcher of scripts: payload v2 */
#define PAYLOAD_VERSION '3'
#define SCRIPT_ARGUMENTS 255
#else
#define PAYLOAD_VERSION '2'
#define SCRIPT_ARGUMENTS 0
#endif

extern const char elfpack_payload[];

static unsigned long length(const char *s) {
  unsigned long n = 0;
  while (s[n] != '\0') n++;
  return n;
}

static void put(const char *s) { syscall3(SYS_WRITE, 2, (long)s, (long)length(s)); }

static const char *reason(long err) {
  /* An if-chain, not a switch: a switch over these values becomes a 300-byte jump table. */
  /* Only the errors a damaged or moved bundle gives; rarer ones (a corrupt linker, a path over
   * 4 KiB) say "cannot run": every byte here is in every launcher. */
  if (err == 2) return "No such file or directory";
  if (err == 13) return "Permission denied";
  if (err == 20) return "Not a directory";
  if (err == 40) return "Too many levels of symbolic links";
  return "cannot run";
}

__attribute__((noreturn)) static void die(const char *path, const char *why) {
  put("elfpack launcher: ");
  put(path);
  put(": ");
  put(why);
  put("\n");
  for (;;) syscall3(SYS_EXIT_GROUP, 127, 0, 0);
}

/* A bounded string builder: any overflow ends the program with ENAMETOOLONG. */
struct buffer {
  char *data;
  unsigned long used;
};

static void add(struct buffer *b, const char *s, unsigned long n) {
  if (PATH_SIZE - 1 - b->used < n) die(b->data, "cannot run"); /* over 4 KiB */
  for (unsigned long i = 0; i < n; i++) b->data[b->used + i] = s[i];
  b->used += n;
  b->data[b->used] = '\0';
}

static void add_string(struct buffer *b, const char *s) { add(b, s, length(s)); }

/* dir + "/" + relative, or the path itself when it is absolute. */
static void add_path(struct buffer *b, const char *dir, const char *path) {
  if (path[0] != '/') {
    add_string(b, dir);
    add(b, "/", 1);
  }
  add_string(b, path);
}

static unsigned long directory_length(const char *path) {
  unsigned long slash = 0;
  for (unsigned long i = 0; path[i] != '\0'; i++)
    if (path[i] == '/') slash = i;
  return slash;
}

/* Without /proc: AT_EXECFN is the path the caller exec'd, maybe relative, maybe a symlink. */
static void find_self_without_proc(const unsigned long *auxv, char *self) {
  const char *execfn = 0;
  for (; auxv[0] != 0; auxv += 2)
    if (auxv[0] == AT_EXECFN) execfn = (const char *)auxv[1];
  if (execfn == 0) die("/proc/self/exe", "not readable and no AT_EXECFN");
  struct buffer b = {self, 0};
  self[0] = '\0';
  if (execfn[0] != '/') {
    if (syscall3(SYS_GETCWD, (long)self, PATH_SIZE, 0) < 0) die(execfn, "cannot get the current directory");
    b.used = length(self);
    add(&b, "/", 1);
  }
  add_string(&b, execfn);
  for (int links = 0; links < MAX_LINKS; links++) {
    char target[PATH_SIZE];
    long n = syscall4(SYS_READLINKAT, AT_FDCWD, (long)self, (long)target, PATH_SIZE - 1);
    if (n < 0) return; /* not a link: done */
    target[n] = '\0';
    if (target[0] == '/') {
      b.used = 0;
    } else {
      b.used = directory_length(self) + 1; /* keep "dir/" */
    }
    self[b.used] = '\0';
    add(&b, target, (unsigned long)n);
  }
  die(execfn, reason(40));
}

#ifdef ELFPACK_COMPRESSED /* the launchers of compressed bundles: the others stay small */
static unsigned read_u32(const unsigned char *p) {
  return (unsigned)p[0] | (unsigned)p[1] << 8 | (unsigned)p[2] << 16 | (unsigned)p[3] << 24;
}

/* A compressed bundle's tree: used only when it passes every check; expanded first when missing.
 * `self` is this launcher's file, `args` the program's arguments (argv[0] first). */
static void use_tree(const char *tree, const char *self, const char *expander, char **args, long argc, char **envp) {
  unsigned char st[STAT_SIZE];
  long err = syscall4(SYS_NEWFSTATAT, AT_FDCWD, (long)tree, (long)st, AT_SYMLINK_NOFOLLOW);
  if (err == -2) { /* ENOENT: expand it, and come back */
    char path[PATH_SIZE];
    struct buffer b = {path, 0};
    add(&b, self, directory_length(self));
    add(&b, "/", 1);
    add_string(&b, expander);
    char *run[argc + 4];
    run[0] = path;
    run[1] = (char *)tree;
    run[2] = (char *)self;
    run[3] = argc > 0 ? args[0] : (char *)self;
    for (long a = 1; a < argc; a++) run[3 + a] = args[a];
    run[argc > 0 ? argc + 3 : 4] = 0;
    err = syscall3(SYS_EXECVE, (long)path, (long)run, (long)envp);
    die(path, reason(-err));
  }
  if (err < 0) die(tree, reason(-err));
  const unsigned mode = read_u32(st + STAT_MODE_AT);
  if ((mode & 0170000) != 0040000) die(tree, "not a directory (a link or a file in its place): not used");
  if (read_u32(st + STAT_UID_AT) != (unsigned)syscall3(SYS_GETUID, 0, 0, 0)) die(tree, "owned by another user: not used");
  if ((mode & 07777) != 0700) die(tree, "not of mode 0700: not used");
  char stamp[PATH_SIZE];
  struct buffer b = {stamp, 0};
  add_string(&b, tree);
  add_string(&b, STAMP);
  const long fd = syscall4(SYS_OPENAT, AT_FDCWD, (long)stamp, O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0) die(tree, "incomplete (no .elfpack-expanded stamp): not used; remove it");
  const char *name = tree + directory_length(tree) + 1;
  const long n = syscall3(SYS_READ, fd, (long)stamp, 255);
  syscall3(SYS_CLOSE, fd, 0, 0);
  int same = n == (long)length(name);
  for (long i = 0; same && i < n; i++) same = stamp[i] == name[i];
  if (!same) die(tree, "digest mismatch (its stamp names another tree): not used; remove it");
}
#endif

__attribute__((noreturn, used)) void launcher_main(long *sp) {
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  char **end_of_env = envp;
  while (*end_of_env != 0) end_of_env++;
  const unsigned long *auxv = (const unsigned long *)(end_of_env + 1);

  const char *p = elfpack_payload;
  if (p[0] != 'E' || p[1] != 'P' || p[2] != 'K' || p[3] != PAYLOAD_VERSION) die(argc > 0 ? argv[0] : "launcher", "not configured by elfpack");
  const unsigned char flags = (unsigned char)p[4];
  const char *base = p + 5;
#ifdef ELFPACK_COMPRESSED
  if (!(flags & FLAG_COMPRESSED)) die(argc > 0 ? argv[0] : "launcher", "not configured by elfpack");
  const char *tree = base;
  const char *expander = tree + length(tree) + 1;
  base = expander + length(expander) + 1;
#endif
  const char *interp = base + length(base) + 1;
  const char *exe = interp + length(interp) + 1;
  const char *libdirs = exe + length(exe) + 1;

  char self[PATH_SIZE];
  long n = syscall4(SYS_READLINKAT, AT_FDCWD, (long)"/proc/self/exe", (long)self, PATH_SIZE - 1);
  if (n > 0) {
    self[n] = '\0';
  } else {
    find_self_without_proc(auxv, self);
  }
#ifdef ELFPACK_COMPRESSED
  char dir[PATH_SIZE];
  struct buffer bs = {dir, 0};
  use_tree(tree, self, expander, argv, argc, envp);
  add_string(&bs, tree);
#else
  const char *dir = self;
  struct buffer bs = {self, directory_length(self)};
#endif
  add(&bs, "/", 1);
  add_string(&bs, base);

  char interp_path[PATH_SIZE], exe_path[PATH_SIZE], library_path[PATH_SIZE];
  struct buffer bi = {interp_path, 0}, be = {exe_path, 0}, bl = {library_path, 0};
  add_path(&bi, dir, interp);
  add_path(&be, dir, exe);
  library_path[0] = '\0';
  const char *d = libdirs;
  for (; *d != '\0'; d += length(d) + 1) {
    if (bl.used != 0) add(&bl, ":", 1);
    add_path(&bl, dir, d);
  }

  long err = syscall4(SYS_FACCESSAT, AT_FDCWD, (long)exe_path, F_OK, 0);
  if (err < 0) die(exe_path, reason(-err));

  char *args[argc + 16 + SCRIPT_ARGUMENTS];
  int i = 0;
  args[i++] = interp_path;
  args[i++] = "--library-path";
  args[i++] = library_path;
  /* Options; their paths go after the library path's NUL, in the same buffer. */
  for (d++; *d != '\0' && i < 12; d += length(d) + 1) {
    if (d[0] == '-') {
      args[i++] = (char *)d;
    } else {
      bl.used++;
      args[i++] = library_path + bl.used;
      add_path(&bl, dir, d);
    }
  }
#ifdef ELFPACK_SCRIPT
  const char *rest = d + 1; /* what follows the options in the payload */
  int count = (unsigned char)*rest++;
  char *argv0 = (char *)rest;
  const int has_argv0 = 1;
#else
  char *argv0 = argv[0];
  const int has_argv0 = argc > 0;
#endif
  if ((flags & FLAG_ARGV0) && has_argv0) {
    args[i++] = "--argv0";
    args[i++] = argv0;
  }
  args[i++] = exe_path;
#ifdef ELFPACK_SCRIPT
  for (rest += length(rest) + 1; --count > 0; rest += length(rest) + 1) args[i++] = (char *)rest;
  d = rest - 1; /* the marker follows */
#endif
  for (long a = 1; a < argc; a++) args[i++] = argv[a];
  args[i] = 0;
#ifdef ELFPACK_ARGV0_IN_ENVIRONMENT /* the launcher of musl programs only: every byte counts */
  if ((flags & FLAG_ARGV0_ENV) && has_argv0) {
    /* Two slots in front of the environment: the last of argv and its NULL, copied into args.
     * The marker ("ELFPACK_ARGV0=") is the payload's last string. */
    *--envp = argv0;
    *--envp = (char *)d + 1;
  }
#endif
  err = syscall3(SYS_EXECVE, (long)interp_path, (long)args, (long)envp);
  die(interp_path, reason(-err));
}
