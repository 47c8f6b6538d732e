#!/usr/bin/env bash
# A program that reads data at a compiled-in absolute path finds the bundle's copy in an empty
# root — through C stdio, a C++ stream, a directory listing and stat — while paths the bundle does
# not carry (/proc, /tmp) still reach the real file system. The data comes with --add; the path
# shim, preloaded by the bundled linker, does the redirection without root or namespaces.
source "$(dirname "$0")/common.inc"
data=/usr/share/elfpack-fixture-data
mkdir -p "$t/data/sub"
echo "hello from the bundle" > "$t/data/greeting.txt"
echo "1 2 3" > "$t/data/sub/numbers.txt"
c++ -O1 -o "$t/datafile" -DDATA="\"$data\"" "$fixtures/datafile.cpp"

cd "$t"
"$ELFPACK" -q ./datafile --add "$t/data=$data" -o app.zip
root=$(empty_root root)
unzip -q app.zip -d "$root/opt"
mkdir -p "$root/tmp" && echo "the host's file" > "$root/tmp/outside.txt"
[ ! -e "$root$data" ] || fail "the data must not be in the root itself"
expect_output "errno at start: 0
fopen: hello from the bundle
ifstream: 1 2 3
listing: greeting.txt sub
stat: 22 bytes
proc: ok
outside: the host's file" in_root "$root" /opt/bin/datafile /tmp/outside.txt

# The shim binds only the C library's oldest symbol versions, so it loads with any glibc.
shim=$(echo "$root"/opt/lib/elfpack/*/shim.so)
versions=$(objdump -T "$shim" | grep -o 'GLIBC_[0-9.]*' | sort -uV)
[ -z "$(grep -v -x -e GLIBC_2.2.5 -e GLIBC_2.4 <<<"$versions")" ] || fail "shim needs $versions"

# --add of a missing path is an error, and nothing is written.
expect_failure "nothere: cannot add" "$ELFPACK" ./datafile --add "$t/nothere" -o bad.zip >/dev/null
[ ! -e bad.zip ] || fail "bad.zip written"

# An added tree may hold another name of a library the program itself needs, as Python's
# lib/python3.11/config-3.11-*/libpython3.11.so links to libpython3.11.so.1.0, which gdb needs:
# the bundle holds the library once, under the name the loader asks for, and the added name
# reaches it.
mkdir -p "$t/fix/lib" "$t/fix/dev/config"
cc -shared -fPIC -o "$t/fix/lib/libfix.so.1" -Wl,-soname,libfix.so.1 -DFIX_NAME=fix -DFIX_MESSAGE='"fix here"' \
  "$fixtures/fixlib.c"
cc -o "$t/fixprog" -DFIX_CALLS=fix -DFIX_PRINT_MESSAGE "$fixtures/fixprog.c" "$t/fix/lib/libfix.so.1" \
  -Wl,-rpath,"$t/fix/lib"
ln -s ../../lib/libfix.so.1 "$t/fix/dev/config/libfix.so"
"$ELFPACK" -q ./fixprog --add "$t/fix/dev" -o fix.zip
[ "$(zipinfo -1 fix.zip | grep -c '/libfix.so.1$')" -eq 1 ] || fail "libfix.so.1 is not there once: $(zipinfo -1 fix.zip)"
root=$(empty_root fix-root)
unzip -q fix.zip -d "$root/opt"
expect_output "chain 1
fix here" in_root "$root" /opt/bin/fixprog
lib=$(cd "$root/opt/lib/elfpack"/*/root"$t/fix/dev/config" && readlink -f libfix.so)
cmp -s "$lib" "$t/fix/lib/libfix.so.1" || fail "the added name does not reach the library: $lib"

# The same tree added at another path (SRC=DEST): the library is read from SRC, not looked for at
# DEST on this machine, and served at DEST.
"$ELFPACK" -q ./fixprog --add "$t/fix/dev=/usr/lib/fixdev" -o fixdest.zip
root=$(empty_root fixdest-root)
unzip -q fixdest.zip -d "$root/opt"
expect_output "chain 1
fix here" in_root "$root" /opt/bin/fixprog
lib=$(cd "$root/opt/lib/elfpack"/*/root/usr/lib/fixdev/config && readlink -f libfix.so)
cmp -s "$lib" "$t/fix/lib/libfix.so.1" || fail "DEST's name does not reach the library: $lib"

# A program that finds its data from argv[0] and realpath, as cmake finds CMAKE_ROOT
# (<its directory>/../share/cmake-3.25): its launcher resolves to the path it had here, so
# ../share is where --add put the data. By path and by name through PATH.
mkdir -p "$t/prefix/bin" "$t/prefix/share/selfdata"
cc -o "$t/prefix/bin/selfdata" "$fixtures/selfdata.c"
echo "data found next to the program" > "$t/prefix/share/selfdata/data.txt"
"$ELFPACK" -q "$t/prefix/bin/selfdata" --add "$t/prefix/share/selfdata" -o self.zip
root=$(empty_root self-root)
unzip -q self.zip -d "$root/opt"
expect_output "found in $t/prefix/bin
data found next to the program" in_root "$root" /opt/bin/selfdata
unshare=$(command -v unshare) chroot=$(command -v chroot)
expect_output "found in $t/prefix/bin
data found next to the program" env PATH=/opt/bin "$unshare" --mount --pid --fork --mount-proc="$root/proc" \
  "$chroot" "$root" selfdata
