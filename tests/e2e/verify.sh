#!/usr/bin/env bash
# elfpack verify: a good bundle (zip, tarball, directory) passes; a bundle with a library
# removed, or a launcher that lost its execute bit, fails naming the problem; an archive entry
# that would land outside the bundle is refused before anything runs.
source "$(dirname "$0")/common.inc"
cd "$t"
"$ELFPACK" -q rig -o rig.zip
"$ELFPACK" -q rig -o rig.tar.gz
for bundle in rig.zip rig.tar.gz; do
  out=$("$ELFPACK" verify "$bundle") || fail "verify $bundle: $out"
  grep -q "^ok    rig: .* all in the bundle$" <<<"$out" && grep -q "^ok    ran /opt/bin/rig --version" <<<"$out" \
    && grep -q "^verify: passed$" <<<"$out" || fail "verify $bundle: $out"
done
out=$("$ELFPACK" verify rig.zip -- /opt/bin/rig -c 2) || fail "verify with a command: $out"
grep -q "^ok    ran /opt/bin/rig -c 2 (exit 0)$" <<<"$out" || fail "verify with a command: $out"

# A library removed: the static check names it, and the program does not start.
mkdir broken && unzip -q rig.zip -d broken
rm broken/lib/elfpack/*/lib/libstdc++.so.6
status=0
out=$("$ELFPACK" verify broken) || status=$?
[ "$status" -eq 1 ] || fail "a library removed: exit $status: $out"
grep -q "^FAIL  rig: libstdc++.so.6 (needed by rig) is not in the bundle$" <<<"$out" || fail "a library removed: $out"
grep -q "^FAIL  ran /opt/bin/rig --version" <<<"$out" || fail "a library removed, running: $out"

# A launcher without its execute bit.
mkdir nox && unzip -q rig.zip -d nox
chmod -x nox/bin/rig
status=0
out=$("$ELFPACK" verify nox) || status=$?
[ "$status" -eq 1 ] && grep -q "^FAIL  rig: bin/rig is not executable$" <<<"$out" || fail "no execute bit: exit $status: $out"

# An entry outside the bundle: refused with one line naming it.
mkdir -p evil/sub && echo x > evil/escape
(cd evil/sub && zip -q ../../evil.zip ../escape)
expect_failure "evil.zip: entry '../escape' would land outside the bundle; refused" "$ELFPACK" verify evil.zip >/dev/null
