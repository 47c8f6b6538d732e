#!/usr/bin/env bash
# What the path shim costs on paths a bundle does not carry, with a large index: a program doing
# 100,000 stat() of paths the bundle does not serve (/etc/hostname; /usr/lib/<multiarch>/libc.so.6
# and /usr/share/nothing/here, under directories it shares with the target, so the lookup walks
# up), and 100,000 open()+close() of /etc/hostname, bundled with python's standard library and
# perl's modules added (thousands of served paths in root.index). Run through the bundled linker
# with and without the shim (--preload), median of N runs each, alternating.
# Usage: bench/shim_overhead.sh [BUILD_DIR=build] [N=11]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-11}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
multiarch=$(cc -print-multiarch)
cat > "$work/calls.c" <<C
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  struct stat st;
  const char *paths[] = {"/etc/hostname", "/usr/lib/$multiarch/libc.so.6", "/usr/share/nothing/here", "/tmp"};
  for (int i = 0; i < 100000; i++) stat(paths[i % 4], &st);
  for (int i = 0; i < 100000; i++) close(open("/etc/hostname", O_RDONLY));
  return 0;
}
C
cc -O2 -o "$work/calls" "$work/calls.c"
adds=()
for d in /usr/lib/python3*/ /usr/share/perl/*/; do
  [ -d "$d" ] && adds+=(--add "${d%/}")
done
"$build/elfpack" -q "$work/calls" "${adds[@]}" -o "$work/bundle/"
priv=$(echo "$work"/bundle/lib/elfpack/*)
entries=$(od -An -t u4 -j 12 -N 4 "$priv/root.index" | tr -d ' ')
ldso=$(echo "$priv"/ld-linux*)
# Wall time and user time (the shim's lookups run in user space; on a busy machine the wall
# time is mostly the kernel's and the scheduler's), in ms.
time_ms() {
  local TIMEFORMAT='%R %U' t
  t=$({ time "$@" >/dev/null; } 2>&1)
  awk '{ printf "%d %d\n", $1 * 1000, $2 * 1000 }' <<<"$t"
}
plain_wall=() plain_user=() shim_wall=() shim_user=()
for _ in $(seq "$runs"); do
  read -r w u < <(time_ms "$ldso" --library-path "$priv/lib" "$priv/exe/calls")
  plain_wall+=("$w") plain_user+=("$u")
  read -r w u < <(time_ms "$ldso" --library-path "$priv/lib" --preload "$priv/shim.so" "$priv/exe/calls")
  shim_wall+=("$w") shim_user+=("$u")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
pw=$(median "${plain_wall[@]}") pu=$(median "${plain_user[@]}") sw=$(median "${shim_wall[@]}") su=$(median "${shim_user[@]}")
echo "100,000 stat + 100,000 open/close of paths the bundle does not serve, $entries served paths (median of $runs):"
echo "  without the shim: $pw ms wall, $pu ms user"
echo "  with the shim:    $sw ms wall, $su ms user"
echo "  difference:       $(( (sw - pw) * 1000000 / 200000 )) ns wall, $(( (su - pu) * 1000000 / 200000 )) ns user per call"
