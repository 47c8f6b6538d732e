#!/usr/bin/env bash
# elfpack verify on a compressed bundle (--compress): the programs are in the payload, which verify
# expands (checking it as the expander does) to check their closures as it checks an uncompressed
# bundle's. A good bundle passes with each program's closure checked; one whose payload lacks a
# library (removed before bundling, bundled with --allow-missing) fails naming it.
source "$(dirname "$0")/common.inc"
cd "$t"
mkdir lib
cc -shared -fPIC -o lib/libfix.so -DFIX_NAME=fix "$fixtures/fixlib.c"
cc -o chain -DFIX_CALLS=fix "$fixtures/fixprog.c" -Llib -lfix -Wl,-rpath,"$t/lib"
"$ELFPACK" -q ./chain --compress --compress-level 3 -o good.zip
out=$("$ELFPACK" verify good.zip) || fail "verify a good compressed bundle: $out"
grep -q "^ok    chain: [0-9]* objects, all in the bundle, every symbol version provided$" <<<"$out" &&
  grep -q "^ok    ran /opt/bin/chain --version" <<<"$out" || fail "verify a good compressed bundle: $out"

rm lib/libfix.so
"$ELFPACK" -q --allow-missing ./chain --compress --compress-level 3 -o missing.zip 2>/dev/null
status=0
out=$("$ELFPACK" verify missing.zip) || status=$?
[ "$status" -eq 1 ] || fail "a library missing from the payload: exit $status: $out"
grep -q "^FAIL  chain: libfix.so (needed by chain) is not in the bundle$" <<<"$out" || fail "a library missing from the payload: $out"

# A damaged payload: one line naming it, before anything runs.
mkdir damaged && unzip -q good.zip -d damaged
payload=$(echo damaged/lib/elfpack/*/payload)
printf 'X' | dd of="$payload" bs=1 seek=60 conv=notrunc status=none
expect_failure "payload: payload damaged: its index does not match its digest$" "$ELFPACK" verify damaged > /dev/null
