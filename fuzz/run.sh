#!/usr/bin/env bash
# Runs every libFuzzer target of a build for SECONDS each, at most FUZZ_JOBS (default: nproc) at
# once, and prints per target the executions, the corpus size and whether it crashed. Exits 1 if
# any target crashed (a crash, sanitizer report, leak, timeout or out-of-memory).
#   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DELFPACK_FUZZ=ON -DELFPACK_TESTS=OFF
#   cmake --build build-fuzz --target elfpack_fuzzers
#   fuzz/run.sh build-fuzz 60 [libFuzzer flags...]
# Environment: FUZZ_JOBS (parallel targets), FUZZ_TARGETS (names, default: all built),
# FUZZ_WORK (scratch directory, default: a new one under /tmp; kept, it holds the logs, the grown
# corpora and any crashing inputs). The seeds in fuzz/corpus are copied, never written.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS [libFuzzer flags...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
jobs=${FUZZ_JOBS:-$(nproc)}
work=${FUZZ_WORK:-$(mktemp -d /tmp/elfpack-fuzz.XXXXXX)}
mkdir -p "$work"

targets=()
if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  for f in "$build"/fuzz/*_fuzzer; do
    [ -x "$f" ] && targets+=("$(basename "$f" _fuzzer)")
  done
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "run.sh: no fuzzers in $build/fuzz (configure with -DELFPACK_FUZZ=ON and build the target elfpack_fuzzers)" >&2
  exit 2
fi

run_one() {
  local name=$1 dir=$work/$1
  shift
  rm -rf "$dir" && mkdir -p "$dir/corpus" "$dir/artifacts"
  cp -R "$here/corpus/$name/." "$dir/corpus/"
  local dict=()
  [ -f "$here/$name.dict" ] && dict=(-dict="$here/$name.dict")
  local status=0
  (cd "$dir" && "$build/fuzz/${name}_fuzzer" "$dir/corpus" -max_total_time="$seconds" -print_final_stats=1 \
     -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$dir/artifacts/" "${dict[@]}" "$@") >"$dir/log" 2>&1 || status=$?
  echo "$status" >"$dir/status"
}

echo "run.sh: ${#targets[@]} fuzzers, ${seconds}s each, $jobs at a time, in $work" >&2
running=0
for name in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_one "$name" "$@" &
  running=$((running + 1))
done
wait || true

crashed=0
printf '%-18s %14s %8s  %s\n' fuzzer execs corpus result
for name in "${targets[@]}"; do
  dir=$work/$name
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  if [ -z "$execs" ]; then  # no final stats (a crash): the last status line's count
    execs=$(grep -o '^#[0-9]*' "$dir/log" | tail -1 | tr -d '#')
  fi
  corpus=$(find "$dir/corpus" -type f | wc -l)
  artifacts=$(find "$dir/artifacts" -type f | sort | tr '\n' ' ')
  if [ "$(cat "$dir/status")" != 0 ] || [ -n "$artifacts" ]; then
    crashed=1
    result="CRASH (exit $(cat "$dir/status")): ${artifacts:-no artifact} log: $dir/log"
  else
    result=ok
  fi
  printf '%-18s %14s %8s  %s\n' "$name" "${execs:-?}" "$corpus" "$result"
done
exit "$crashed"
