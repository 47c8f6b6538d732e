#!/usr/bin/env bash
# A bundled program that runs another bundled program gets the bundled one, by the absolute path
# that program had on the build machine (/usr/bin/rig) and by name through PATH, in an empty
# root where no rig exists outside the bundle.
source "$(dirname "$0")/common.inc"
cc -o "$t/runner" "$fixtures/runner.c"
cd "$t"
"$ELFPACK" -q ./runner rig -o pair.zip
root=$(empty_root root)
unzip -q pair.zip -d "$root/opt"
[ ! -e "$root/usr/bin/rig" ] || fail "rig must exist only in the bundle"
for how in /usr/bin/rig rig; do
  out=$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin in_root "$root" /opt/bin/runner "$how" -m 2>&1) \
    || fail "runner $how: $out"
  grep -q '^execv: 0$' <<<"$out" && grep -q '^execl: 0$' <<<"$out" || fail "runner $how: $out"
  [ "$(grep -Ec '^\([0-9]{3}\) xxx-xxxx$' <<<"$out")" -eq 2 ] || fail "rig did not run twice through $how: $out"
done
