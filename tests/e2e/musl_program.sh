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

# Closed world for musl too: the bundle leaves musl's linker no default directories (an empty
# lib/elfpack/etc/ld-musl-<arch>.path), so a dlopen of a name the bundle lacks does not find a
# decoy in the root's /lib; with --allow-host-libs it does.
musl-gcc -o "$t/musl_host" "$fixtures/plugin_host.c"
"$ELFPACK" -q ./musl_host -o musl-closed.zip
"$ELFPACK" -q --allow-host-libs ./musl_host -o musl-open.zip
for kind in closed open; do
  r=$(empty_root "musl-$kind")
  unzip -q "musl-$kind.zip" -d "$r/opt"
  mkdir -p "$r/lib"
  musl-gcc -shared -fPIC -o "$r/lib/libmissing.so" -DFIX_NAME=missing "$fixtures/decoy.c"
  status=0
  out=$(in_root "$r" /opt/bin/musl_host libmissing.so) || status=$?
  if [ "$kind" = closed ]; then
    [ "$status" -eq 1 ] && grep -q "dlopen libmissing.so" <<<"$out" || fail "musl, closed: exit $status: $out"
  else
    [ "$status" -eq 99 ] && [ "$out" = DECOY ] || fail "musl, --allow-host-libs: exit $status: $out"
  fi
done
