#!/usr/bin/env bash
# A new user's first minutes, measured (./dev.sh fresh; not part of ./dev.sh test: it needs
# Debian's mirror). Makes a fresh Debian 12 root (debootstrap --variant=minbase bookworm, then
# build-essential cmake git), clones this checkout's HEAD into it, and runs the commands of the
# README's first code block there as root in a chroot, as a new user would, each one timed. Then
# checks rig.zip: unzipped into an empty root, rig runs and prints an identity. Twice: with a cold
# package cache (no package lists, nothing downloaded), then in a second fresh root holding the
# first one's package lists and downloads (warm). Writes the figures to docs/fresh.md.
#
# Usage: tests/fresh/fresh_root.sh [all | run | test]
#   all: every command of the block; run: only the first (./dev.sh run); test: only the second
#   (./dev.sh test; rig.zip is then not checked, as the command does not make it)
# Needs root, debootstrap, unzip. ELFPACK_FRESH_CACHE (default build/fresh-cache) keeps the base
# root between runs as a tarball (remove it to debootstrap again).
set -euo pipefail
export LC_ALL=C
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:-all}
case "$mode" in all | run | test) ;; *) echo "usage: $0 [all | run | test]" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "fresh_root.sh: needs root (debootstrap, chroot)" >&2; exit 1; }
cache=${ELFPACK_FRESH_CACHE:-$source_dir/build/fresh-cache}
base=$cache/bookworm-minbase-build-essential.tar
t=$(mktemp -d /tmp/elfpack-fresh.XXXXXX)
trap 'echo "fresh_root.sh: failed; scratch kept in $t" >&2' ERR

# The README's first code block: its command lines, comments taken off.
mapfile -t commands < <(awk '/^```/ { if (open) exit; open = 1; next } open' "$source_dir/README.md" |
                        sed 's/[[:space:]]*#.*$//' | grep -v '^[[:space:]]*$')
[ ${#commands[@]} -ge 1 ] || { echo "fresh_root.sh: no commands in README.md's first code block" >&2; exit 1; }
case $mode in
  run) commands=("${commands[0]}") ;;
  test) [ ${#commands[@]} -ge 2 ] || { echo "fresh_root.sh: no second command in README.md's first code block" >&2; exit 1; }
        commands=("${commands[1]}") ;;
esac

# in_chroot ROOT COMMAND: runs the shell COMMAND in ROOT as root with a login's environment; /proc,
# /sys and /dev are mounted in a mount namespace of its own, so they go with it. /dev is a tmpfs
# holding bind mounts of the host's usual nodes (never the host's /dev itself, which a command in
# the root could then change for the whole machine) and a devpts instance of its own, reached by
# /dev/ptmx as in a container (the host's ptmx node opens the first instance, whose ptys the
# bound /dev/pts need not show: `script` then fails with ENOENT). ROOT is first
# bound onto itself so that its / is a mount point, as on a real machine: the tests' own mount
# namespaces make / private, which the kernel refuses (EINVAL) for a plain chroot directory.
in_chroot() {
  local r=$1 command=$2
  unshare --mount --fork bash -c '
    r=$1
    mount --bind "$r" "$r" &&
    mount -t proc proc "$r/proc" && mount -t sysfs sysfs "$r/sys" &&
    mount -t tmpfs -o mode=755,nosuid dev "$r/dev" && mkdir "$r/dev/pts" "$r/dev/shm" &&
    mount -t tmpfs -o mode=1777,nosuid,nodev shm "$r/dev/shm" &&
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$r/dev/pts" && ln -s pts/ptmx "$r/dev/ptmx" &&
    for n in null zero full random urandom tty; do touch "$r/dev/$n" && mount --bind "/dev/$n" "$r/dev/$n" || exit 1; done &&
    ln -s /proc/self/fd "$r/dev/fd" && ln -s /proc/self/fd/0 "$r/dev/stdin" &&
    ln -s /proc/self/fd/1 "$r/dev/stdout" && ln -s /proc/self/fd/2 "$r/dev/stderr" || exit 1
    exec chroot "$r" /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      bash -c "$2"' bash "$r" "$command"
}

# The base root, made once: minbase with build-essential, cmake and git (the README's premise),
# its package lists and downloads removed, as on a machine that has not used apt since.
if [ ! -f "$base" ]; then
  mkdir -p "$cache"
  echo "fresh_root.sh: debootstrap --variant=minbase bookworm (once; kept in $base)"
  debootstrap --variant=minbase bookworm "$t/base" >"$t/debootstrap.log" 2>&1 ||
    { tail -n 20 "$t/debootstrap.log" >&2; exit 1; }
  cp /etc/resolv.conf "$t/base/etc/resolv.conf"
  in_chroot "$t/base" 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential cmake git >/dev/null &&
                       apt-get clean && rm -rf /var/lib/apt/lists/*'
  tar -C "$t/base" -cf "$base.tmp" . && mv "$base.tmp" "$base"
  rm -rf "$t/base"
fi

# round NAME [WARM_FROM]: a new root from the base (with WARM_FROM's package lists and downloads
# when given), the checkout cloned into /root/elfpack, the commands run and timed, rig.zip checked.
# Appends "NAME<TAB>command<TAB>seconds<TAB>CPU seconds" lines to $t/times and dev.sh's phase lines to $t/phases.
round() {
  local name=$1 warm_from=${2:-} r=$t/$1 c log
  mkdir -p "$r"
  tar -C "$r" -xf "$base"
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  # The machine's own local CAs (a TLS proxy's, as its network may need), which the root's
  # ca-certificates adds to its store when the suite installs it, as it reaches the network.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    mkdir -p "$r/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$r/usr/local/share/ca-certificates/"
    in_chroot "$r" 'if command -v update-ca-certificates >/dev/null; then update-ca-certificates >/dev/null 2>&1; fi'
  fi
  if [ -n "$warm_from" ]; then
    cp -a "$warm_from/var/cache/apt/archives/." "$r/var/cache/apt/archives/"
    cp -a "$warm_from/var/lib/apt/lists/." "$r/var/lib/apt/lists/"
  fi
  git clone -q "$source_dir" "$r/root/elfpack"
  for c in "${commands[@]}"; do
    log=$t/$name.$(echo "$c" | tr -c 'a-z0-9\n' '_').log
    echo "fresh_root.sh: $name: $c"
    # bash's time: the wall-clock time, and the CPU time (user + system) of the command and its
    # children, which says less about other work on the machine.
    if ! in_chroot "$r" "cd /root/elfpack && TIMEFORMAT='fresh_root.sh: time %R %U %S' && time { $c; }" >"$log" 2>&1; then
      tail -n 40 "$log" >&2
      echo "fresh_root.sh: $name: '$c' failed (log: $log)" >&2
      exit 1
    fi
    awk -v n="$name" -v c="$c" '/^fresh_root.sh: time / { printf "%s\t%s\t%.1f\t%.1f\n", n, c, $3, $4 + $5 }' "$log" >>"$t/times"
    grep '^dev\.sh: ' "$log" | sed "s|^|$name, $c: |" >>"$t/phases" || true
  done
  [ "$mode" = test ] || check_rig "$r/root/elfpack/rig.zip" "$t/$name-rig"
}

# check_rig ZIP ROOT: ZIP unzipped at ROOT/opt, an otherwise empty root, runs /opt/bin/rig.
check_rig() {
  local zip=$1 root=$2 out
  [ -f "$zip" ] || { echo "fresh_root.sh: no rig.zip made" >&2; exit 1; }
  mkdir -p "$root/proc"
  unzip -q "$zip" -d "$root/opt"
  out=$(unshare --mount --pid --fork --mount-proc="$root/proc" chroot "$root" /opt/bin/rig)
  grep -Eq '^\([0-9]{3}\) xxx-xxxx$' <<<"$out" || { echo "fresh_root.sh: rig.zip's rig printed: $out" >&2; exit 1; }
  echo "fresh_root.sh: rig.zip runs in an empty root: $(head -n1 <<<"$out")"
}

round cold
round warm "$t/cold"

# docs/fresh.md: the latest figures.
{
  echo "# A new user's first commands on a fresh Debian 12 root"
  echo
  echo "Measured by \`./dev.sh fresh $mode\` (tests/fresh/fresh_root.sh) on $(date -u +%Y-%m-%d), commit"
  echo "$(git -C "$source_dir" rev-parse --short HEAD), on a machine with $(nproc) cores: a root made with"
  echo "\`debootstrap --variant=minbase bookworm\` and \`apt-get install build-essential cmake git\`, the"
  echo "checkout cloned into it, each command of the README's first code block run in it as root. Cold:"
  echo "no package lists and nothing downloaded yet. Warm: another such root holding the cold run's"
  echo "package lists and downloaded packages. Both made a rig.zip that runs in an empty root."
  echo
  echo "| command | cold cache | warm cache |"
  echo "| --- | --- | --- |"
  for c in "${commands[@]}"; do
    echo "| \`$c\` | $(awk -F'\t' -v c="$c" '$1=="cold" && $2==c {print $3 " s (CPU " $4 " s)"}' "$t/times")" \
         "| $(awk -F'\t' -v c="$c" '$1=="warm" && $2==c {print $3 " s (CPU " $4 " s)"}' "$t/times") |"
  done
  echo
  echo "CPU: user + system time of the command and everything it ran; the wall-clock time also"
  echo "depends on what else the machine was doing ($(uptime | sed 's/.*load average/load average/') at the end)."
  echo
  echo "Its phases, as dev.sh printed them:"
  echo
  echo '```'
  cat "$t/phases"
  echo '```'
  if [ "$mode" != all ]; then
    echo
    echo "Only \`${commands[0]}\` was measured (\`./dev.sh fresh $mode\`)."
  fi
} >"$source_dir/docs/fresh.md"
cat "$source_dir/docs/fresh.md"
rm -rf "$t"
