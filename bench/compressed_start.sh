#!/usr/bin/env bash
# A compressed bundle (--compress) against the same bundle uncompressed and the standard tools:
#   warm start: PROGRAM ARGS run from bin/ with its tree already in /tmp, against the uncompressed
#     bundle's bin/ (median of N loops of 100 runs; the difference per run is what the compressed
#     launcher's checks cost: one lstat, one getuid, one open+read+close of the stamp);
#   cold start: the first run (expand, then run), against `zstd -d | tar -x` of the same tree
#     compressed with `zstd -19 --long=27` into the same /tmp (median of N);
#   size: the payload against that tar.zst (and `brotli -q 11` of the tar, when brotli is here).
# The trees it makes in /tmp are removed at the end.
# Usage: bench/compressed_start.sh [BUILD_DIR=build] [N=5] [PROGRAM=python3] [ARGS=-c pass]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-5}
program=${3:-python3}
shift $(( $# < 3 ? $# : 3 ))
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-c pass)
work=$(mktemp -d)
tree=
cleanup() { rm -rf "$work"; [ -z "$tree" ] || rm -rf "$tree"; }
trap cleanup EXIT
name=$(basename "$program")

"$build/elfpack" -q "$program" -o "$work/plain/"
notes=$("$build/elfpack" "$program" --compress -o "$work/packed/" 2>&1)
tree=$(grep -o '/tmp/elfpack-[0-9a-f]*-[a-z0-9_]*' <<<"$notes" | head -n1)
payload=$(echo "$work"/packed/lib/elfpack/*/payload)

ms() { local TIMEFORMAT='%R' t; t=$({ time "$@" >/dev/null 2>&1; } 2>&1); awk '{ printf "%.3f\n", $1 * 1000 }' <<<"$t"; }
loop() { for _ in $(seq 100); do "$@"; done; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

cold=() reference=()
for _ in $(seq "$runs"); do
  rm -rf "$tree"
  cold+=("$(ms "$work/packed/bin/$name" "${args[@]}")")
done
tar -C "$tree" -cf "$work/tree.tar" .
zstd -q -19 --long=27 -T0 "$work/tree.tar" -o "$work/tree.tar.zst"
for _ in $(seq "$runs"); do
  rm -rf "$work/x" && mkdir -p /tmp/elfpack-bench-x && rm -rf /tmp/elfpack-bench-x/*
  reference+=("$(ms sh -c "zstd -dc --long=27 '$work/tree.tar.zst' | tar -x -C /tmp/elfpack-bench-x")")
done
rm -rf /tmp/elfpack-bench-x
# CPU time (user + system) too: on a busy machine the wall time is mostly waiting for a CPU.
cpu_ms() { local TIMEFORMAT='%U %S' t; t=$({ time "$@" >/dev/null 2>&1; } 2>&1); awk '{ printf "%.3f\n", ($1 + $2) * 1000 }' <<<"$t"; }
plain=() packed=() plain_cpu=() packed_cpu=()
for _ in $(seq "$runs"); do
  plain+=("$(ms loop "$work/plain/bin/$name" "${args[@]}")")
  packed+=("$(ms loop "$work/packed/bin/$name" "${args[@]}")")
  plain_cpu+=("$(cpu_ms loop "$work/plain/bin/$name" "${args[@]}")")
  packed_cpu+=("$(cpu_ms loop "$work/packed/bin/$name" "${args[@]}")")
done
pc=$(median "${plain_cpu[@]}") qc=$(median "${packed_cpu[@]}")

c=$(median "${cold[@]}") r=$(median "${reference[@]}") p=$(median "${plain[@]}") q=$(median "${packed[@]}")
size() { stat -c %s "$1"; }
echo "$name ${args[*]}: tree $(du -sb "$tree" | cut -f1) bytes, $(find "$tree" | wc -l) entries (median of $runs)"
echo "  payload:    $(size "$payload") bytes; tar | zstd -19 --long=27: $(size "$work/tree.tar.zst") bytes" \
  "($(awk -v a="$(size "$payload")" -v b="$(size "$work/tree.tar.zst")" 'BEGIN { printf "%.2f", a / b }')x)"
if command -v brotli >/dev/null; then
  brotli -q 11 -o "$work/tree.tar.br" "$work/tree.tar"
  echo "  brotli -q 11 of the tar: $(size "$work/tree.tar.br") bytes"
fi
echo "  cold start: $c ms (expand + run); zstd -d | tar -x into /tmp: $r ms ($(awk -v a="$c" -v b="$r" 'BEGIN { printf "%.2f", a / b }')x)"
echo "  warm start: $(awk -v a="$q" 'BEGIN { printf "%.3f", a / 100 }') ms a run; uncompressed bundle:" \
  "$(awk -v a="$p" 'BEGIN { printf "%.3f", a / 100 }') ms (+$(awk -v a="$q" -v b="$p" 'BEGIN { printf "%.3f", (a - b) / 100 }') ms)"
echo "              CPU: $(awk -v a="$qc" 'BEGIN { printf "%.3f", a / 100 }') ms a run; uncompressed bundle:" \
  "$(awk -v a="$pc" 'BEGIN { printf "%.3f", a / 100 }') ms (+$(awk -v a="$qc" -v b="$pc" 'BEGIN { printf "%.3f", (a - b) / 100 }') ms)"
