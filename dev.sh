#!/usr/bin/env bash
# The README's two commands, for a Debian 12 machine (as root, or with sudo):
#   ./dev.sh run    install what building elfpack needs, build it, run `elfpack rig -o rig.zip`
#   ./dev.sh test   install what the test suite needs too, build it, run it (what CI runs)
# Both are idempotent, and say what they do in phases with their times. CI (.ci/run) also runs:
#   ./dev.sh sanitize        the whole suite again, built with ASan+UBSan (build-asan/)
#   ./dev.sh fuzz [SECONDS]  each libFuzzer target for SECONDS (default 60), built with clang (build-fuzz/)
# and, not in CI:
#   ./dev.sh corpus [--fast] real Debian programs bundled and compared with their native runs
#                            (tests/corpus/; it installs some 60 programs, and what bench/ needs;
#                            the table goes to docs/corpus.md)
#   ./dev.sh fresh [run|test] the README's first commands (or only one) in a new Debian 12 root
#                            made with debootstrap, timed with a cold and a warm package cache
#                            (tests/fresh/fresh_root.sh; the figures go to docs/fresh.md)
set -euo pipefail
cd "$(dirname "$0")"

# What building and running elfpack needs, all from Debian's archive: the compiler and build
# tools, the libraries, musl-gcc (the path shim of musl programs, 1 MB), and rig (what `run`
# bundles).
run_packages=(g++ cmake ninja-build pkg-config
              libcli11-dev libarchive-dev libspdlog-dev libxxhash-dev zlib1g-dev libdeflate-dev libzstd-dev
              musl-tools rig)
# What the tests need besides. The aarch64 (Graviton) launchers come from the cross compiler
# (gcc-aarch64-linux-gnu, 33 MB to download): `run` builds without them when it is missing, and
# says so; `test` requires them (-DELFPACK_REQUIRE_AARCH64=ON), so CI cannot lose them unnoticed.
test_packages=(liblief-dev libgtest-dev  # LIEF is the unit tests' oracle for the ELF reader
               unzip zip util-linux
               gcc-12-multilib strace libnss-extrausers rpm pacman-package-manager zstd xz-utils
               busybox-static file python3 perl libcap2-bin  # perl, python3: scripts_* tests
               libnss3  # sibling_libraries.sh: a library that opens its package's others
               locales tzdata ca-certificates curl openssl fontconfig fonts-dejavu-core  # environment tests
               fonts-urw-base35  # fonts.sh: a second installed alternative of fontconfig-config's fonts
               libfontconfig-dev libfreetype-dev  # the text-drawing fixture
               gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static  # aarch64 launchers, their tests
               libzstd-dev:arm64  # the aarch64 expander's zstd decoder (libzstd.a; arm64 added as a foreign architecture)
               # (gcc-12-multilib, not gcc-multilib: Debian 12's cross compilers conflict with that one,
               # which adds only /usr/include/asm, needed by no 32-bit fixture)
               man-db groff-base bsdextrautils zsh  # tests of the manual page and completions
               debhelper lintian ruby python3-yaml  # the Debian package, Homebrew formula and action tests
               clang libclang-rt-dev)  # fuzzing
# Node.js and npm for scripts_npm.sh (a command installed from the npm registry): Debian's, unless
# the machine has an npm already (NodeSource's nodejs carries npm and conflicts with Debian's).
node_packages=()
command -v npm >/dev/null 2>&1 || node_packages=(nodejs npm)
# What bench/ compares a compressed bundle's payload with besides zstd (bench/compressed_start.sh,
# bench/browser_start.sh: `brotli -q 11` of the same tree); `corpus` installs it, with the browser
# and office suite whose layers the benches and the corpus run.
bench_packages=(brotli)
# `fresh` makes its Debian root with debootstrap.
fresh_packages=(debootstrap)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# phase TEXT: says that TEXT starts; done_phase ends the line with the time it took.
phase() { phase_start=$(date +%s%N); printf 'dev.sh: %s ...' "$1" >&2; }
done_phase() {
  local ms=$((($(date +%s%N) - phase_start) / 1000000))
  printf ' %d.%d s\n' $((ms / 1000)) $((ms % 1000 / 100)) >&2
}

# install_missing PACKAGES...: installs those not installed yet.
install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  # An arm64 package (multiarch) needs arm64 among dpkg's architectures before apt's update.
  if [[ " ${missing[*]}" == *:arm64* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    as_root dpkg --add-architecture arm64
  fi
  phase "installing ${#missing[@]} packages (${missing[*]})"
  local out  # apt's chatter (debconf's notes) only when it fails
  if ! out=$({ as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
               as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"; } 2>&1); then
    echo >&2
    printf '%s\n' "$out" >&2
    return 1
  fi
  done_phase
}

# build DIR TARGET [CMAKE_ARGS...]: configures DIR with the arguments (again each time: a compiler
# installed since is found, and an option changed since takes effect), then builds TARGET.
build() {
  local dir=$1 target=$2
  shift 2
  phase "building $target in $dir/"
  local out
  if ! out=$({ cmake -S . -B "$dir" -G Ninja "$@" >/dev/null && cmake --build "$dir" --target "$target" -- --quiet; } 2>&1); then
    echo >&2
    printf '%s\n' "$out" >&2
    return 1
  fi
  done_phase
  [ -z "$out" ] || grep -v '^ninja: no work to do\.$' <<<"$out" >&2 || true
}

case "${1:-}" in
  run)
    install_missing "${run_packages[@]}"
    # Without the tests the first time (LIEF and GoogleTest are theirs); a build directory that
    # `test` configured keeps them, and only elfpack is built.
    tests=()
    [ -f build/CMakeCache.txt ] || tests=(-DELFPACK_TESTS=OFF)
    build build elfpack -DCMAKE_BUILD_TYPE=RelWithDebInfo -DELFPACK_REQUIRE_AARCH64=OFF "${tests[@]}"
    if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
      echo "dev.sh: no aarch64 (Graviton) launchers in this build: apt-get install gcc-aarch64-linux-gnu, then ./dev.sh run again (./dev.sh test installs it)" >&2
    fi
    phase "bundling rig"
    ./build/elfpack -q rig -o rig.zip
    done_phase
    echo "rig.zip: $(stat -c %s rig.zip) bytes, a Lambda layer (unzip it at /opt, run /opt/bin/rig)"
    ;;
  test)
    # The corpus's quick subset (ctest corpus.fast) runs real programs: they are the test's too.
    mapfile -t corpus_packages < <(tests/corpus/run.sh --fast --packages)
    install_missing "${run_packages[@]}" "${test_packages[@]}" "${node_packages[@]}" "${corpus_packages[@]}" locales
    build build all -DCMAKE_BUILD_TYPE=RelWithDebInfo -DELFPACK_REQUIRE_AARCH64=ON -DELFPACK_TESTS=ON
    # The end-to-end tests enter empty roots with unshare and chroot: they need root. Each test has
    # its own time-out (tests/CMakeLists.txt).
    ctest --test-dir build --output-on-failure -j "$(nproc)"
    ;;
  sanitize)
    install_missing "${run_packages[@]}" "${test_packages[@]}" "${node_packages[@]}"
    build build-asan all -DCMAKE_BUILD_TYPE=Debug -DELFPACK_SANITIZE=ON -DELFPACK_REQUIRE_AARCH64=ON
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -LE package
    ;;
  fuzz)
    install_missing "${run_packages[@]}" "${test_packages[@]}"
    # The launchers embedded in the library are built by the C compiler, which stays gcc.
    build build-fuzz elfpack_fuzzers -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
      -DCMAKE_CXX_COMPILER=clang++ -DELFPACK_FUZZ=ON -DELFPACK_TESTS=OFF
    fuzz/run.sh build-fuzz "${2:-60}"
    ;;
  corpus)
    mapfile -t corpus_packages < <(tests/corpus/run.sh --packages)
    install_missing "${run_packages[@]}" "${test_packages[@]}" "${node_packages[@]}" "${corpus_packages[@]}" "${bench_packages[@]}" locales
    build build all -DCMAKE_BUILD_TYPE=RelWithDebInfo -DELFPACK_REQUIRE_AARCH64=ON -DELFPACK_TESTS=ON
    shift
    if [ "${1:-}" = --fast ]; then
      ELFPACK=build/elfpack as_root tests/corpus/run.sh --fast --out build/corpus
    else
      ELFPACK=build/elfpack as_root tests/corpus/run.sh --out build/corpus --doc docs/corpus.md "$@"
    fi
    ;;
  fresh)
    install_missing "${fresh_packages[@]}"
    tests/fresh/fresh_root.sh "${2:-all}"
    ;;
  *)
    echo "usage: ./dev.sh run | test | sanitize | fuzz [SECONDS] | corpus [--fast] | fresh [run|test]" >&2
    exit 2
    ;;
esac
