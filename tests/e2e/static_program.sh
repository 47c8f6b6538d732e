#!/usr/bin/env bash
# A static executable is copied as is, with no launcher, and runs in an empty root.
source "$(dirname "$0")/common.inc"

build static_echo echo_args.c -static
"$ELFPACK" -q "$t/static_echo" -o "$t/out/"
cmp "$t/static_echo" "$t/out/bin/static_echo" || fail "bin/static_echo is not the program itself"
[ ! -e "$t/out/lib" ] || fail "a static program needs no lib/: $(find "$t/out/lib")"
root=$(empty_root root)
cp -a "$t/out" "$root/opt"
out=$(in_root "$root" /opt/bin/static_echo hi)
grep -qx 'argv\[1\]=hi' <<<"$out" || fail "static program did not run"
