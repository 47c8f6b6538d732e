#!/usr/bin/env bash
# Measures how fast and how lean `elfpack inspect --flat PROG` resolves a program's library
# closure, next to the real glibc loader `/lib64/ld-linux-x86-64.so.2 --list PROG`, for rig,
# cmake, gdb and ffmpeg (warm page cache, output to /dev/null, canonical paths to both).
# Per program: one warm-up of each tool, then N alternating runs of the pair; wall time from
# bash's $EPOCHREALTIME around an unwrapped run, peak RSS from GNU time (%M) in a second run.
# Prints medians (wall ms, max RSS KB) and the elfpack/ld.so ratios as a Markdown table; writes
# the same as JSON to $BENCH_JSON if set. Installs missing packages (ffmpeg cmake gdb rig time)
# when run as root.
# Usage: bench/resolve.sh [BUILD_DIR=build] [N=21]     e.g. BENCH_JSON=out.json bench/resolve.sh
set -euo pipefail

build=${1:-build}
runs=${2:-21}
programs=(rig cmake gdb ffmpeg)
ldso=/lib64/ld-linux-x86-64.so.2
gnutime=/usr/bin/time

die() { printf 'resolve.sh: %s\n' "$*" >&2; exit 1; }

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, not '$runs'"
elfpack=$(cd "$build" 2>/dev/null && pwd)/elfpack || die "no build directory '$build'"
[[ -x $elfpack ]] || die "no elfpack in '$build' (build it: ninja -C $build)"
[[ -x $ldso ]] || die "no glibc loader at $ldso"
[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash 5 (\$EPOCHREALTIME)"

# Install what is missing: the programs themselves, and GNU time for peak RSS.
missing=()
for prog in "${programs[@]}"; do command -v "$prog" >/dev/null || missing+=("$prog"); done
[[ -x $gnutime ]] && "$gnutime" -f '' true 2>/dev/null || missing+=(time)
if ((${#missing[@]})); then
  ((EUID == 0)) || die "missing ${missing[*]}; run as root to install them, or install them yourself"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Microseconds since the epoch, without forking (EPOCHREALTIME is "seconds.micros").
now_us() { local t=${EPOCHREALTIME/[.,]/}; printf '%s' "$((10#$t))"; }

# wall_us CMD...: the wall time of one run in microseconds; dies if the command fails.
wall_us() {
  local start end
  start=$(now_us)
  "$@" >/dev/null 2>&1 || die "failed: $*"
  end=$(now_us)
  printf '%s\n' "$((end - start))"
}

# rss_kb CMD...: the peak resident set of one run in KB, from GNU time.
rss_kb() {
  "$gnutime" -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || die "failed: $*"
  tail -n 1 "$work/rss"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rows=()
json_rows=()
for prog in "${programs[@]}"; do
  path=$(readlink -f "$(command -v "$prog")")
  ep=("$elfpack" inspect --flat "$path")
  ld=("$ldso" --list "$path")
  libs=$("${ld[@]}" 2>/dev/null | wc -l)
  # Warm-up: page cache, ld.so.cache, the libraries' headers.
  "${ep[@]}" >/dev/null 2>&1 || die "failed: ${ep[*]}"
  "${ld[@]}" >/dev/null 2>&1 || die "failed: ${ld[*]}"
  : | tee "$work"/{ep,ld}.{wall,rss}
  for ((i = 0; i < runs; i++)); do
    # Alternate which of the pair goes first, so neither always runs on the other's heels.
    if ((i % 2)); then order=(ld ep); else order=(ep ld); fi
    for t in "${order[@]}"; do
      if [[ $t == ep ]]; then cmd=("${ep[@]}"); else cmd=("${ld[@]}"); fi
      wall_us "${cmd[@]}" >>"$work/$t.wall"
      rss_kb "${cmd[@]}" >>"$work/$t.rss"
    done
  done
  ep_ms=$(median <"$work/ep.wall" | awk '{ printf "%.2f", $1 / 1000 }')
  ld_ms=$(median <"$work/ld.wall" | awk '{ printf "%.2f", $1 / 1000 }')
  ep_kb=$(median <"$work/ep.rss" | awk '{ printf "%d", $1 }')
  ld_kb=$(median <"$work/ld.rss" | awk '{ printf "%d", $1 }')
  wall_ratio=$(awk -v a="$ep_ms" -v b="$ld_ms" 'BEGIN { printf "%.2f", a / b }')
  rss_ratio=$(awk -v a="$ep_kb" -v b="$ld_kb" 'BEGIN { printf "%.2f", a / b }')
  rows+=("| $prog | $libs | $ep_ms | $ld_ms | $wall_ratio | $ep_kb | $ld_kb | $rss_ratio |")
  json_rows+=("$(printf '    {"program": "%s", "path": "%s", "libraries": %d, "elfpack": {"wall_ms": %s, "max_rss_kb": %d}, "ldso": {"wall_ms": %s, "max_rss_kb": %d}, "ratio": {"wall": %s, "rss": %s}}' \
    "$prog" "$path" "$libs" "$ep_ms" "$ep_kb" "$ld_ms" "$ld_kb" "$wall_ratio" "$rss_ratio")")
done

# shellcheck disable=SC2016  # the backticks are Markdown
printf 'Medians of %d runs each; libraries = lines of `ld.so --list`.\n\n' "$runs"
printf '| program | libraries | elfpack ms | ld.so ms | wall ratio | elfpack max RSS KB | ld.so max RSS KB | RSS ratio |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
printf '%s\n' "${rows[@]}"

if [[ -n ${BENCH_JSON:-} ]]; then
  {
    printf '{\n  "runs": %d,\n  "elfpack": "%s",\n  "ldso": "%s",\n  "programs": [\n' "$runs" "$elfpack" "$ldso"
    sep=','
    for ((i = 0; i < ${#json_rows[@]}; i++)); do
      ((i + 1 < ${#json_rows[@]})) || sep=''
      printf '%s%s\n' "${json_rows[i]}" "$sep"
    done
    printf '  ]\n}\n'
  } >"$BENCH_JSON"
fi
