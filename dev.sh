#!/usr/bin/env bash
# The README's two commands, for a Debian 12 machine (as root, or with sudo):
#   ./dev.sh run    install what is missing, build, and run `elfpack rig -o rig.zip`
#   ./dev.sh test   install what is missing, build, and run the whole test suite (what CI runs)
# Both are idempotent and quiet when there is nothing to do.
set -euo pipefail
cd "$(dirname "$0")"

# Build and test dependencies, all from Debian's archive.
packages=(g++ cmake ninja-build pkg-config
          liblief-dev libcli11-dev libarchive-dev libspdlog-dev libxxhash-dev libgtest-dev
          rig unzip zip util-linux
          musl-tools gcc-multilib strace libnss-extrausers rpm pacman-package-manager zstd xz-utils
          busybox-static file python3 libcap2-bin)  # tests

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "dev.sh: installing ${missing[*]}" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  [ -f build/build.ninja ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  local out
  if ! out=$(cmake --build build -- --quiet 2>&1); then
    printf '%s\n' "$out" >&2
    return 1
  fi
  grep -v '^ninja: no work to do\.$' <<<"$out" || true
}

case "${1:-}" in
  run)
    install_missing
    build
    ./build/elfpack rig -o rig.zip
    ;;
  test)
    install_missing
    build
    # The end-to-end tests enter empty roots with unshare and chroot: they need root.
    ctest --test-dir build --output-on-failure -j "$(nproc)" ${CI:+--timeout 900}
    ;;
  *)
    echo "usage: ./dev.sh run | ./dev.sh test" >&2
    exit 2
    ;;
esac
