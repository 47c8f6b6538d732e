#!/usr/bin/env bash
# --format exe where nothing can run from the expanded tree: /tmp (and $XDG_CACHE_HOME) mounted
# noexec, which forbids execve and mmap(PROT_EXEC) of their files. The single file expands there
# anyway and runs the program from memfds (launchers/expand/memfd_run.h): the bundled linker, the
# program and a library of its own are mapped from memfds through a run directory of links, while
# the data stays in the tree, served by the shim. By its default program and by a link's name; a
# later run reuses the tree, and the run directory of the one before (its program ended), not one
# that a program still running holds.
# In an empty root with Lambda's environment and uid, and as root with XDG_CACHE_HOME set; a glibc
# and a musl program.
source "$(dirname "$0")/common.inc"
cd "$t"
mkdir -p lib data
cc -shared -fPIC -o lib/libfix.so -DFIX_NAME=fix "$fixtures/fixlib.c"
cc -o chain -DFIX_CALLS=fix "$fixtures/fixprog.c" -Llib -lfix -Wl,-rpath,"$t/lib"
data_reader reader /usr/share/fixture/data.txt
echo "from a noexec tree" > data/data.txt
"$ELFPACK" -q ./reader ./chain --add "$t/data=/usr/share/fixture" --format exe --compress-level 3 -o app

# noexec_tmpfs DIR: a fresh tmpfs at DIR that nothing can be run from.
mounted=()
noexec_tmpfs() { mkdir -p "$1" && mount -t tmpfs -o noexec,nosuid,mode=1777 tmpfs "$1" && mounted+=("$1"); }
unmount_all() { local m; for m in "${mounted[@]}"; do umount "$m"; done; }
at_exit unmount_all

run=$(empty_root run)
mkdir -p "$run/opt"
cp app "$run/opt/app"
ln -s app "$run/opt/chain"
lambda_tmp=$t/tmp && noexec_tmpfs "$lambda_tmp"
# What the fallback is for: nothing runs from this /tmp.
cp "$t/chain" "$lambda_tmp/chain-copy"
! "$lambda_tmp/chain-copy" 2>/dev/null || fail "$lambda_tmp is not noexec"
rm "$lambda_tmp/chain-copy"
expect_output "data: from a noexec tree" in_lambda_root "$run" /opt/app
tree=$(echo "$lambda_tmp"/elfpack-*-x86_64)
[ "$(stat -c '%a %u' "$tree")" = "700 993" ] || fail "the tree: $(ls -la "$lambda_tmp")"
first=$(cd "$lambda_tmp" && ls -d "$(basename "$tree")".run.??????)
expect_output "chain 1" in_lambda_root "$run" /opt/chain
[ "$(ls -A "$lambda_tmp" | sort | tr '\n' ' ')" = "$(basename "$tree") $first " ] ||
  fail "the first run's directory was not reused: $(ls -A "$lambda_tmp")"
# One that a running program holds (this test holds its lock) is neither reused nor removed.
exec {held}<"$lambda_tmp/$first"
flock -n "$held" || fail "cannot lock $first"
expect_output "chain 1" in_lambda_root "$run" /opt/chain
exec {held}<&-
[ "$(ls -d "$lambda_tmp/$(basename "$tree")".run.?????? | wc -l)" = 2 ] && [ -d "$lambda_tmp/$first" ] ||
  fail "with a run directory in use: $(ls -A "$lambda_tmp")"

# A program that runs itself again through /proc/self/exe (the shim runs its launcher, bin/NAME
# of the run directory: the single file again, which runs it from the memfds it inherited), and
# finds its data beside /proc/self/exe's answer.
r=$t/sysroot
glibc_root "$r"
cc -o "$r/usr/bin/identity" "$fixtures/identity.c"
mkdir -p identity-data && echo "found next to myself" > identity-data/data.txt
"$ELFPACK" -q --sysroot "$r" /usr/bin/identity --add "$t/identity-data=/usr/share/fixture" --format exe --compress-level 3 -o id-app
cp id-app "$run/opt/id-app"
expect_output "self: /usr/bin/identity
data: found next to myself
child of /opt/id-app
re-exec: 5" in_lambda_root "$run" /opt/id-app
# The child ran from the run directory it inherited with its memfds: no second one was made.
id_runs=$(ls -d "$lambda_tmp"/elfpack-*-x86_64.run.?????? | grep -cv "^$tree.run.")
[ "$id_runs" = 1 ] || fail "the child made a run directory of its own: $(ls -A "$lambda_tmp")"

# XDG_CACHE_HOME noexec too: the tree in its elfpack/.
root=$(empty_root cache)
cp app "$root/app"
noexec_tmpfs "$root/tmp"
noexec_tmpfs "$root/cache"
XDG_CACHE_HOME=/cache expect_output "data: from a noexec tree" in_root "$root" /app
[ -f "$(echo "$root"/cache/elfpack/elfpack-*-x86_64/.elfpack-expanded)" ] || fail "nothing in the cache: $(ls -R "$root/cache" | head)"
[ -z "$(ls -A "$root/tmp")" ] || fail "expanded into /tmp: $(ls -A "$root/tmp")"

# A musl program: its launcher passes argv[0] in the environment (the musl linker has no
# --argv0), which the run from memfds does as the launcher does; the shim serves the data.
command -v musl-gcc >/dev/null || fail "musl-gcc is not installed (musl-tools)"
musl-gcc -o musl_reader reader.c
"$ELFPACK" -q ./musl_reader --add "$t/data=/usr/share/fixture" --format exe --compress-level 3 -o musl-app
musl=$(empty_root musl)
mkdir -p "$musl/opt" && cp musl-app "$musl/opt/musl-app"
lambda_tmp=$t/musl-tmp && noexec_tmpfs "$lambda_tmp"
expect_output "data: from a noexec tree" in_lambda_root "$musl" /opt/musl-app
compgen -G "$lambda_tmp/elfpack-*-x86_64.run.??????" > /dev/null || fail "not run from memfds: $(ls -A "$lambda_tmp")"
