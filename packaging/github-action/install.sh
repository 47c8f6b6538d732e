#!/usr/bin/env bash
# The action's first step: an elfpack on PATH (installed with apt, say) is used as it is;
# otherwise the action's own source (this repository, two levels up) is built with Debian's
# or Ubuntu's packaged dependencies and installed under $RUNNER_TEMP, which goes on PATH for the
# next steps ($GITHUB_PATH).
set -euo pipefail
if command -v elfpack > /dev/null; then
  echo "elfpack: using $(command -v elfpack) ($(elfpack --version))"
  exit 0
fi
source_dir=$(cd "$GITHUB_ACTION_PATH/../.." && pwd)
prefix=${RUNNER_TEMP:?}/elfpack
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
packages=(g++ cmake ninja-build pkg-config libcli11-dev libarchive-dev libspdlog-dev libfmt-dev libxxhash-dev zlib1g-dev libdeflate-dev libzstd-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi
cmake -S "$source_dir" -B "$RUNNER_TEMP/elfpack-build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DELFPACK_TESTS=OFF > /dev/null
cmake --build "$RUNNER_TEMP/elfpack-build" -- --quiet
cmake --install "$RUNNER_TEMP/elfpack-build" --prefix "$prefix" > /dev/null
echo "$prefix/bin" >> "$GITHUB_PATH"
echo "elfpack: built $("$prefix/bin/elfpack" --version) into $prefix"
