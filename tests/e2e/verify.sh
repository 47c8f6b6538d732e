#!/usr/bin/env bash
# elfpack verify: a good bundle (zip, tarball, directory) passes; a bundle with a library
# removed, or a launcher that lost its execute bit, fails naming the problem; an archive entry
# that would land outside the bundle is refused before anything runs; a bundle that would search
# the host (absolute run paths, an open linker) fails. Programs run as in Lambda:
# working directory /var/task, an unprivileged uid, everything read-only but /tmp, Lambda's
# environment, /dev's nodes — as root, and as an ordinary user through a user namespace.
source "$(dirname "$0")/common.inc"
cd "$t"
"$ELFPACK" -q rig -o rig.zip
"$ELFPACK" -q rig -o rig.tar.gz
for bundle in rig.zip rig.tar.gz; do
  out=$("$ELFPACK" verify "$bundle") || fail "verify $bundle: $out"
  grep -q "^ok    rig: .* all in the bundle, every symbol version provided$" <<<"$out" && grep -q "^ok    ran /opt/bin/rig --version" <<<"$out" \
    && grep -q "^verify: passed$" <<<"$out" || fail "verify $bundle: $out"
done
out=$("$ELFPACK" verify rig.zip -- /opt/bin/rig -c 2) || fail "verify with a command: $out"
grep -q "^ok    ran /opt/bin/rig -c 2 (exit 0)$" <<<"$out" || fail "verify with a command: $out"

# The place a program runs in, and its output in the report.
build lambda_probe lambda_probe.c
"$ELFPACK" -q ./lambda_probe -o probe.zip
expected='      | cwd=/var/task
      | uid=993 gid=990
      | opt=Read-only file system
      | task=Read-only file system
      | tmp=writable
      | /dev/null=usable /dev/zero=usable /dev/urandom=usable
      | PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin
      | LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib
      | LANG=en_US.UTF-8
      | TZ=:/etc/localtime
      | LAMBDA_TASK_ROOT=/var/task'
out=$("$ELFPACK" verify probe.zip -- lambda_probe) || fail "verify the probe: $out"
[ "$(grep '^      | ' <<<"$out")" = "$expected" ] || fail "verify's place to run, as root: $out"
# As an ordinary user (where the kernel allows user namespaces; it does on Debian 12).
chmod 755 "$t"
if setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user --mount true 2>/dev/null; then
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups env TMPDIR=/tmp "$ELFPACK" verify probe.zip -- lambda_probe) \
    || fail "verify as a user: $out"
  [ "$(grep '^      | ' <<<"$out")" = "$expected" ] || fail "verify's place to run, as a user: $out"
else
  echo "note: this kernel allows no user namespaces without root; verify as a user not checked"
fi

# A library removed: the static check names it, and the program does not start.
mkdir broken && unzip -q rig.zip -d broken
rm broken/lib/elfpack/*/lib/libstdc++.so.6
status=0
out=$("$ELFPACK" verify broken) || status=$?
[ "$status" -eq 1 ] || fail "a library removed: exit $status: $out"
grep -q "^FAIL  rig: libstdc++.so.6 (needed by rig) is not in the bundle$" <<<"$out" || fail "a library removed: $out"
grep -q "^FAIL  ran /opt/bin/rig --version" <<<"$out" || fail "a library removed, running: $out"

# A launcher without its execute bit.
mkdir nox && unzip -q rig.zip -d nox
chmod -x nox/bin/rig
status=0
out=$("$ELFPACK" verify nox) || status=$?
[ "$status" -eq 1 ] && grep -q "^FAIL  rig: bin/rig is not executable$" <<<"$out" || fail "no execute bit: exit $status: $out"

# An entry outside the bundle: refused with one line naming it.
mkdir -p evil/sub && echo x > evil/escape
(cd evil/sub && zip -q ../../evil.zip ../escape)
expect_failure "evil.zip: entry '../escape' would land outside the bundle; refused" "$ELFPACK" verify evil.zip >/dev/null

# A library swapped for an older build that lacks a symbol version the program needs (the
# "version 'GLIBC_2.34' not found" class of failure): the static check names it.
mkdir -p ver/new ver/old
printf 'VER_1 { global: old_fn; local: *; };\nVER_2 { global: new_fn; } VER_1;\n' > ver/new.map
printf 'VER_1 { global: old_fn; local: *; };\n' > ver/old.map
printf 'int old_fn(void) { return 1; }\nint new_fn(void) { return 2; }\n' > ver/lib.c
cc -shared -fPIC -o ver/new/libver.so -Wl,-soname,libver.so -Wl,--version-script=ver/new.map ver/lib.c
cc -shared -fPIC -o ver/old/libver.so -Wl,-soname,libver.so -Wl,--version-script=ver/old.map ver/lib.c
printf 'int new_fn(void);\nint main(void) { return new_fn() == 2 ? 0 : 1; }\n' > ver/prog.c
cc -o ver/prog ver/prog.c -Lver/new -lver "-Wl,-rpath,$t/ver/new"
"$ELFPACK" -q ver/prog -o ver.zip
out=$("$ELFPACK" verify ver.zip) || fail "versions, good bundle: $out"
grep -q "every symbol version provided" <<<"$out" || fail "versions, good bundle: $out"
mkdir swapped && unzip -q ver.zip -d swapped
cp ver/old/libver.so swapped/lib/elfpack/*/lib/libver.so
status=0
out=$("$ELFPACK" verify swapped) || status=$?
[ "$status" -eq 1 ] || fail "versions, swapped library: exit $status: $out"
grep -q "^FAIL  prog: prog needs version VER_2 of libver.so, which the bundled libver.so does not define$" <<<"$out" \
  || fail "versions, swapped library: $out"

# Nothing searched outside the bundle: a bundle made with --allow-host-libs keeps the host's
# paths (an absolute run path, the linker's default directories and /etc/ld.so.preload; musl's
# built-in directories), which verify names — and accepts when told the bundle allows them.
"$ELFPACK" -q --allow-host-libs ver/prog -o open.zip
status=0
out=$("$ELFPACK" verify open.zip) || status=$?
[ "$status" -eq 1 ] && grep -q "^FAIL  prog: prog searches $t/ver/new (its R.*PATH), outside the bundle$" <<<"$out" \
  && grep -q "^FAIL  prog: the bundled linker searches its default directories" <<<"$out" \
  && grep -q "^FAIL  prog: the bundled linker reads /etc/ld.so.preload, outside the bundle$" <<<"$out" \
  || fail "host paths: exit $status: $out"
out=$("$ELFPACK" verify --allow-host-libs open.zip) || fail "host paths allowed: $out"
grep -q "^note  prog: prog searches $t/ver/new .*(allowed)$" <<<"$out" || fail "host paths allowed: $out"
printf 'int main(void) { return 0; }\n' > m.c
musl-gcc -o m m.c || fail "musl-gcc is not installed (musl-tools)"
"$ELFPACK" -q ./m -o musl.zip
out=$("$ELFPACK" verify musl.zip) || fail "musl, closed: $out"
"$ELFPACK" -q --allow-host-libs ./m -o musl-open.zip
status=0
out=$("$ELFPACK" verify musl-open.zip) || status=$?
[ "$status" -eq 1 ] && grep -q "^FAIL  m: the bundled musl linker has no etc/ld-musl-x86_64.path: it searches /lib, /usr/local/lib, /usr/lib, outside the bundle$" <<<"$out" \
  || fail "musl, open: exit $status: $out"
