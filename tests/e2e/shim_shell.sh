#!/usr/bin/env bash
# system() and popen() in a bundle that carries /bin/sh: the C library runs /bin/sh through its
# own posix_spawn, unseen by the shim, so the shim runs them itself with the bundle's shell
# (fixtures/shell_user.c), in an empty root whose only shell is the bundle's: exit statuses,
# SIGINT ignored by the caller while system() waits, a popen child without the other popen's fd.
source "$(dirname "$0")/common.inc"
sh=$(command -v dash || true)
[ -n "$sh" ] || { echo "no dash on this machine"; exit 77; }
build shell_user shell_user.c
cd "$t"
"$ELFPACK" -q ./shell_user --add "$sh=/bin/sh" -o shell.zip
root=$(empty_root root)
unzip -q shell.zip -d "$root/opt"
[ ! -e "$root/bin/sh" ] || fail "the root has a shell of its own"
expect_output "shell: yes
hi from system
system: 3
interrupted the caller
survived: 0
read: from popen
read: second line
pclose: 0
other popen's fd: closed
wrote to the shell
pclose w: 0" in_root "$root" /opt/bin/shell_user
