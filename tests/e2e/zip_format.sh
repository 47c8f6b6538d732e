#!/usr/bin/env bash
# The zip is deterministic (the same input gives the same bytes, SOURCE_DATE_EPOCH is honoured),
# keeps Unix modes (0755 launchers, executables and directories, 0644 data) and stores a second
# name of a library as a relative symlink that unzip restores.
source "$(dirname "$0")/common.inc"

# A library needed under two names: libfoo.so.1 and libfoo-alias.so, a link to the same file.
two_names_program "$t/two"

"$ELFPACK" -q "$t/two/prog" -o "$t/first.zip"
sleep 1
touch "$t/two/"*
"$ELFPACK" -q "$t/two/prog" -o "$t/second.zip"
cmp "$t/first.zip" "$t/second.zip" || fail "two builds of the same input differ"

# (Listings are captured before grep reads them: with pipefail, `grep -q` closing the pipe early
# would fail the writer.)
SOURCE_DATE_EPOCH=1700000000 "$ELFPACK" -q "$t/two/prog" -o "$t/dated.zip"
dated=$(zipinfo -T "$t/dated.zip")
grep -q ' 20231114\.' <<<"$dated" || fail "SOURCE_DATE_EPOCH not used: $dated"
entries=$(zipinfo -1 "$t/dated.zip" | wc -l)
[ "$(grep -c ' 20231114\.' <<<"$dated")" -eq "$entries" ] || fail "not every entry has the SOURCE_DATE_EPOCH time: $dated"
default=$(zipinfo -T "$t/first.zip")
[ "$(grep -c ' 19800101\.000000 ' <<<"$default")" -eq "$entries" ] || fail "default timestamp not fixed: $default"

listing=$(zipinfo "$t/first.zip")
mode_of() { echo "$listing" | awk -v p="$1" '$NF == p { print $1 }'; }
[ "$(mode_of bin/prog)" = "-rwxr-xr-x" ] || fail "launcher mode: $(mode_of bin/prog)"
[ "$(mode_of bin/)" = "drwxr-xr-x" ] || fail "directory mode: $(mode_of bin/)"
id=$(echo "$listing" | awk '$NF ~ /^lib\/elfpack\/[0-9a-f]+\/$/ { split($NF, p, "/"); print p[3] }')
[ -n "$id" ] || fail "no private directory in: $listing"
[ "$(mode_of "lib/elfpack/$id/exe/prog")" = "-rwxr-xr-x" ] || fail "executable mode"
[ "$(mode_of "lib/elfpack/$id/ld-linux-x86-64.so.2")" = "-rwxr-xr-x" ] || fail "linker mode"
[ "$(mode_of "lib/elfpack/$id/lib/libtwo_a.so")" = "-rwxr-xr-x" ] || fail "library keeps its x bit"
grep -q '^l' <<<"$listing" || fail "no symlink stored: $listing"
# Owner and group 0 on every entry (Info-ZIP "ux" field: version 1, 4-byte uid 0, 4-byte gid 0).
verbose=$(zipinfo -v "$t/first.zip")
[ "$(grep -c '01 04 00 00 00 00 04 00 00 00 00\.' <<<"$verbose")" -eq "$entries" ] || fail "uid/gid not 0 on every entry"
modes=$(awk '/^-/ {print $1}' <<<"$listing")
grep -vqE '^-rw[x-]r-[x-]r-[x-]$' <<<"$modes" && fail "odd file mode: $listing"

root=$(empty_root root)
unzip -q "$t/first.zip" -d "$root/opt"
[ -L "$root/opt/lib/elfpack/$id/lib/libfoo-alias.so" ] || fail "libfoo-alias.so is not a symlink after unzip"
[ "$(readlink "$root/opt/lib/elfpack/$id/lib/libfoo-alias.so")" = "libfoo.so.1" ] || fail "link target"
expect_output "chain 2" in_root "$root" /opt/bin/prog
# Every link is relative and stays inside the bundle.
find "$root/opt" -type l | while read -r link; do
  target=$(readlink "$link")
  case $target in /*|*..*) fail "link $link -> $target leaves the bundle" ;; esac
done
