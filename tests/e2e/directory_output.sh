#!/usr/bin/env bash
# `-o DIR/` writes the bundle tree, which runs when copied into an empty root. An existing
# non-empty directory is replaced only with --force, and only if it is an earlier bundle.
source "$(dirname "$0")/common.inc"

cd "$t"
build echo_args echo_args.c
"$ELFPACK" -q ./echo_args -o out/
[ -x out/bin/echo_args ] || fail "no launcher in out/bin"
[ "$(stat -c %a out/bin/echo_args)" = 755 ] || fail "launcher mode $(stat -c %a out/bin/echo_args)"
root=$(empty_root root)
cp -a out "$root/opt"
out=$(in_root "$root" /opt/bin/echo_args dir)
grep -qx 'argv\[1\]=dir' <<<"$out" || fail "directory bundle does not run"

# Again into the same place: refused without --force, replaced with it.
expect_failure "out: directory exists and is not empty" "$ELFPACK" ./echo_args -o out/
"$ELFPACK" -q --force ./echo_args -o out/
[ -x out/bin/echo_args ] || fail "--force lost the bundle"
# A directory that is not a bundle is never replaced, even with --force.
mkdir -p precious && echo keep > precious/file
expect_failure "precious: not an elfpack bundle" "$ELFPACK" --force ./echo_args -o precious
[ "$(cat precious/file)" = keep ] || fail "precious/file was touched"
# An empty existing directory is filled.
mkdir -p empty
"$ELFPACK" -q ./echo_args -o empty
[ -x empty/bin/echo_args ] || fail "empty directory not filled"
no_stray_files "$t"
