#!/usr/bin/env bash
# A program with a chain of three of its own libraries, found through $ORIGIN, runs from a bundle
# in an empty root.
source "$(dirname "$0")/common.inc"

mkdir -p "$t/app/bin" "$t/app/lib"
cc -shared -fPIC -o "$t/app/lib/libchain_c.so" -DFIX_NAME=chain_c "$fixtures/fixlib.c"
cc -shared -fPIC -o "$t/app/lib/libchain_b.so" -DFIX_NAME=chain_b -DFIX_CALLS=chain_c "$fixtures/fixlib.c" \
  -L"$t/app/lib" -lchain_c '-Wl,-rpath,$ORIGIN'
cc -shared -fPIC -o "$t/app/lib/libchain_a.so" -DFIX_NAME=chain_a -DFIX_CALLS=chain_b "$fixtures/fixlib.c" \
  -L"$t/app/lib" -lchain_b "-Wl,-rpath,$t/app/lib"
cc -o "$t/app/bin/chain" -DFIX_CALLS=chain_a "$fixtures/fixprog.c" -L"$t/app/lib" -lchain_a \
  '-Wl,-rpath,$ORIGIN/../lib' "-Wl,-rpath-link,$t/app/lib"
expect_output "chain 3" "$t/app/bin/chain"

"$ELFPACK" -q "$t/app/bin/chain" -o "$t/chain.zip"
root=$(empty_root root)
unzip -q "$t/chain.zip" -d "$root/opt"
expect_output "chain 3" in_root "$root" /opt/bin/chain
# The bundle holds the three libraries, libc and the dynamic linker, and nothing is in lib/ itself.
for name in libchain_a.so libchain_b.so libchain_c.so libc.so.6; do
  ls "$root"/opt/lib/elfpack/*/lib/$name >/dev/null || fail "$name is not in the bundle"
done
ls "$root"/opt/lib/elfpack/*/ld-linux-x86-64.so.2 >/dev/null || fail "no dynamic linker in the bundle"
[ "$(ls "$root/opt/lib")" = "elfpack" ] || fail "lib/ must hold only elfpack/: $(ls "$root/opt/lib")"
