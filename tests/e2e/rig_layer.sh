#!/usr/bin/env bash
# `elfpack rig -o rig.zip` makes a Lambda layer: unzipped at /opt of an empty root, /opt/bin/rig runs
# with only the bundle there — rig's data (/usr/share/rig, found through dpkg) travels in the
# bundle and the path shim serves it at the path rig has compiled in.
source "$(dirname "$0")/common.inc"
command -v rig >/dev/null || fail "rig is not installed (apt-get install rig)"

cd "$t"
"$ELFPACK" -q rig -o rig.zip
root=$(empty_root root)
unzip -q rig.zip -d "$root/opt"
[ ! -e "$root/lib" ] && [ ! -e "$root/usr" ] || fail "the root must hold no libraries and no data"
check_rig_identity "$(in_root "$root" /opt/bin/rig)"
check_rig_identity "$(in_root_without_proc "$root" /opt/bin/rig)"
# Three identities, and the -f (female names) variant.
three=$(in_root "$root" /opt/bin/rig -c 3 -f)
[ "$(grep -Ec '^\([0-9]{3}\) xxx-xxxx$' <<<"$three")" -eq 3 ] || fail "rig -c 3 -f: $three"
# Data given with -d, outside the bundle, is read from the real file system.
mkdir -p "$root/rigdata"
cp -r /usr/share/rig/. "$root/rigdata/"
check_rig_identity "$(in_root "$root" /opt/bin/rig -d /rigdata)"

# --no-detect leaves the data out: rig then finds none.
"$ELFPACK" -q --no-detect rig -o bare.zip
bare=$(empty_root bare)
unzip -q bare.zip -d "$bare/opt"
[ -z "$(find "$bare/opt" -name '*.idx')" ] || fail "--no-detect still bundled rig's data"
