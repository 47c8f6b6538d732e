#!/usr/bin/env bash
# Over Lambda's 250 MiB, the packages chosen only through the closure's libraries go first, the
# heaviest first, each with a warning, before what the libraries assume of the machine (time
# zones, the locale): the program runs without them. Here curl, whose libssl3 brings OpenSSL's
# engines and providers as plugins, and a large (sparse) file added that puts the layer just
# over the limit: libssl3's plugins go, nothing else does, and curl runs. inspect names such
# packages before bundling.
source "$(dirname "$0")/common.inc"
cd "$t"
curl=$(command -v curl) || skip "curl is not installed"
total=$("$ELFPACK" -q "$curl" -o small/ --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["totals"]["unpacked_bytes"])')
ls small/lib/elfpack/*/root/usr/lib/*/ossl-modules/legacy.so >/dev/null 2>&1 || skip "libssl3 brings no provider here"
# 64 KiB over the limit (262,144,000 bytes) with the file added: less than libssl3's plugins.
truncate -s $((262144000 - total + 65536)) big.bin
out=$("$ELFPACK" "$curl" --no-compress --add "$t/big.bin=/usr/share/big/big.bin" -o big.zip 2>&1)
grep -q "warning: left out package libssl3 (owns /lib/x86_64-linux-gnu/libssl.so.3 of the closure), " <<<"$out" ||
  fail "libssl3 not left out: $out"
[ "$(grep -c "warning: left out" <<<"$out")" -eq 1 ] || fail "left out more than it needed: $out"
listing=$(unzip -l big.zip)
! grep -q "ossl-modules\|engines-3" <<<"$listing" || fail "libssl3's plugins are still in the bundle"
grep -q "root/usr/share/zoneinfo/" <<<"$listing" || fail "the time zones went before the library's package"
# What is left runs from the bundle, in Lambda's environment.
root=$(empty_root root)
unzip -q big.zip -d "$root/opt" -x '*/big.bin'
out=$(in_lambda_root "$root" /opt/bin/curl --version) || fail "run: $out"
grep -q "^curl " <<<"$out" || fail "run: $out"
# inspect says so before bundling, of the packages that bring files beyond the closure only.
listing=$("$ELFPACK" inspect "$curl")
grep -q "^  libssl3: .*; its files beyond the closure go first over Lambda's size limit)$" <<<"$listing" ||
  fail "inspect does not say which packages go first: $listing"
grep -q "^  curl: .*(the package of curl)$" <<<"$listing" || fail "inspect marks the program's own package"
! grep -q "^  libgnutls30: .*go first" <<<"$listing" || fail "inspect marks a package that brings only the closure"
