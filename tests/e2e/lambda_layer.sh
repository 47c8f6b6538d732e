#!/usr/bin/env bash
# Lambda's layer rules, checked for a .zip (and with --lambda): the layer is described
# (architecture, sizes, the glibc it brings); over 250 MiB unzipped is compressed (--compress), and
# refused before anything is written when it is still over; a zip over the 50 MiB of a direct upload gets the S3 advice.
source "$(dirname "$0")/common.inc"
cd "$t"
out=$("$ELFPACK" rig -o rig.zip 2>&1)
grep -q "^elfpack: Lambda layer: x86_64, [0-9.]* MiB zipped, [0-9.]* MiB unzipped (limit 250.0 MiB); needs no glibc from the runtime (brings glibc 2\.[0-9]*)$" <<<"$out" \
  || fail "description: $out"
# Not for a directory unless asked.
out=$("$ELFPACK" rig -o tree/ 2>&1)
! grep -q "Lambda layer" <<<"$out" || fail "a directory described as a layer: $out"
out=$("$ELFPACK" --lambda rig -o tree2/ 2>&1)
grep -q "Lambda layer" <<<"$out" || fail "--lambda: $out"

# Over the unzipped limit (a sparse file read as zeros): compressed into a payload that the first
# run expands into /tmp (tests/e2e/compressed.sh), said in one line.
truncate -s 251M big.dat
out=$("$ELFPACK" rig --add "$t/big.dat=/data/big.dat" --compress-level 1 -o big.zip 2>&1)
grep -q "^elfpack: the bundle is 25[0-9.]* MiB unzipped, past AWS Lambda's 250 MiB for a layer: compressing it" <<<"$out" ||
  fail "no automatic compression: $out"
listing=$(unzip -Z1 big.zip)  # read once: `unzip | grep -q` fails under pipefail when grep ends first (SIGPIPE)
grep -q '^lib/elfpack/[0-9a-f]*/payload$' <<<"$listing" || fail "no payload: $listing"
# Still over once compressed (noise does not compress): refused, nothing written.
head -c 251M /dev/urandom > big-noise.dat
expect_failure "over Lambda's 250.0 MiB .* nothing written" "$ELFPACK" -q rig --add "$t/big-noise.dat=/data/big.dat" \
  --compress-level 1 -o big-noise.zip >/dev/null
[ ! -e big-noise.zip ] || fail "big-noise.zip written"
# Over the direct-upload limit: a warning naming S3; the zip is written.
head -c 52M /dev/urandom > noise.dat
out=$("$ELFPACK" --level 0 rig --add "$t/noise.dat=/data/noise.dat" -o noisy.zip 2>&1)
grep -q "warning: the zip is .* over the 50.0 MiB of a direct upload: upload it to S3" <<<"$out" || fail "S3 advice: $out"
[ -s noisy.zip ] || fail "noisy.zip not written"
