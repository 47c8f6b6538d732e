#!/usr/bin/env bash
# --compress with identical files (layout/identical_files.h): the payload holds their bytes once,
# a hard link entry for each copy, and the expander makes each copy a hard link to the first in
# the tree. Two programs read two identical files of 20 MiB of noise (which zstd cannot shrink,
# and whose copies are further apart than a frame, so that zstd cannot find one in the other):
# the payload is about 20 MiB, not 40; the tree has both, one file (one inode, the same bytes),
# and each program reads its own, in an empty root with Lambda's environment.
source "$(dirname "$0")/common.inc"
cd "$t"
mkdir data
{ echo "first line of the copies"; head -c 20M /dev/urandom; } > data/one.dat
cp data/one.dat data/two.dat
data_reader read_one /usr/share/fixture/one.dat
data_reader read_two /usr/share/fixture/two.dat
"$ELFPACK" -q ./read_one ./read_two --add "$t/data=/usr/share/fixture" --compress --compress-level 1 -o app.zip
run=$(empty_root run)
unzip -q app.zip -d "$run/opt"
size=$(stat -c %s "$run"/opt/lib/elfpack/*/payload)
[ "$size" -lt $((30 << 20)) ] || fail "the payload holds the noise twice: $size bytes"

lambda_tmp=$t/tmp && mkdir -m 1777 "$lambda_tmp"
expect_output "data: first line of the copies" in_lambda_root "$run" /opt/bin/read_one
expect_output "data: first line of the copies" in_lambda_root "$run" /opt/bin/read_two
tree=$(echo "$lambda_tmp"/elfpack-*-x86_64)
one=$(echo "$tree"/lib/elfpack/*/root/usr/share/fixture/one.dat)
two=${one%/one.dat}/two.dat
cmp -s "$one" data/one.dat && cmp -s "$two" data/two.dat || fail "the tree's copies differ from the originals"
[ "$(stat -c %i "$one")" = "$(stat -c %i "$two")" ] || fail "the copies are two files: $(ls -li "$one" "$two")"
[ "$(ls -A "$lambda_tmp")" = "$(basename "$tree")" ] || fail "left in /tmp: $(ls -A "$lambda_tmp")"
