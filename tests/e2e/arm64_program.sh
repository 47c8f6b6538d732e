#!/usr/bin/env bash
# aarch64 (AWS Graviton) from this x86_64 machine: cross-built fixtures in a small aarch64 root
# (Debian's arm64 C library, as libc6-arm64-cross ships it) are resolved with --sysroot without
# running the root's linker, bundled with the aarch64 launcher, and run under emulation
# (qemu-user through binfmt_misc) in an empty root: libraries through RUNPATH, $ORIGIN, a soname
# link, an x86_64 copy of a library skipped for its machine; arguments, environment, argv[0] and
# exit status passed through, with /proc and without; the path shim gives a program its identity.
# The zip is an arm64 layer; the aarch64 Lambda bootstrap answers events. Skipped, saying why, where the machine cannot do it.
source "$(dirname "$0")/common.inc"
command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc is not installed (apt-get install gcc-aarch64-linux-gnu)"
cross=/usr/aarch64-linux-gnu/lib
[ -e "$cross/libc.so.6" ] || skip "no aarch64 C library in $cross (apt-get install libc6-dev-arm64-cross)"
acc() { aarch64-linux-gnu-gcc "$@"; }

# The root: Debian's layout (the linker in /lib/aarch64-linux-gnu, linked from /lib), no cache.
r=$t/arm64-root
mkdir -p "$r/lib/aarch64-linux-gnu" "$r/usr/lib/aarch64-linux-gnu" "$r/opt/app/bin" "$r/opt/app/lib" "$r/opt/app/x86" "$r/usr/bin"
cp -L "$cross/libc.so.6" "$cross/ld-linux-aarch64.so.1" "$r/lib/aarch64-linux-gnu/"
ln -s aarch64-linux-gnu/ld-linux-aarch64.so.1 "$r/lib/ld-linux-aarch64.so.1"
# app -> libmid.so (RUNPATH $ORIGIN) -> libleaf.so.1 (a soname link to libleaf.so.1.0); app
# needs libleaf.so.1 too, and its RUNPATH passes an x86_64 libleaf.so.1 first (wrong machine:
# skipped, as the loader does).
lib=$r/opt/app/lib
acc -shared -fPIC -o "$lib/libleaf.so.1.0" -Wl,-soname,libleaf.so.1 -DFIX_NAME=leaf -DFIX_MESSAGE='"leaf of the aarch64 root"' "$fixtures/fixlib.c"
ln -s libleaf.so.1.0 "$lib/libleaf.so.1"
acc -shared -fPIC -o "$lib/libmid.so" -DFIX_NAME=mid -DFIX_CALLS=leaf "$fixtures/fixlib.c" -L"$lib" -l:libleaf.so.1 '-Wl,-rpath,$ORIGIN' -Wl,--enable-new-dtags
cc -shared -fPIC -o "$r/opt/app/x86/libleaf.so.1" -DFIX_NAME=leaf -DFIX_MESSAGE='"the x86_64 leaf"' "$fixtures/fixlib.c"
acc -o "$r/opt/app/bin/app" -DFIX_CALLS=mid -DFIX_PRINT_MESSAGE "$fixtures/fixprog.c" -Wl,--no-as-needed -L"$lib" -lmid -l:libleaf.so.1 \
  '-Wl,-rpath,$ORIGIN/../x86:$ORIGIN/../lib' -Wl,--enable-new-dtags -Wl,-rpath-link,"$lib"
acc -o "$r/usr/bin/echo_args" "$fixtures/echo_args.c"
acc -o "$r/usr/bin/handler" "$fixtures/handler.c"

# Resolved inside the root, with the table's aarch64 directories: the root's linker is not run
# (here it could run only through an emulator, and would answer for the emulated CPU).
flat=$("$ELFPACK" inspect --sysroot "$r" --flat /opt/app/bin/app)
for line in "  ld-linux-aarch64.so.1 => /lib/ld-linux-aarch64.so.1 (interpreter)" \
            "  libmid.so => /opt/app/bin/../lib/libmid.so (RUNPATH of /opt/app/bin/app)" \
            "  libleaf.so.1 => /opt/app/bin/../lib/libleaf.so.1 (RUNPATH of /opt/app/bin/app)" \
            "  libc.so.6 => /lib/aarch64-linux-gnu/libc.so.6 (default dirs)"; do
  grep -qxF "$line" <<<"$flat" || fail "inspect: no [$line] in: $flat"
done

cd "$t"
notes=$("$ELFPACK" -v --sysroot "$r" /opt/app/bin/app echo_args --lambda -o app.zip 2>&1) ||
  { skip_without_aarch64 "$notes"; fail "bundling: $notes"; }
grep -q "loader for /opt/app/bin/app: built-in table" <<<"$notes" || fail "the root's linker was asked: $notes"
grep -q "Lambda layer: arm64, " <<<"$notes" || fail "not an arm64 layer: $notes"
mkdir unpacked && unzip -q app.zip -d unpacked
# The launcher is the aarch64 one (EM_AARCH64 = 183 = 0xb7), and small.
[ "$(od -An -tx1 -j18 -N2 unpacked/bin/app | tr -d ' ')" = b700 ] || fail "bin/app is not an aarch64 program"
[ "$(stat -c %s unpacked/bin/app)" -le 2560 ] || fail "the aarch64 launcher is $(stat -c %s unpacked/bin/app) bytes"
priv=$(echo unpacked/lib/elfpack/*)
[ -e "$priv/ld-linux-aarch64.so.1" ] || fail "no aarch64 linker bundled: $(ls "$priv")"

run=$(empty_root run)
unzip -q app.zip -d "$run/opt"
aarch64_emulation "$run"
expect_output "chain 2
leaf of the aarch64 root" in_root "$run" /opt/bin/app
expect_output "chain 2
leaf of the aarch64 root" in_root_without_proc "$run" /opt/bin/app
# elfpack verify unpacks into a root of its own: it can run the programs only when binfmt_misc
# reaches the emulator from any root.
if [ "$aarch64_in_any_root" = 1 ]; then
  out=$("$ELFPACK" verify app.zip -- /opt/bin/app) || fail "verify: $out"
  grep -q "^ok    app: 4 objects, all in the bundle, every symbol version provided$" <<<"$out" &&
    grep -q "^      | leaf of the aarch64 root$" <<<"$out" || fail "verify: $out"
fi
out=$(FIX_ENV=kept in_root "$run" /opt/bin/echo_args "two words" "" --exit 9) && status=0 || status=$?
[ "$status" -eq 9 ] || fail "exit status: $status"
[ "$out" = "argv[0]=/opt/bin/echo_args
argv[1]=two words
argv[2]=
argv[3]=--exit
argv[4]=9
FIX_ENV=kept
LD_LIBRARY_PATH=(unset)" ] || fail "echo_args: $out"

# Its identity through the aarch64 path shim: /proc/self/exe, data beside it, re-executing itself.
acc -o "$r/usr/bin/identity" "$fixtures/identity.c"
check_identity "$r" identity.zip aarch64_emulation

# The aarch64 Lambda bootstrap: an answer, a failing command (its exit status), a deadline passed.
"$ELFPACK" -q --sysroot "$r" handler --lambda-function handler -o function.zip
[ "$(unzip -p function.zip bootstrap | od -An -tx1 -j18 -N2 | tr -d ' ')" = b700 ] || fail "the bootstrap is not aarch64"
fn=$(empty_root fn)
mkdir -p "$fn/var/task"
unzip -q function.zip -d "$fn/var/task"
aarch64_emulation "$fn"
serve "$t/api" hello:5000 fail:5000 slow:2000
AWS_LAMBDA_RUNTIME_API=127.0.0.1:$(cat "$t/api/port") in_root "$fn" /var/task/bootstrap 2> bootstrap.err &
boot=$!
p=_2018-06-01_runtime_invocation_
await "$t/api/${p}req-0_response" "$t/api/${p}req-1_error" "$t/api/${p}req-2_error"
stop "$t/api" "$boot"
[ "$(head -n1 "$t/api/${p}req-0_response")" = "handled hello for req-0" ] || fail "event 0: $(cat "$t/api/${p}req-0_response")"
grep -q '"errorType":"Runtime.ExitError"' "$t/api/${p}req-1_error" && grep -q "status 3" "$t/api/${p}req-1_error" ||
  fail "event 1: $(cat "$t/api/${p}req-1_error")"
grep -q '"errorType":"Runtime.Timeout"' "$t/api/${p}req-2_error" || fail "event 2: $(cat "$t/api/${p}req-2_error")"
