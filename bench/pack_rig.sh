#!/usr/bin/env bash
# Measures what issue 2 asks for: the wall time of `elfpack rig -o rig.zip` (median of N runs,
# warm page cache) and the size of the launcher in the bundle. Usage: bench/pack_rig.sh [BUILD_DIR] [N]
set -euo pipefail
build=${1:-build}
runs=${2:-11}
elfpack=$(cd "$build" && pwd)/elfpack
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$elfpack" -q rig -o warm.zip
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$elfpack" -q rig -o rig.zip
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
unzip -q rig.zip -d tree
printf 'elfpack rig -o rig.zip: median %d.%03d ms over %d runs\n' $((median / 1000)) $((median % 1000)) "$runs"
printf 'launcher bin/rig: %d bytes\n' "$(stat -c %s tree/bin/rig)"
printf 'rig.zip: %d bytes; unpacked: %d bytes in %d files\n' "$(stat -c %s rig.zip)" \
  "$(find tree -type f -printf '%s\n' | paste -sd+ | bc)" "$(find tree -type f | wc -l)"
