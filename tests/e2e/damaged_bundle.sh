#!/usr/bin/env bash
# A damaged bundle fails with one line on stderr naming what is missing, and exit status 127.
source "$(dirname "$0")/common.inc"

build echo_args echo_args.c
"$ELFPACK" -q "$t/echo_args" -o "$t/b.zip"

# run_damaged WHAT-TO-REMOVE PATTERN: unpack afresh, remove one file, expect the failure.
run_damaged() {
  local remove=$1 pattern=$2 root status=0
  root=$(empty_root "root-$(basename "$remove")")
  unzip -q "$t/b.zip" -d "$root/opt"
  rm "$root"/opt/$remove
  in_root "$root" /opt/bin/echo_args >/dev/null 2>"$t/err" || status=$?
  [ "$status" -eq 127 ] || fail "without $remove: exit $status, expected 127"
  [ "$(wc -l <"$t/err")" -eq 1 ] || fail "without $remove: expected one line, got: $(cat "$t/err")"
  grep -Eq "$pattern" "$t/err" || fail "without $remove: [$(cat "$t/err")] does not match [$pattern]"
}
run_damaged 'lib/elfpack/*/exe/echo_args' '^elfpack launcher: /opt/bin/\.\./lib/elfpack/[0-9a-f]+/exe/echo_args: No such file or directory$'
run_damaged 'lib/elfpack/*/ld-linux-x86-64.so.2' '^elfpack launcher: /opt/bin/\.\./lib/elfpack/[0-9a-f]+/ld-linux-x86-64.so.2: No such file or directory$'
run_damaged 'lib/elfpack/*/lib/libc.so.6' 'libc\.so\.6: cannot open shared object file'
