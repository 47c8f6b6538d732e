#!/usr/bin/env bash
# A program built against musl is bundled with musl's linker and its own library (found through
# $ORIGIN), and runs in an empty root: the launcher passes musl's linker only options it knows.
source "$(dirname "$0")/common.inc"
command -v musl-gcc >/dev/null || fail "musl-gcc is not installed (apt-get install musl-tools)"

mkdir -p "$t/app/bin" "$t/app/lib"
musl-gcc -shared -fPIC -o "$t/app/lib/libmsg.so" -DFIX_NAME=msg -DFIX_MESSAGE='"hello from musl"' "$fixtures/fixlib.c"
musl-gcc -o "$t/app/bin/musl_app" -DFIX_CALLS=msg -DFIX_PRINT_MESSAGE "$fixtures/fixprog.c" -L"$t/app/lib" -lmsg \
  '-Wl,-rpath,$ORIGIN/../lib' -Wl,--enable-new-dtags
grep -q "ld-musl-x86_64.so.1 (interpreter)" <<<"$("$ELFPACK" inspect --flat "$t/app/bin/musl_app")" \
  || fail "not resolved as a musl program"

cd "$t"
"$ELFPACK" -q app/bin/musl_app -o musl.zip
root=$(empty_root root)
unzip -q musl.zip -d "$root/opt"
[ -z "$(find "$root" -name 'libc.so.6')" ] || fail "glibc in a musl bundle"
expect_output "chain 1
hello from musl" in_root "$root" /opt/bin/musl_app
