#!/usr/bin/env bash
# The compressed payload's zstd level: size and pack time of `elfpack PROGRAM --compress
# --compress-level L` for each level asked, against `tar | zstd -19 --long=27` of the same tree
# (the bundle written uncompressed; issue 21's target is a payload of at most 1.1 times that).
# Pack times are wall and CPU (user + system): on a shared machine the CPU figure is the steadier.
# Usage: bench/payload_levels.sh [BUILD_DIR=build] [PROGRAM=ffmpeg] [LEVELS="15 16 17 18 19"]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
program=${2:-ffmpeg}
levels=${3:-15 16 17 18 19}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# "WALL CPU" in seconds of a command (its output dropped).
timed() {
  local TIMEFORMAT='%R %U %S' t
  t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
  awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' <<<"$t"
}

"$build/elfpack" -q "$program" --no-compress -o "$work/plain/"
tar -C "$work/plain" --sort=name -cf "$work/tree.tar" .
read -r ref_wall ref_cpu < <(timed zstd -q -19 --long=27 -T0 "$work/tree.tar" -o "$work/tree.tar.zst")
ref=$(stat -c %s "$work/tree.tar.zst")
rm -rf "$work/plain"
echo "$program: tree $(stat -c %s "$work/tree.tar") bytes (tar); tar | zstd -19 --long=27 -T0: $ref bytes," \
  "${ref_wall} s wall, ${ref_cpu} s CPU; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| level | payload bytes | / zstd -19 --long | pack s (wall) | pack s (CPU) |"
echo "| ---: | ---: | ---: | ---: | ---: |"
for level in $levels; do
  read -r wall cpu < <(timed "$build/elfpack" -q "$program" --compress --compress-level "$level" -o "$work/$level/")
  size=$(stat -c %s "$work/$level"/lib/elfpack/*/payload)
  rm -rf "${work:?}/$level"
  echo "| $level | $size | $(awk -v a="$size" -v b="$ref" 'BEGIN { printf "%.3f", a / b }') | $wall | $cpu |"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
