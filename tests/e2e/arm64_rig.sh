#!/usr/bin/env bash
# A real arm64 Debian program from this x86_64 machine: rig, installed by dpkg into a small arm64
# root made of Debian's packages (rig, libc6, libstdc++6, libgcc-s1, libc-bin; the cache made
# by the root's own ldconfig, run under qemu), is bundled with --sysroot into an arm64 Lambda
# layer that carries its data (/usr/share/rig, found through the root's dpkg database), and runs
# under emulation (binfmt_misc) in an empty root. Skipped, saying why, where the machine cannot.
source "$(dirname "$0")/common.inc"
command -v qemu-aarch64-static >/dev/null || skip "qemu-aarch64-static is not installed (apt-get install qemu-user-static)"

r=$t/arm64-root
arm64_rig_root "$r"

# Resolved inside the root through its aarch64 cache, and through its ld.so.conf without one.
flat=$("$ELFPACK" inspect --sysroot "$r" --flat rig)
for line in "  ld-linux-aarch64.so.1 => /lib/ld-linux-aarch64.so.1 (interpreter)" \
            "  libstdc++.so.6 => /usr/lib/aarch64-linux-gnu/libstdc++.so.6 (cache)" \
            "  libc.so.6 => /lib/aarch64-linux-gnu/libc.so.6 (cache)"; do
  grep -qxF "$line" <<<"$flat" || fail "inspect: no [$line] in: $flat"
done
mv "$r/etc/ld.so.cache" "$t/ld.so.cache"
flat=$("$ELFPACK" inspect --sysroot "$r" --flat /usr/bin/rig)
grep -qxF "  libc.so.6 => /lib/aarch64-linux-gnu/libc.so.6 (ld.so.conf)" <<<"$flat" || fail "inspect without a cache: $flat"
mv "$t/ld.so.cache" "$r/etc/ld.so.cache"
# A path is inside the root; the root's own path in front of it is pointed out.
expect_failure "with --sysroot an absolute path is inside the root: /usr/bin/rig" "$ELFPACK" inspect --sysroot "$r" "$r/usr/bin/rig"

cd "$t"
notes=$("$ELFPACK" -v --sysroot "$r" /usr/bin/rig -o rig.zip 2>&1) || { skip_without_aarch64 "$notes"; fail "bundling: $notes"; }
grep -q "dpkg package rig: 5 data files added" <<<"$notes" || fail "rig's data not found through dpkg: $notes"
grep -q "Lambda layer: arm64, " <<<"$notes" || fail "not an arm64 layer: $notes"
mkdir unpacked && unzip -q rig.zip -d unpacked
priv=$(echo unpacked/lib/elfpack/*)
for f in fnames lnames locdata mnames street; do
  [ -f "$priv/root/usr/share/rig/$f.idx" ] || fail "rig's $f.idx is not bundled"
done
[ ! -e "$priv/root/usr/share/doc" ] || fail "documentation bundled"
cmp -s "$priv/exe/rig" "$r/usr/bin/rig" || fail "exe/rig is not the root's rig"

run=$(empty_root run)
unzip -q rig.zip -d "$run/opt"
aarch64_emulation "$run"
check_rig_identity "$(in_root "$run" /opt/bin/rig)"
three=$(in_root "$run" /opt/bin/rig -c 3 -f)
[ "$(grep -Ec '^\([0-9]{3}\) xxx-xxxx$' <<<"$three")" -eq 3 ] || fail "rig -c 3 -f: $three"
