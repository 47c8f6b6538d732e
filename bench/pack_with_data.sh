#!/usr/bin/env bash
# Measures what issue 20 asks of bundling a program with its data: `elfpack PROG -o PROG.zip`
# (the whole job: closure, runtime files found through the package database, plan, zip) costs
# no more than `zip -qr -6 -y` of the same files (the bundle's own zip, unpacked; -y keeps its
# symlinks as symlinks, as elfpack's zip has them). Default programs bring tens of MB of package
# data: python3 (its standard library) and gs (ghostscript's init files, fonts, ICC profiles).
# Per program: one warm-up of each, then N alternating runs of the pair (warm page cache);
# medians of wall time and of CPU time (user + system, from GNU time), their ratios elfpack /
# zip, the bytes of both zips, and the load average before and after (the machine may be shared:
# read the CPU ratio when it is busy). Prints a Markdown table.
# Usage: bench/pack_with_data.sh [BUILD_DIR=build] [N=5] [PROGRAM...]
set -euo pipefail

build=${1:-build}
runs=${2:-5}
shift $(($# < 2 ? $# : 2))
programs=("$@")
((${#programs[@]})) || programs=(python3 gs)
gnutime=/usr/bin/time

die() { printf 'pack_with_data.sh: %s\n' "$*" >&2; exit 1; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, not '$runs'"
elfpack=$(cd "$build" 2>/dev/null && pwd)/elfpack || die "no build directory '$build'"
[[ -x $elfpack ]] || die "no elfpack in '$build' (build it: ninja -C $build)"
for tool in zip unzip "$gnutime"; do command -v "$tool" >/dev/null || die "needs $tool (apt-get install zip unzip time)"; done
for p in "${programs[@]}"; do command -v "$p" >/dev/null || die "no $p on PATH (apt-get install it)"; done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# timed OUT CMD...: runs CMD (output discarded), appends "wall_ms cpu_ms" to OUT.
timed() {
  local out=$1; shift
  "$gnutime" -f '%e %U %S' -o "$work/time" "$@" >/dev/null 2>&1 || die "failed: $*"
  awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' "$work/time" >> "$out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "| program | regular files | unpacked MB | elfpack ms (CPU) | zip -qr -6 -y ms (CPU) | wall | CPU | elfpack bytes | zip bytes |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for p in "${programs[@]}"; do
  dir=$work/$p
  mkdir -p "$dir/tree"
  "$elfpack" -q "$p" -o "$dir/mine.zip"
  unzip -q "$dir/mine.zip" -d "$dir/tree"
  (cd "$dir/tree" && zip -qr -6 -y "$dir/theirs.zip" .)
  : > "$dir/elfpack.times"
  : > "$dir/zip.times"
  for i in $(seq "$runs"); do
    # Alternately first, each output removed before its run (neither tool appends).
    for side in $(((i % 2)) && echo "elfpack zip" || echo "zip elfpack"); do
      if [ "$side" = elfpack ]; then
        rm -f "$dir/mine.zip"
        timed "$dir/elfpack.times" "$elfpack" -q "$p" -o "$dir/mine.zip"
      else
        rm -f "$dir/theirs.zip"
        (cd "$dir/tree" && timed "$dir/zip.times" zip -qr -6 -y "$dir/theirs.zip" .)
      fi
    done
  done
  mine_wall=$(cut -d' ' -f1 "$dir/elfpack.times" | median)
  mine_cpu=$(cut -d' ' -f2 "$dir/elfpack.times" | median)
  zip_wall=$(cut -d' ' -f1 "$dir/zip.times" | median)
  zip_cpu=$(cut -d' ' -f2 "$dir/zip.times" | median)
  files=$(find "$dir/tree" -type f | wc -l)
  unpacked=$(du -sbm "$dir/tree" | cut -f1)
  echo "| $p | $files | $unpacked | $mine_wall ($mine_cpu) | $zip_wall ($zip_cpu) | **$(ratio "$mine_wall" "$zip_wall")** |" \
       "$(ratio "$mine_cpu" "$zip_cpu") | $(stat -c %s "$dir/mine.zip") | $(stat -c %s "$dir/theirs.zip") |"
done
echo
echo "Medians of $runs runs each; load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg);" \
     "$(nproc) CPUs; $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?')."
