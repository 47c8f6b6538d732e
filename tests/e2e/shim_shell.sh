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
expected="shell: yes
hi from system
system: 3
interrupted the caller
survived: 0
read: from popen
read: second line
pclose: 0
other popen's fd: closed
wrote to the shell
pclose w: 0"
expect_output "$expected" in_root "$root" /opt/bin/shell_user

# The same for a musl program (musl's system and popen spawn /bin/sh internally too).
if command -v musl-gcc >/dev/null; then
  musl-gcc -o "$t/shell_user_musl" "$fixtures/shell_user.c"
  "$ELFPACK" -q ./shell_user_musl --add "$sh=/bin/sh" -o shell-musl.zip
  root=$(empty_root musl-root)
  unzip -q shell-musl.zip -d "$root/opt"
  # (the glibc shell gets a glibc shim of its own: nothing on stderr)
  expect_output "$expected" in_root "$root" /opt/bin/shell_user_musl 2>"$t/musl.err"
  [ ! -s "$t/musl.err" ] || fail "musl program's shell: $(cat "$t/musl.err")"
fi

# A program that spawns /bin/sh by path itself (make, tar, git) brings the shell by default: it
# imports a spawn function and names "/bin/sh" (fixtures/spawn_shell.c), with no --add.
build spawn_shell spawn_shell.c
"$ELFPACK" -q ./spawn_shell -o spawn.zip
root=$(empty_root spawn-root)
unzip -q spawn.zip -d "$root/opt"
expect_output "spawned by path
status: 4" in_root "$root" /opt/bin/spawn_shell
