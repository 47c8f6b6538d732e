#!/usr/bin/env bash
# Package detection with pacman: a root whose local pacman database (in pacman's own format:
# local/<name>-<version>/desc and files) says which package installed a program; the package's
# data (not its documentation) comes into the bundle and is read in an empty root. The root has a
# dpkg database too, owning other files: pacman is asked about what dpkg does not own.
source "$(dirname "$0")/common.inc"
command -v pacman >/dev/null || fail "pacman is not installed (apt-get install pacman-package-manager)"
r=$t/root
glibc_root "$r"
mkdir -p "$r/usr/share/elfpack-demo" "$r/usr/share/doc/elfpack-demo"
data_reader "$r/usr/bin/elfpack-demo" /usr/share/elfpack-demo/data.txt
rm "$r/usr/bin/elfpack-demo.c"
echo "from the pacman package" > "$r/usr/share/elfpack-demo/data.txt"
echo "documentation" > "$r/usr/share/doc/elfpack-demo/README"
db=$r/var/lib/pacman/local
mkdir -p "$db/elfpack-demo-1.0-1"
echo 9 > "$db/ALPM_DB_VERSION"
printf '%%NAME%%\nelfpack-demo\n\n%%VERSION%%\n1.0-1\n\n' > "$db/elfpack-demo-1.0-1/desc"
printf '%%FILES%%\nusr/\nusr/bin/\nusr/bin/elfpack-demo\nusr/share/\nusr/share/doc/\nusr/share/doc/elfpack-demo/\n%s\n%s\n%s\n\n' \
  usr/share/doc/elfpack-demo/README usr/share/elfpack-demo/ usr/share/elfpack-demo/data.txt > "$db/elfpack-demo-1.0-1/files"
[ "$(pacman --root "$r" --dbpath "$r/var/lib/pacman" -Qoq "$r/usr/bin/elfpack-demo")" = elfpack-demo ] \
  || fail "pacman does not read the test database"
mkdir -p "$r/var/lib/dpkg/info"
printf '/.\n/usr\n/usr/lib\n/usr/lib/libc.so.6\n' > "$r/var/lib/dpkg/info/libc6:amd64.list"

check_package_bundle "$r" pacman
