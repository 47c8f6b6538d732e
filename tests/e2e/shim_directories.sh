#!/usr/bin/env bash
# Directories served partly from the bundle: /usr/share/only is the bundle's alone (added as a
# directory), /usr/share/x is the bundle's and the root's (files added one by one into a
# directory the root has too). Every call that looks at a directory sees the bundle's copy, a
# listing of a directory both have is the union with the bundle's copy winning, and relative
# paths after chdir/fchdir into them work (fixtures/dir_walker.c), in an empty root; the same
# calls made by number through syscall() (libuv's statx) too.
source "$(dirname "$0")/common.inc"
build dir_walker dir_walker.c
cd "$t"
mkdir -p only/b
echo "only a" > only/a.txt
echo "only c" > only/b/c.txt
echo "bundle's" > from-bundle.txt
echo "both: the bundle's" > both.txt
"$ELFPACK" -q ./dir_walker --add "$t/only=/usr/share/only" --add "$t/from-bundle.txt=/usr/share/x/from-bundle.txt" \
  --add "$t/both.txt=/usr/share/x/both.txt" -o walker.zip
root=$(empty_root root)
unzip -q walker.zip -d "$root/opt"
mkdir -p "$root/usr/share/x"
echo "root's" > "$root/usr/share/x/from-root.txt"
echo "both: the root's" > "$root/usr/share/x/both.txt"
expect_output "stat only: directory
lstat only/b: directory
access only: yes
faccessat x/from-root.txt: yes
opendir only: a.txt b
opendir x: both.txt from-bundle.txt from-root.txt
fdopendir x: both.txt from-bundle.txt from-root.txt
scandir x: both.txt from-bundle.txt from-root.txt
glob: /usr/share/x/both.txt /usr/share/x/from-bundle.txt /usr/share/x/from-root.txt /usr/share/only/a.txt /usr/share/only/b
openat x from-root.txt: root's
openat x both.txt: both: the bundle's
fstatat x from-root.txt: found
realpath: /usr/share/only/a.txt
chdir only: 0
getcwd: /usr/share/only
open a.txt: only a
open b/c.txt: only c
opendir .: a.txt b
chdir ../x: 0
getcwd: /usr/share/x
open from-root.txt: root's
open from-bundle.txt: bundle's
open both.txt: both: the bundle's
fchdir only/b: 0
getcwd: /usr/share/only/b
open c.txt: only c
syscall statx only: directory
syscall newfstatat x/from-bundle.txt: found
syscall faccessat only/a.txt: yes
syscall openat only/b/c.txt: only c
syscall chdir only: 0
syscall getcwd: /usr/share/only (16 bytes)
open a.txt: only a
syscall getpid: same" in_root "$root" /opt/bin/dir_walker

# A damaged index serves nothing, and the program runs: a count past the end, a cut file,
# an entry's offset past the strings.
index=$(echo "$root"/opt/lib/elfpack/*/root.index)
cp "$index" "$t/index.good"
damage() { cp "$t/index.good" "$index"; "$@"; }
for how in "printf '\377\377\377\017' | dd of=$index bs=1 seek=12 conv=notrunc status=none" \
           "truncate -s -3 $index" \
           "printf '\377\377\377\177' | dd of=$index bs=1 seek=24 conv=notrunc status=none"; do
  damage bash -c "$how"
  out=$(in_root "$root" /opt/bin/dir_walker) || fail "damaged index ($how): the program failed"
  grep -qx "stat only: missing" <<<"$out" || fail "damaged index ($how): still served: $out"
done
cp "$t/index.good" "$index"

# An interpreter with its standard library, a directory the empty root lacks: listing it,
# chdir into it and a relative open, os.scandir, imports.
py=/usr/bin/python3
[ -x "$py" ] || { echo "no $py: the interpreter check is skipped"; exit 0; }
lib=$("$py" -c 'import sys; print("/usr/lib/python%d.%d" % sys.version_info[:2])')
"$ELFPACK" -q "$(readlink -f "$py")" --add "$lib" -o python.zip
root=$(empty_root python-root)
unzip -q python.zip -d "$root/opt"
expect_output "['__future__.py', '__hello__.py']
$lib r\"\"\"OS routines for NT or Posix depending on what system we're on.
['__init__.py', 'decoder.py', 'encoder.py']
{}" in_root "$root" "/opt/bin/$(basename "$(readlink -f "$py")")" -c "
import os, json
print([n for n in sorted(os.listdir('$lib')) if n.startswith('__')][:2])
os.chdir('$lib')
print(os.getcwd(), open('os.py').readline().strip())
print(sorted(e.name for e in os.scandir('json') if e.name.endswith('.py'))[:3])
print(json.dumps({}))"
