#!/usr/bin/env bash
# --format exe run from memfds (both $XDG_CACHE_HOME and /tmp noexec, launchers/expand/memfd_run.h)
# against the same file run from its tree (a cache directory that allows exec):
#   warm start of PROGRAM ARGS, the tree already expanded: median of N loops of 20 runs, wall and
#   CPU time (user + system) per run;
#   what each run from memfds copies into memory: the tree's ELF files (their total size).
# Root only: it mounts noexec tmpfs (on /tmp too) in a mount namespace of its own.
# Usage: bench/exe_noexec_start.sh [BUILD_DIR=build] [N=5] [PROGRAM=/usr/bin/python3] [ARGS=-c pass]
set -euo pipefail
if [ -z "${ELFPACK_BENCH_NAMESPACE:-}" ]; then
  exec env ELFPACK_BENCH_NAMESPACE=1 unshare --mount --propagation private bash "$0" "$@"
fi
build=$(cd "${1:-build}" && pwd)
runs=${2:-5}
program=${3:-/usr/bin/python3}
shift $(( $# < 3 ? $# : 3 ))
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-c pass)
work=$(mktemp -d "$build/bench-exe-noexec.XXXXXX")  # not under /tmp: a noexec tmpfs goes over it
trap 'umount "$work/noexec" /tmp 2>/dev/null || true; rm -rf "$work"' EXIT
"$build/elfpack" -q "$program" --format exe -o "$work/app"
mkdir "$work/exec" "$work/noexec"
mount -t tmpfs -o noexec tmpfs "$work/noexec"
mount -t tmpfs -o noexec,mode=1777 tmpfs /tmp

ms() { local TIMEFORMAT='%R %U %S' t; t=$({ time "$@" >/dev/null 2>&1; } 2>&1); awk '{ printf "%.3f %.3f\n", $1 * 1000 / 20, ($2 + $3) * 1000 / 20 }' <<<"$t"; }
loop() { for _ in $(seq 20); do XDG_CACHE_HOME=$1 "$work/app" "${args[@]}"; done; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

XDG_CACHE_HOME=$work/exec "$work/app" "${args[@]}" > /dev/null    # expand both trees first
XDG_CACHE_HOME=$work/noexec "$work/app" "${args[@]}" > /dev/null
tree=$(find "$work/noexec/elfpack" -maxdepth 1 -name 'elfpack-*' ! -name '*.*')
compgen -G "$tree.run.??????" > /dev/null || { echo "not run from memfds: $(ls -A "$work/noexec/elfpack")" >&2; exit 1; }
exec_wall=() exec_cpu=() memfd_wall=() memfd_cpu=()
for _ in $(seq "$runs"); do
  read -r w c < <(ms loop "$work/exec") && exec_wall+=("$w") exec_cpu+=("$c")
  read -r w c < <(ms loop "$work/noexec") && memfd_wall+=("$w") memfd_cpu+=("$c")
done
elf_bytes=$(tr '\0' '\n' < "$tree/.elfpack-objects" | while read -r p; do [ -L "$tree/$p" ] || stat -c %s "$tree/$p"; done |
  awk '{ s += $1 } END { print s + 0 }')
echo "$(basename "$program") ${args[*]}: --format exe, warm start per run (median of $runs loops of 20)"
echo "  from its tree:  $(median "${exec_wall[@]}") ms wall, $(median "${exec_cpu[@]}") ms CPU"
echo "  from memfds:    $(median "${memfd_wall[@]}") ms wall, $(median "${memfd_cpu[@]}") ms CPU" \
  "(copies $elf_bytes bytes of ELF files, $(tr '\0' '\n' < "$tree/.elfpack-objects" | wc -l) listed objects)"
