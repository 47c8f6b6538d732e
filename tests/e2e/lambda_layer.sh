#!/usr/bin/env bash
# Lambda's layer rules, checked for a .zip (and with --lambda): the layer is described
# (architecture, sizes, the glibc it brings); over 250 MiB unzipped is refused before anything is
# written; a zip over the 50 MiB of a direct upload gets the S3 advice.
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

# Over the unzipped limit (a sparse file read as zeros): refused, nothing written.
truncate -s 251M big.dat
expect_failure "over Lambda's 250.0 MiB .* nothing written" "$ELFPACK" rig --add "$t/big.dat=/data/big.dat" -o big.zip >/dev/null
[ ! -e big.zip ] || fail "big.zip written"
# Over the direct-upload limit: a warning naming S3; the zip is written.
head -c 52M /dev/urandom > noise.dat
out=$("$ELFPACK" --level 0 rig --add "$t/noise.dat=/data/noise.dat" -o noisy.zip 2>&1)
grep -q "warning: the zip is .* over the 50.0 MiB of a direct upload: upload it to S3" <<<"$out" || fail "S3 advice: $out"
[ -s noisy.zip ] || fail "noisy.zip not written"
