#!/usr/bin/env bash
# The Debian package: packaging/debian builds with `dpkg-buildpackage -us -uc -b` in the source
# tarball CPack makes, from Debian's packaged dependencies; lintian finds nothing but the tags
# packaging/debian explains; the package installed with `apt-get install ./elfpack_*.deb` works:
# --version, the manual page and completions in Debian's places, and `elfpack rig -o rig.zip`
# from the installed copy makes a layer that runs in an empty root. The package is removed again
# afterwards if it was not installed before.
source "$(dirname "$0")/common.inc"
for tool in dpkg-buildpackage dh lintian; do
  command -v "$tool" > /dev/null || fail "$tool is missing (apt-get install dpkg-dev debhelper lintian)"
done
version=$(sed -n 's/^project(elfpack VERSION \([0-9.]*\).*/\1/p' "$ELFPACK_SOURCE_DIR/CMakeLists.txt")
head -1 "$ELFPACK_SOURCE_DIR/packaging/debian/changelog" | grep -qF "elfpack ($version)" \
  || fail "packaging/debian/changelog is not at version $version"

# The release's source tarball (CPack), with debian/ where dpkg wants it.
cpack --config "$(dirname "$ELFPACK")/CPackSourceConfig.cmake" -B "$t/dist" > "$t/cpack.log" 2>&1 || fail "cpack: $(cat "$t/cpack.log")"
tar -C "$t" -xzf "$t/dist/elfpack-$version.tar.gz"
cp -r "$t/elfpack-$version/packaging/debian" "$t/elfpack-$version/debian"
(cd "$t/elfpack-$version" && dpkg-buildpackage -us -uc -b > "$t/build.log" 2>&1) || fail "dpkg-buildpackage: $(tail -20 "$t/build.log")"
deb=$t/elfpack_${version}_amd64.deb
[ -f "$deb" ] || fail "no $deb: $(ls "$t")"

lintian --fail-on error,warning "$deb" > "$t/lintian.txt" 2>&1 || fail "lintian: $(cat "$t/lintian.txt")"
! grep -qE '^[EW]: ' "$t/lintian.txt" || fail "lintian: $(cat "$t/lintian.txt")"

was_installed=$(dpkg-query -W -f='${Status}' elfpack 2>/dev/null | grep -c 'ok installed' || true)
remove_package() {
  [ "$was_installed" -ne 0 ] || DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq elfpack > /dev/null 2>&1 || true
}
at_exit remove_package
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" > "$t/apt.log" 2>&1 || fail "apt-get install: $(cat "$t/apt.log")"
[ "$(/usr/bin/elfpack --version)" = "elfpack $version" ] || fail "installed --version: $(/usr/bin/elfpack --version)"
[ "$(man -w elfpack)" = /usr/share/man/man1/elfpack.1.gz ] || fail "manual page: $(man -w elfpack 2>&1)"
[ -f /usr/share/bash-completion/completions/elfpack ] && [ -f /usr/share/zsh/vendor-completions/_elfpack ] \
  || fail "completions not installed: $(dpkg -L elfpack)"
cd "$t"
/usr/bin/elfpack -q rig -o rig.zip
root=$(empty_root root)
unzip -q rig.zip -d "$root/opt"
out=$(in_root "$root" /opt/bin/rig -c 1)
grep -qE '^[A-Z][a-z]+ ' <<<"$out" || fail "installed elfpack's rig layer: $out"
