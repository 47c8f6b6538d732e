#!/usr/bin/env bash
# Two bundles made from different builds of a library with the same name, unpacked into one /opt,
# both keep working: each has its own private, content-named directory.
source "$(dirname "$0")/common.inc"

for v in one two; do
  mkdir -p "$t/$v"
  cc -shared -fPIC -o "$t/$v/libshared.so" -DFIX_NAME=shared -DFIX_MESSAGE="\"build $v\"" "$fixtures/fixlib.c"
  cc -o "$t/$v/prog_$v" -DFIX_CALLS=shared -DFIX_PRINT_MESSAGE "$fixtures/fixprog.c" -L"$t/$v" -lshared "-Wl,-rpath,$t/$v"
  "$ELFPACK" -q "$t/$v/prog_$v" -o "$t/$v.zip"
done
root=$(empty_root root)
unzip -q "$t/one.zip" -d "$root/opt"
unzip -qo "$t/two.zip" -d "$root/opt"
[ "$(ls "$root/opt/lib/elfpack" | wc -l)" -eq 2 ] || fail "expected two private directories"
expect_output $'chain 1\nbuild one' in_root "$root" /opt/bin/prog_one
expect_output $'chain 1\nbuild two' in_root "$root" /opt/bin/prog_two
