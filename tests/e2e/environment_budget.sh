#!/usr/bin/env bash
# Near Lambda's 250 MiB, what the programs' libraries assume of the machine (fonts, time zones,
# the locale, the CA store) is left out, a kind at a time with a warning, before the layer is
# refused: the program runs without it (with --no-compress: by default such a layer is compressed,
# tests/e2e/compressed.sh). Here a program with the locale and zones, and a large (sparse) file
# added, fits only without both. The file's size comes from what this machine's locale and zones
# weigh (en_US.UTF-8's own data, or C.UTF-8's on a machine without it).
source "$(dirname "$0")/common.inc"
cd "$t"
cc -o locale_time "$fixtures/locale_time.c"
"$ELFPACK" -q ./locale_time -o small.zip
listing=$(unzip -l small.zip)
grep -q "root/usr/share/zoneinfo/" <<<"$listing" || fail "no zones to leave out"
grep -q "root/usr/lib/locale/" <<<"$listing" || fail "no locale to leave out"
# all, zones, locale: bytes unzipped. The file takes the layer past 250 MiB by half the locale
# once the zones are out, and leaves it under by half the locale once the locale is out too.
read -r all zones locale < <(awk '$2 ~ /^[0-9]+-[0-9]+-[0-9]+$/ { a += $1 } $4 ~ /\/root\/usr\/share\/zoneinfo\// { z += $1 }
                                  $4 ~ /\/root\/usr\/lib\/locale\// { l += $1 } END { print a, z, l }' <<<"$listing")
[ "$locale" -gt 65536 ] || fail "a locale of $locale bytes is too small to measure by"
truncate -s $((250 * 1024 * 1024 - (all - zones - locale) - locale / 2)) big.bin
out=$("$ELFPACK" ./locale_time --no-compress --add "$t/big.bin=/usr/share/big/big.bin" -o big.zip 2>&1)
grep -q "warning: left out time zones, " <<<"$out" || fail "zones not left out: $out"
grep -q "warning: left out the en_US.UTF-8 locale, " <<<"$out" || fail "locale not left out: $out"
! grep -q "left out the CA store" <<<"$out" || fail "left out more than it had: $out"
listing=$(unzip -l big.zip)
! grep -q "root/usr/share/zoneinfo/\|root/usr/lib/locale/\|env.list" <<<"$listing" || fail "still in the bundle: $listing"
grep -q "root/usr/share/big/big.bin" <<<"$listing" || fail "the added file is missing"
# What is left runs, in the C locale.
root=$(empty_root root)
unzip -q big.zip -d "$root/opt" -x '*/big.bin'
out=$(env -i LANG=en_US.UTF-8 TZ=:/etc/localtime "$(command -v unshare)" --mount --pid --fork --mount-proc="$root/proc" \
  "$(command -v chroot)" "$root" /opt/bin/locale_time)
grep -qx "locale: (setlocale failed)" <<<"$out" || fail "run: $out"
# With more than even that can free, the layer is refused as before.
truncate -s $((251 * 1024 * 1024)) big.bin
expect_failure "over Lambda's 250.0 MiB" "$ELFPACK" -q ./locale_time --no-compress --add "$t/big.bin=/usr/share/big/big.bin" -o refused.zip >/dev/null
[ ! -e refused.zip ] || fail "a refused layer was written"
