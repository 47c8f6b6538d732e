#!/usr/bin/env bash
# What the path shim costs on paths a bundle does not carry: a program doing 1,000,000 stat() and
# 200,000 open()+close() of /etc/hostname, run through the linker with and without the shim
# (--preload; its root.list names three prefixes), median of N runs each, alternating.
# Usage: bench/shim_overhead.sh [BUILD_DIR=build] [N=11]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-11}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/calls.c" <<'C'
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  struct stat st;
  for (int i = 0; i < 1000000; i++) stat("/etc/hostname", &st);
  for (int i = 0; i < 200000; i++) close(open("/etc/hostname", O_RDONLY));
  return 0;
}
C
cc -O2 -o "$work/calls" "$work/calls.c"
mkdir -p "$work/bundle"
cp "$build/launchers/libelfpack_shim_x86_64.so" "$work/bundle/shim.so"
printf '/usr/share/rig\n/usr/lib/x86_64-linux-gnu/gconv\n/opt/data\n' > "$work/bundle/root.list"
ldso=/lib64/ld-linux-x86-64.so.2
time_ms() { local s e; s=$(date +%s%N); "$@"; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
plain=() shimmed=()
for _ in $(seq "$runs"); do
  plain+=("$(time_ms "$ldso" "$work/calls")")
  shimmed+=("$(time_ms "$ldso" --preload "$work/bundle/shim.so" "$work/calls")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
p=$(median "${plain[@]}") s=$(median "${shimmed[@]}")
echo "1,000,000 stat + 200,000 open/close of a path the bundle does not carry (median of $runs):"
echo "  without the shim: $p ms"
echo "  with the shim:    $s ms"
echo "  difference:       $(( s - p )) ms = $(( (s - p) * 1000000 / 1200000 )) ns per call"
