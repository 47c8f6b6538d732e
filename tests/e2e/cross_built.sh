#!/usr/bin/env bash
# --sysroot with a program cross-built here, as CI builds for arm64 on an x86_64 runner: a relative
# path (./app, build/app) names this machine's file, whose linker and libraries come from the root
# (/usr/aarch64-linux-gnu, the cross compiler's); a bare name is looked up on the root's PATH, and
# =/usr/bin/... (as compilers write a path of their sysroot) is the root's, in an unpacked arm64
# Debian root. Each bundle, run in an empty root under emulation, prints what the program prints
# under qemu-aarch64-static with the root's libraries. A wrong path names every place looked in.
source "$(dirname "$0")/common.inc"
command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc is not installed (apt-get install gcc-aarch64-linux-gnu)"
command -v qemu-aarch64-static >/dev/null || skip "qemu-aarch64-static is not installed (apt-get install qemu-user-static)"
cross=/usr/aarch64-linux-gnu
[ -e "$cross/lib/libc.so.6" ] || skip "no aarch64 C library in $cross (apt-get install libc6-dev-arm64-cross)"

cd "$t"
# A program that needs a library besides the C library (libm: cbrt is never inlined).
cat > app.c <<'C'
#include <math.h>
#include <stdio.h>
int main(int argc, char **argv) {
  (void)argv;
  printf("cross-built, %d arguments, cube root of 27: %.3f\n", argc - 1, cbrt(27.0 * argc / argc));
  return 0;
}
C
aarch64-linux-gnu-gcc -o app app.c -lm
mkdir build && cp app build/app
native=$(qemu-aarch64-static -L "$cross" ./app one two)
[ -n "$native" ] || fail "the program prints nothing under qemu-aarch64-static"

# bundle_and_run ZIP ROOT PROGRAM: bundles PROGRAM of ROOT into ZIP, which must print $native in
# an empty root.
bundle_and_run() {
  local zip=$1 root=$2 program=$3 notes run
  notes=$("$ELFPACK" -v --sysroot "$root" "$program" -o "$zip" 2>&1) || { skip_without_aarch64 "$notes"; fail "bundling $program: $notes"; }
  grep -q "Lambda layer: arm64, " <<<"$notes" || fail "$program: not an arm64 layer: $notes"
  run=$(empty_root "$zip-root")
  unzip -q "$zip" -d "$run/opt"
  aarch64_emulation "$run"
  expect_output "$native" in_root "$run" "/opt/bin/$(basename "${program#=}")" one two
}

# ./app and build/app: this machine's files, with the root's linker and libraries.
bundle_and_run app.zip "$cross" ./app
flat=$("$ELFPACK" inspect --flat --sysroot "$cross" build/app)
for line in "$t/build/app" "  ld-linux-aarch64.so.1 => /lib/ld-linux-aarch64.so.1 (interpreter)" \
            "  libm.so.6 => /lib/libm.so.6 (default dirs)" "  libc.so.6 => /lib/libc.so.6 (default dirs)"; do
  grep -qxF "$line" <<<"$flat" || fail "inspect build/app: no [$line] in: $flat"
done
mkdir unpacked && unzip -q app.zip -d unpacked
priv=$(echo unpacked/lib/elfpack/*)
cmp -s "$priv/exe/app" app || fail "exe/app is not ./app"
cmp -s "$priv/libm.so.6" "$cross/lib/libm.so.6" 2>/dev/null || cmp -s "$priv/lib/libm.so.6" "$cross/lib/libm.so.6" ||
  fail "libm.so.6 is not the root's: $(find "$priv" -name 'libm*')"

# A bare name and =/usr/bin/hello: the unpacked arm64 root's program (a different hello here, in
# the current directory and on this machine's PATH, is not taken).
r=$t/arm64-root
arm64_rig_root "$r"
cp app "$r/usr/bin/hello"
native=$(qemu-aarch64-static -L "$r" "$r/usr/bin/hello" one two)
cc -o hello -x c - <<<'int main(void) { return 0; }'
PATH=$t:$PATH bundle_and_run bare.zip "$r" hello
bundle_and_run equals.zip "$r" =/usr/bin/hello
unzip -q -o equals.zip -d equals
cmp -s equals/lib/elfpack/*/exe/hello "$r/usr/bin/hello" || fail "=/usr/bin/hello: exe/hello is not the root's"

# Wrong paths: both places named.
expect_failure "^elfpack: error: \./nope: not on this machine: $t/nope: No such file or directory; with --sysroot a relative path names a file of this machine, and the root has none either \($cross/nope\)$" \
  "$ELFPACK" --sysroot "$cross" ./nope -o nope.zip >/dev/null
expect_failure "^elfpack: error: usr/bin/hello: not on this machine: $t/usr/bin/hello: No such file or directory; with --sysroot a relative path names a file of this machine; the root's is =/usr/bin/hello$" \
  "$ELFPACK" inspect --sysroot "$r" usr/bin/hello >/dev/null
expect_failure "^elfpack: error: /usr/bin/nope: not in the root: $r/usr/bin/nope: No such file or directory; nor on this machine \(/usr/bin/nope\)$" \
  "$ELFPACK" --sysroot "$r" /usr/bin/nope -o nope.zip >/dev/null
expect_failure "^elfpack: error: $t/app: not in the root: $r$t/app: No such file or directory; this machine's $t/app is named by a path relative to the current directory$" \
  "$ELFPACK" inspect --sysroot "$r" "$t/app" >/dev/null
expect_failure "^elfpack: error: =/usr/bin/nope: not in the root: $r/usr/bin/nope: No such file or directory$" \
  "$ELFPACK" inspect --sysroot "$r" =/usr/bin/nope >/dev/null
expect_failure "^elfpack: error: nope: not found on the root's PATH, in $r \(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\)$" \
  "$ELFPACK" inspect --sysroot "$r" nope >/dev/null
[ ! -e nope.zip ] || fail "a failed run wrote nope.zip"
