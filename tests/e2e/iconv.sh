#!/usr/bin/env bash
# A program that uses iconv gets the C library's converters: glibc loads them itself (gconv
# modules, from GCONV_PATH or its built-in directory), so elfpack brings the directory when the
# closure imports iconv_open and the shim points GCONV_PATH at it. In an empty root UTF-8 converts
# to ISO-8859-1 (built in) and to CP1252 and EBCDIC (modules).
source "$(dirname "$0")/common.inc"
cc -o "$t/iconv_test" "$fixtures/iconv_test.c"
cd "$t"
"$ELFPACK" -q ./iconv_test -o iconv.zip
root=$(empty_root root)
unzip -q iconv.zip -d "$root/opt"
expected="ISO-8859-1//TRANSLIT: 63 61 66 e9
CP1252: 63 61 66 e9 20 80
IBM037: 83 81 86 51"
expect_output "$expected" in_root "$root" /opt/bin/iconv_test
# Without the modules the conversions that need them fail: the bundle is what makes them work.
rm -r "$root"/opt/lib/elfpack/*/root/*/*/*/gconv 2>/dev/null || rm -r "$root"/opt/lib/elfpack/*/root/*/*/gconv
status=0
out=$(in_root "$root" /opt/bin/iconv_test) || status=$?
[ "$status" -ne 0 ] && grep -q "CP1252: cannot convert" <<<"$out" || fail "without gconv: $out"

# GCONV_PATH is set for the bundle's programs, not passed to what they run outside the bundle: a
# bundled runner (the bundle carries gconv, so its shim sets the variable) runs a host program
# that prints it.
cc -o "$t/runner" "$fixtures/runner.c"
printf '#include <stdio.h>\n#include <stdlib.h>\nint main(void) { const char *v = getenv("GCONV_PATH"); printf("GCONV_PATH=%%s\\n", v ? v : "(unset)"); return 0; }\n' > "$t/showenv.c"
cc -static -o "$t/showenv" "$t/showenv.c"
"$ELFPACK" -q ./runner ./iconv_test -o both.zip
root=$(empty_root env-root)
unzip -q both.zip -d "$root/opt"
cp "$t/showenv" "$root/showenv"
out=$(in_root "$root" /opt/bin/runner /showenv)
[ "$(grep -c '^GCONV_PATH=(unset)$' <<<"$out")" -eq 2 ] || fail "a host program inherited GCONV_PATH: $out"
