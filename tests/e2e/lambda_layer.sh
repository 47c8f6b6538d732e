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
# Its C library is in the payload: the description still names the glibc it brings.
grep -q "^elfpack: Lambda layer: x86_64, .*(brings glibc 2\.[0-9]*)$" <<<"$out" || fail "compressed layer's glibc: $out"
listing=$(unzip -Z1 big.zip)  # read once: `unzip | grep -q` fails under pipefail when grep ends first (SIGPIPE)
grep -q '^lib/elfpack/[0-9a-f]*/payload$' <<<"$listing" || fail "no payload: $listing"
# Still over once compressed (noise does not compress): refused, nothing written.
head -c 251M /dev/urandom > big-noise.dat
expect_failure "over Lambda's 250.0 MiB .* nothing written" "$ELFPACK" -q rig --add "$t/big-noise.dat=/data/big.dat" \
  --compress-level 1 -o big-noise.zip >/dev/null
[ ! -e big-noise.zip ] || fail "big-noise.zip written"
# Over the direct-upload limit: a warning naming S3; the zip is written.
head -c 52M /dev/urandom > noise.dat
out=$("$ELFPACK" --level 0 rig --add "$t/noise.dat=/data/noise.dat" -o noisy.zip --json 2>err)
grep -q "warning: the zip is .* over the 50.0 MiB of a direct upload: upload it to S3" err || fail "S3 advice: $(cat err)"
[ -s noisy.zip ] || fail "noisy.zip not written"
# --json says it too: the layer's figures, and the advice among the warnings.
python3 - "$out" "$(stat -c %s noisy.zip)" <<'PY' || fail "--json of noisy.zip: $out"
import json, sys
m = json.loads(sys.argv[1])
l = m["lambda"]
assert l["architecture"] == "x86_64" and l["direct_upload"] is False, l
assert l["zipped_bytes"] == int(sys.argv[2]) and 52 << 20 < l["unzipped_bytes"] <= 262144000, l
assert any("upload it to S3" in w for w in m["warnings"]), m["warnings"]
PY
out=$("$ELFPACK" -q rig -o small.zip --json)
python3 -c 'import json, sys; l = json.loads(sys.argv[1])["lambda"]; assert l["direct_upload"] is True and l["zipped_bytes"] > 0, l' "$out" \
  || fail "--json of small.zip: $out"
out=$("$ELFPACK" -q --lambda rig -o tree3/ --json)
python3 -c 'import json, sys; l = json.loads(sys.argv[1])["lambda"]; assert l["zipped_bytes"] is None and l["unzipped_bytes"] > 0, l' "$out" \
  || fail "--json of a --lambda directory: $out"
