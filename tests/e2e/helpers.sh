#!/usr/bin/env bash
# A program that runs a helper by absolute path: the helper (given with --add, or seen by
# --trace) is bundled with its own closure and a launcher at its path under the bundle's root/,
# where the shim sends the exec (execv, execl). Both run in an empty root.
source "$(dirname "$0")/common.inc"
home=$(mktemp -d /var/lib/elfpack-helper.XXXXXX)
mkdir -p "$home/bin" "$home/lib"
cc -shared -fPIC -o "$home/lib/libhelp.so" -DFIX_NAME=help -DFIX_MESSAGE='"helper library"' "$fixtures/fixlib.c"
cat > "$t/helper.c" <<'C'
#include <stdio.h>
extern const char *fix_message(void);
int main(int argc, char **argv) { printf("helper (%s): %s\n", argc > 1 ? argv[1] : "", fix_message()); return 7; }
C
cc -o "$home/bin/helper" "$t/helper.c" -L"$home/lib" -lhelp '-Wl,-rpath,$ORIGIN/../lib'
cc -o "$t/runner" "$fixtures/runner.c"
expected="helper (by execv): helper library
execv: 7
helper (by execl): helper library
execl: 7"

cd "$t"
"$ELFPACK" -q ./runner --add "$home/bin/helper" -o added.zip
root=$(empty_root added-root)
unzip -q added.zip -d "$root/opt"
[ -e "$(echo "$root"/opt/lib/elfpack/*/lib/libhelp.so)" ] || fail "the helper's library is not bundled"
expect_output "$expected" in_root "$root" /opt/bin/runner "$home/bin/helper"

"$ELFPACK" -q ./runner -o traced.zip --trace -- ./runner "$home/bin/helper" 2>/dev/null
root=$(empty_root traced-root)
unzip -q traced.zip -d "$root/opt"
expect_output "$expected" in_root "$root" /opt/bin/runner "$home/bin/helper"
rm -rf "$home"
