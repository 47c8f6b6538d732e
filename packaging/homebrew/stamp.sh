#!/bin/sh
# Writes a release's tarball URL and its sha256 into the formula (in place, or into OUT).
#   packaging/homebrew/stamp.sh TARBALL URL [OUT]
set -eu
[ $# -ge 2 ] || { echo "usage: $0 TARBALL URL [OUT]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
sum=$(sha256sum "$1" | cut -d' ' -f1)
out=${3:-$here/elfpack.rb}
sed -e "s|^  url \".*\"|  url \"$2\"|" -e "s|^  sha256 \".*\"|  sha256 \"$sum\"|" "$here/elfpack.rb" > "$out.new"
mv "$out.new" "$out"
