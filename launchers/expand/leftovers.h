/* The expander's private directories beside a tree (TREE.XXXXXX: an expansion's temporary; also
 * TREE.run.XXXXXX: the links of a run from memfds), and how a killed process's ones are removed.
 *
 * Each is created 0700 (mkdtemp) and flock'ed at once by its maker, which holds the lock for as
 * long as the directory is in use (its descriptor is open: until the tree is renamed into place,
 * or, for a run, in the program and its children). The kernel drops the lock when the last holder
 * dies, however it dies, so a directory whose lock can be taken belongs to no live process: the
 * next start removes it. A maker checks, once it holds the lock, that its directory is still where
 * it made it (a sweep may have taken the lock first and removed it), and a sweeper, once it holds
 * the lock, that the directory is still under the name it found (not renamed into TREE meanwhile). */
#ifndef ELFPACK_LEFTOVERS_H
#define ELFPACK_LEFTOVERS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Makes `pattern` (ending in XXXXXX, rewritten with the name made) a new locked directory; its
 * descriptor (O_CLOEXEC unless `inherit`), or -1 with errno. */
int make_locked_directory(char *pattern, int inherit);

/* Removes what `dir_fd` holds, depth first, never following a link (directories made writable
 * first). 0, or -1 with errno. */
int remove_contents(int dir_fd);

/* Removes the directories beside `tree` (TREE.XXXXXX, TREE.run.XXXXXX) of this user that no live
 * process holds. Silent: what cannot be removed stays for a later start. With `reuse` (a file
 * name), the first dead TREE.run.XXXXXX that holds that file is kept instead, locked: its
 * descriptor (close-on-exec) is returned and its path written into `kept` (4096 bytes); else -1. */
int remove_dead_leftovers(const char *tree, const char *reuse, char *kept);

#ifdef __cplusplus
}
#endif

#endif
