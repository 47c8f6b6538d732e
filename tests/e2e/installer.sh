#!/usr/bin/env bash
# The self-extracting installer (.sh, or -o - by default): run as a file or from a pipe by
# busybox's sh and tar in an empty root holding nothing else, it installs the bundle into
# ~/.local (or --prefix), links ~/.local/bin/rig, says where; rig then runs; a second install is
# a no-op; two builds are byte-identical.
source "$(dirname "$0")/common.inc"
busybox=$(command -v busybox) || fail "busybox is not installed (apt-get install busybox-static)"
file "$busybox" | grep -q "statically linked" || fail "busybox must be the static one (busybox-static)"
cd "$t"
"$ELFPACK" -q rig -o rig.sh
"$ELFPACK" -q rig -o again.sh
cmp rig.sh again.sh || fail "two builds of the installer differ"
"$ELFPACK" -q rig > piped.sh  # no -o, standard output not a terminal: the installer
cmp rig.sh piped.sh || fail "-o - differs from rig.sh"

busybox_root() {
  local root
  root=$(empty_root "$1")
  mkdir -p "$root/bin" "$root/root"
  cp "$busybox" "$root/bin/busybox"
  for tool in sh tar mkdir mv ln rm sed tail cat; do ln -s busybox "$root/bin/$tool"; done
  echo "$root"
}

# As a file, into ~/.local.
root=$(busybox_root file-root)
cp rig.sh "$root/rig.sh"
out=$(HOME=/root in_root "$root" /bin/sh /rig.sh)
grep -q "installed bundle .* in /root/.local/lib/elfpack/" <<<"$out" || fail "install: $out"
grep -q "^elfpack installer: /root/.local/bin/rig$" <<<"$out" || fail "install: $out"
[ -L "$root/root/.local/bin/rig" ] || fail "no link in ~/.local/bin"
identity=$(HOME=/root in_root "$root" /root/.local/bin/rig)
grep -Eq '^\([0-9]{3}\) xxx-xxxx$' <<<"$identity" || fail "installed rig: $identity"
out=$(HOME=/root in_root "$root" /bin/sh /rig.sh)
grep -q "is already installed" <<<"$out" || fail "second install: $out"

# From a pipe, with --prefix.
root=$(busybox_root pipe-root)
out=$(cat rig.sh | HOME=/root in_root "$root" /bin/sh -s -- --prefix /apps)
grep -q "^elfpack installer: /apps/bin/rig$" <<<"$out" || fail "piped install: $out"
identity=$(in_root "$root" /apps/bin/rig -c 1)
grep -Eq '^\([0-9]{3}\) xxx-xxxx$' <<<"$identity" || fail "rig installed from a pipe: $identity"
