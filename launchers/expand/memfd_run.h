/* Running a program of an expanded tree that cannot be executed from: --format exe when both
 * $XDG_CACHE_HOME and /tmp are mounted noexec. noexec forbids execve and mmap(PROT_EXEC) of a
 * file of that mount, so neither the bundled linker, nor the program, nor any library the linker
 * maps can come from the tree; its other files (data, root.index, the shim's lists) are only read,
 * which noexec allows.
 *
 * So each run copies every ELF file of the tree (listed at expansion in OBJECTS_LIST) into a memfd,
 * whose file system is the kernel's own, not noexec, and makes a run directory TREE.run.XXXXXX
 * beside the tree that mirrors it: the directories on the way to an ELF file or a link are real
 * directories, an ELF file is a link to /proc/self/fd/N (its memfd, inherited by the program
 * across execve), a launcher bin/NAME a link to this single file (which, run by that name, runs
 * NAME from memfds again: the shim runs it when the program runs /proc/self/exe), a link is copied as it is (a relative one then resolves inside the run
 * directory), anything else is a link to the tree's file. The kernel checks noexec on the file a
 * path resolves to, a memfd here, so execve of the linker through its link and the linker's mmap of
 * the program and libraries through theirs work; /proc/self/fd/N resolves in the process that
 * opens it, the program. The linker runs as the program's launcher would run it (the launcher's
 * configuration is read from the tree's bin/<program>), with paths in the run directory.
 *
 * The run directory is locked by a descriptor the program inherits (leftovers.h). Once the
 * program and its children are gone, the next run takes it over: only the links to memfds whose
 * descriptor number changed are made again; any other dead one is removed. A program of the
 * bundle that the program runs (through bin/NAME: itself again through /proc/self/exe, or another)
 * uses its parent's run directory as it is, with the memfds it inherited, when each is still open
 * at its number: nothing is copied again.
 *
 * What does not work this way: a program run by its path in the tree (the tree's bin/ is noexec;
 * the shim's paths lead to the run directory's bin/, which works), and a library dlopen'ed after
 * the program closed descriptors it did not open. Each ELF file costs its size in memory per run. */
#ifndef ELFPACK_MEMFD_RUN_H
#define ELFPACK_MEMFD_RUN_H

#define OBJECTS_LIST ".elfpack-objects" /* in the tree: the ELF files and links, NUL-terminated paths */

/* expand.c's: one line on stderr (its temporary removed), exit status 127. */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *format, ...);

/* Runs bin/`program` of the checked tree `tree` with `argv` (argv[0] first) from memfds; `self`
 * is this single file, which the run directory's bin/NAME links to. */
__attribute__((noreturn)) void run_from_memfds(const char *tree, const char *program, char **argv, const char *self);

#endif
