#!/usr/bin/env bash
# A closed world: in a "poisoned" root — the bundle plus decoy libraries at the host's standard
# places, in its ld.so.cache, in /etc/ld.so.preload and in a directory a bundled program names as
# its absolute RPATH — bundled programs load only their bundle's libraries: a dlopen of a name
# the bundle lacks fails instead of taking the host's, and the RPATH does not win over the
# bundle. With --allow-host-libs the host's libraries are used again.
source "$(dirname "$0")/common.inc"
multiarch=$(cc -print-multiarch)
home=$(mktemp -d /srv/elfpack-rpath.XXXXXX)
decoy() { cc -shared -fPIC -o "$1" -DFIX_NAME="$2" "$fixtures/decoy.c"; }

# rpath_prog needs libabsr.so through an absolute DT_RPATH; plugin_host dlopens what it is told.
cc -shared -fPIC -o "$home/libabsr.so" -DFIX_NAME=absr -DFIX_MESSAGE='"the bundled libabsr"' "$fixtures/fixlib.c"
cc -o "$t/rpath_prog" -DFIX_CALLS=absr -DFIX_PRINT_MESSAGE "$fixtures/fixprog.c" -L"$home" -labsr \
  "-Wl,-rpath,$home" -Wl,--disable-new-dtags
cc -o "$t/plugin_host" "$fixtures/plugin_host.c" -ldl
cd "$t"
"$ELFPACK" -q ./rpath_prog ./plugin_host -o closed.zip
"$ELFPACK" -q --allow-host-libs ./rpath_prog ./plugin_host -o open.zip

poisoned_root() {
  local root
  root=$(empty_root "$1")
  mkdir -p "$root/lib/$multiarch" "$root/usr/lib" "$root/lib64" "$root/etc" "$root$home"
  for dir in "/lib/$multiarch" /usr/lib /lib64; do decoy "$root$dir/libplugonly.so" plugonly; done
  decoy "$root$home/libabsr.so" absr
  decoy "$root/lib/$multiarch/libpreload.so" preload
  echo "/lib/$multiarch/libpreload.so" > "$root/etc/ld.so.preload"
  ldconfig -r "$root" 2>/dev/null
  echo "$root"
}

root=$(poisoned_root closed-root)
unzip -q closed.zip -d "$root/opt"
expect_output "chain 1
the bundled libabsr" in_root "$root" /opt/bin/rpath_prog
status=0
out=$(in_root "$root" /opt/bin/plugin_host libplugonly.so) || status=$?
[ "$status" -eq 1 ] || fail "dlopen of a missing name: exit $status: $out"
grep -q "libplugonly.so: cannot open shared object file" <<<"$out" || fail "dlopen of a missing name: $out"

# Opened up again: the host's libraries (here the decoys) are used.
root=$(poisoned_root open-root)
unzip -q open.zip -d "$root/opt"
status=0
out=$(in_root "$root" /opt/bin/plugin_host libplugonly.so) || status=$?
[ "$status" -eq 99 ] && [ "$out" = "DECOY" ] || fail "--allow-host-libs: exit $status: $out"

# inspect --bundle lists what an unpacked bundle would still search outside itself.
mkdir closed-tree open-tree
unzip -q closed.zip -d closed-tree
unzip -q open.zip -d open-tree
out=$("$ELFPACK" inspect --bundle closed-tree) || fail "inspect --bundle of a closed bundle: $out"
grep -q "nothing outside the bundle is searched" <<<"$out" || fail "closed: $out"
status=0
out=$("$ELFPACK" inspect --bundle open-tree) || status=$?
[ "$status" -eq 1 ] || fail "inspect --bundle of an open bundle: exit $status"
grep -q "exe/rpath_prog: DT_RPATH entry $home is outside the bundle" <<<"$out" || fail "open: $out"
grep -q "searches its default directory /lib/$multiarch/" <<<"$out" || fail "open: $out"
grep -q "reads /etc/ld.so.preload" <<<"$out" || fail "open: $out"
rm -rf "$home"
