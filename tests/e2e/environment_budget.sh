#!/usr/bin/env bash
# Near Lambda's 250 MiB, what the programs' libraries assume of the machine (fonts, time zones,
# the locale, the CA store) is left out, a kind at a time with a warning, before the layer is
# refused: the program runs without it (with --no-compress: by default such a layer is compressed,
# tests/e2e/compressed.sh). Here a program with the locale and zones, and a large (sparse) file
# added, fits only without both.
source "$(dirname "$0")/common.inc"
cd "$t"
cc -o locale_time "$fixtures/locale_time.c"
"$ELFPACK" -q ./locale_time -o small.zip
grep -q "root/usr/share/zoneinfo/" <<<"$(unzip -l small.zip)" || fail "no zones to leave out"
truncate -s $((247 * 1024 * 1024)) big.bin
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
