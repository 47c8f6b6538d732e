#!/usr/bin/env bash
# --compress for aarch64 (AWS Graviton), under emulation: the aarch64 launcher runs the aarch64
# expander (static, with its own zstd decoder), which expands the payload into
# /tmp/elfpack-<digest>-aarch64 (a name no x86_64 launcher looks for); the program runs from there,
# and a second run reuses the tree. Its identity (re-running /proc/self/exe) works from the tree.
source "$(dirname "$0")/common.inc"
cd "$t"
r=$t/arm64-root
arm64_root "$r"

notes=$("$ELFPACK" --sysroot "$r" echo_args --compress --compress-level 3 -o app.zip 2>&1) ||
  { skip_without_aarch64 "$notes"; fail "bundling: $notes"; }
grep -q "expands it into /tmp/elfpack-[0-9a-f]\{16\}-aarch64," <<<"$notes" || fail "no aarch64 tree: $notes"
expander=$(unzip -Z1 app.zip | grep '/expand-')
[[ $expander == lib/elfpack/*/expand-aarch64 ]] || fail "expander: $expander"
[ "$(unzip -p app.zip "$expander" | od -An -tx1 -j18 -N2 | tr -d ' ')" = b700 ] || fail "the expander is not aarch64"
[ "$(unzip -p app.zip bin/echo_args | od -An -tx1 -j18 -N2 | tr -d ' ')" = b700 ] || fail "the launcher is not aarch64"

run=$(empty_root run)
unzip -q app.zip -d "$run/opt"
aarch64_emulation "$run"
lambda_tmp=$t/tmp && mkdir -m 1777 "$lambda_tmp"
expected="argv[0]=/opt/bin/echo_args
argv[1]=two words
FIX_ENV=(unset)
LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"
expect_output "$expected" in_lambda_root "$run" /opt/bin/echo_args "two words"
tree=$(echo "$lambda_tmp"/elfpack-*-aarch64)
[ "$(stat -c '%a %u' "$tree")" = "700 993" ] || fail "the tree: $(ls -la "$lambda_tmp")"
[ "$(ls -A "$lambda_tmp")" = "$(basename "$tree")" ] || fail "left in /tmp: $(ls -A "$lambda_tmp")"
# Reused: it runs without the payload.
rm "$run"/opt/lib/elfpack/*/payload
expect_output "$expected" in_lambda_root "$run" /opt/bin/echo_args "two words"

with_tmp() { aarch64_emulation "$1" && mkdir -m 1777 "$1/tmp"; }
identity_flags=(--compress --compress-level 3)
check_identity "$r" identity.zip with_tmp
