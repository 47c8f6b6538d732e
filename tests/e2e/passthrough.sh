#!/usr/bin/env bash
# The launcher passes everything through: arguments (spaces, empty, dashes), argv[0] as typed,
# stdin, stdout, the environment (and adds no LD_LIBRARY_PATH), and the exit status.
source "$(dirname "$0")/common.inc"

build echo_args echo_args.c
"$ELFPACK" -q "$t/echo_args" -o "$t/b.zip"
root=$(empty_root root)
unzip -q "$t/b.zip" -d "$root/opt"

out=$(FIX_ENV="kept value" in_root "$root" /opt/bin/echo_args "two words" "" --dash)
expected='argv[0]=/opt/bin/echo_args
argv[1]=two words
argv[2]=
argv[3]=--dash
FIX_ENV=kept value
LD_LIBRARY_PATH=(unset)'
[ "$out" = "$expected" ] || fail "got: $out"

# stdin goes through, and stdout is the program's own.
out=$(printf 'line one\nline two\n' | in_root "$root" /opt/bin/echo_args --stdin | tail -n 2)
[ "$out" = $'line one\nline two' ] || fail "stdin: $out"

# The exit status comes back.
status=0
in_root "$root" /opt/bin/echo_args --exit 42 >/dev/null || status=$?
[ "$status" -eq 42 ] || fail "exit status $status, expected 42"

# An LD_LIBRARY_PATH the caller set reaches the program unchanged.
out=$(LD_LIBRARY_PATH=/nowhere in_root "$root" /opt/bin/echo_args)
grep -qx 'LD_LIBRARY_PATH=/nowhere' <<<"$out" || fail "LD_LIBRARY_PATH changed: $out"
