#!/usr/bin/env bash
# The README's two commands, for a Debian 12 machine (as root, or with sudo):
#   ./dev.sh run    install what is missing, build, and run `elfpack rig -o rig.zip`
#   ./dev.sh test   install what is missing, build, and run the whole test suite (what CI runs)
# Both are idempotent and quiet when there is nothing to do. CI (.ci/run) also runs:
#   ./dev.sh sanitize        the whole suite again, built with ASan+UBSan (build-asan/)
#   ./dev.sh fuzz [SECONDS]  each libFuzzer target for SECONDS (default 60), built with clang (build-fuzz/)
set -euo pipefail
cd "$(dirname "$0")"

# Build and test dependencies, all from Debian's archive.
packages=(g++ cmake ninja-build pkg-config
          liblief-dev libcli11-dev libarchive-dev libspdlog-dev libxxhash-dev zlib1g-dev libdeflate-dev libzstd-dev libgtest-dev
          rig unzip zip util-linux
          musl-tools gcc-12-multilib strace libnss-extrausers rpm pacman-package-manager zstd xz-utils
          busybox-static file python3 perl libcap2-bin  # tests (perl, python3: scripts)
          gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static  # aarch64 launchers, their tests
          # (gcc-12-multilib, not gcc-multilib: Debian 12's cross compilers conflict with that one,
          # which adds only /usr/include/asm, needed by no 32-bit fixture)
          man-db groff-base bsdextrautils zsh  # tests of the manual page and completions
          debhelper lintian ruby python3-yaml  # the Debian package, Homebrew formula and action tests
          clang libclang-rt-dev)  # fuzzing

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

# build DIR [TARGET] [CMAKE_ARGS...]: configures DIR once with the arguments, then builds TARGET
# (all when empty).
build() {
  local dir=$1 target=${2:-all}
  shift 2
  [ -f "$dir/build.ninja" ] || cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  local out
  if ! out=$(cmake --build "$dir" --target "$target" -- --quiet 2>&1); then
    printf '%s\n' "$out" >&2
    return 1
  fi
  grep -v '^ninja: no work to do\.$' <<<"$out" || true
}

case "${1:-}" in
  run)
    install_missing
    build build all -DCMAKE_BUILD_TYPE=RelWithDebInfo -DELFPACK_REQUIRE_AARCH64=ON
    ./build/elfpack rig -o rig.zip
    ;;
  test)
    install_missing
    build build all -DCMAKE_BUILD_TYPE=RelWithDebInfo -DELFPACK_REQUIRE_AARCH64=ON
    # The end-to-end tests enter empty roots with unshare and chroot: they need root.
    ctest --test-dir build --output-on-failure -j "$(nproc)" ${CI:+--timeout 900}
    ;;
  sanitize)
    install_missing
    build build-asan all -DCMAKE_BUILD_TYPE=Debug -DELFPACK_SANITIZE=ON -DELFPACK_REQUIRE_AARCH64=ON
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -LE package ${CI:+--timeout 900}
    ;;
  fuzz)
    install_missing
    # The launchers embedded in the library are built by the C compiler, which stays gcc.
    build build-fuzz elfpack_fuzzers -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
      -DCMAKE_CXX_COMPILER=clang++ -DELFPACK_FUZZ=ON -DELFPACK_TESTS=OFF
    fuzz/run.sh build-fuzz "${2:-60}"
    ;;
  *)
    echo "usage: ./dev.sh run | test | sanitize | fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
