#!/usr/bin/env bash
# Odd but valid inputs, each bundled and run in an empty root: 1,000 programs in one bundle (and
# the package tools asked once for all of them, not once each); a name with a newline (kept by
# tar; a zip gets a warning, as unzip drops the newline); a library whose path is longer than
# 255 bytes; the same library reached by two names (copied once, the other name a link).
# (Spaces, leading dashes, UTF-8 and 40-link symlink chains: cli.sh.)
source "$(dirname "$0")/common.inc"
cd "$t"
build echo_args echo_args.c

# --- 1,000 programs: distinct files, as a build tree of tools would have.
mkdir many
for i in $(seq -w 1 1000); do cp echo_args "many/tool$i"; done
strace -f -qq --seccomp-bpf -e trace=execve -o execs.log "$ELFPACK" -q many/* -o many.zip
[ "$(zipinfo -1 many.zip | grep -c '^bin/tool')" -eq 1000 ] || fail "not 1000 launchers: $(zipinfo -1 many.zip | grep -c '^bin/tool')"
[ "$(zipinfo -1 many.zip | grep -c '/exe/tool')" -eq 1000 ] || fail "not 1000 programs"
# Package ownership: dpkg's lists read once, and any other package manager asked once for all
# (it was one query per program: 83 s for these).
queries=$(grep -cE 'execve\("[^"]*(dpkg-query|pacman|rpm)"' execs.log || true)
[ "$queries" -le 1 ] || fail "package managers ran $queries times for 1000 programs"
root=$(empty_root many-root)
unzip -q many.zip -d "$root/opt"
for i in 0001 0500 1000; do
  out=$(in_root "$root" "/opt/bin/tool$i" "x")
  grep -qxF "argv[0]=/opt/bin/tool$i" <<<"$out" && grep -qxF "argv[1]=x" <<<"$out" || fail "tool$i: $out"
done

# --- A newline in a program's name.
mkdir nl
cp echo_args "nl/new
line"
"$ELFPACK" -q nl/* -o nl.tar.gz
root=$(empty_root nl-root)
mkdir -p "$root/opt" && tar xzf nl.tar.gz -C "$root/opt"
out=$(in_root "$root" "/opt/bin/new
line" y)
[ "$(head -2 <<<"$out")" = "argv[0]=/opt/bin/new
line" ] || fail "newline name: $out"
"$ELFPACK" nl/* -o nl.zip 2> err.txt
grep -qF 'warning: bin/new\nline: a name with a control character: unzip leaves such characters out' err.txt \
  || fail "no warning for a zip: $(cat err.txt)"

# --- A library at a path of more than 255 bytes (each component within NAME_MAX), found through
# a run path of more than 1,000 bytes.
deep=$t/$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})/$(printf 'f%.0s' {1..60})/$(printf 'g%.0s' {1..60})/lib
[ ${#deep} -gt 255 ] || fail "deep path only ${#deep} bytes"
mkdir -p "$deep"
cc -shared -fPIC -o "$deep/libdeep.so" -DFIX_NAME=deep "$fixtures/fixlib.c"
# --- and a library reached by two names: the program needs libtwo.so.1, libmid.so needs
# libalias.so, a link to the same file; the loader maps it once (same device and inode).
mkdir two
cc -shared -fPIC -o two/libtwo.so.1 -DFIX_NAME=two "$fixtures/fixlib.c"
ln -s libtwo.so.1 two/libalias.so
cc -shared -fPIC -o two/libmid.so -DFIX_NAME=mid -DFIX_CALLS=deep "$fixtures/fixlib.c" -Wl,--no-as-needed \
  -Ltwo -l:libalias.so -L"$deep" -ldeep "-Wl,-rpath,\$ORIGIN:$deep/x:$deep/y:$deep/z:$deep"
cc -o two/prog -DFIX_CALLS=mid "$fixtures/fixprog.c" -Wl,--no-as-needed -Ltwo -l:libtwo.so.1 -lmid '-Wl,-rpath,$ORIGIN'
expect_output "chain 2" two/prog
"$ELFPACK" -q two/prog -o two.zip
entries=$(zipinfo two.zip)
grep -qE '^-.* lib/elfpack/[0-9a-f]+/lib/libtwo\.so\.1$' <<<"$entries" || fail "libtwo.so.1 not a file: $entries"
grep -qE '^l.* lib/elfpack/[0-9a-f]+/lib/libalias\.so$' <<<"$entries" || fail "libalias.so not a link: $entries"
grep -qE ' lib/elfpack/[0-9a-f]+/lib/libdeep\.so$' <<<"$entries" || fail "libdeep.so missing: $entries"
root=$(empty_root two-root)
unzip -q two.zip -d "$root/opt"
expect_output "chain 2" in_root "$root" /opt/bin/prog
