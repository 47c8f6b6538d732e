#!/usr/bin/env bash
# Files a package's maintainer scripts or triggers made, which dpkg's lists do not name, come with
# the package (a trigger's cache beside its plugins, a postinst's configuration and the conf.d
# link to it, the index a dependency's trigger keeps), read from a --sysroot with a dpkg
# database, and are served from the bundle in an empty root as Lambda runs it. A file only its
# owner may read does not come, nor does anything in a directory a package not brought shares.
source "$(dirname "$0")/common.inc"
cd "$t"

r=$t/sysroot
glibc_root "$r"
# reader: the first line of each file it is given, or "no FILE".
cat > reader.c <<'C'
#include <stdio.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    char line[128] = "";
    FILE *f = fopen(argv[i], "r");
    if (f == NULL || fgets(line, sizeof line, f) == NULL) printf("no %s\n", argv[i]); else fputs(line, stdout);
    if (f != NULL) fclose(f);
  }
  return 0;
}
C
cc -o "$r/usr/bin/reader" reader.c
cp "$r/usr/bin/reader" "$r/usr/bin/update-index"  # mimedb ships a program: not brought itself
mkdir -p "$r/usr/lib/reader" "$r/etc/reader/available" "$r/etc/reader/conf.d" "$r/usr/share/mimedb" \
  "$r/usr/share/shared" "$r/var/lib/dpkg/info"
echo "plugins: listed" > "$r/usr/lib/reader/plugins"
echo "cache: made by a trigger" > "$r/usr/lib/reader/plugins.cache"
echo "key: a secret" > "$r/usr/lib/reader/host.key"
chmod 600 "$r/usr/lib/reader/host.key"
echo "x: made by postinst" > "$r/etc/reader/available/x.conf"
ln -s /etc/reader/available/x.conf "$r/etc/reader/conf.d/10-x.conf"
echo "index: made by mimedb's trigger" > "$r/usr/share/mimedb/index.cache"
echo "other: another package's" > "$r/usr/share/shared/other.dat"
echo "shared: made" > "$r/usr/share/shared/shared.cache"
printf '%s\n' /. /usr /usr/bin /usr/bin/reader /usr/lib /usr/lib/reader /usr/lib/reader/plugins /etc /etc/reader \
  /etc/reader/available /etc/reader/conf.d /usr/share /usr/share/shared > "$r/var/lib/dpkg/info/reader.list"
printf '%s\n' /. /usr/bin/update-index /usr/share/mimedb > "$r/var/lib/dpkg/info/mimedb.list"
printf '%s\n' /. /usr/share/shared /usr/share/shared/other.dat > "$r/var/lib/dpkg/info/other.list"
cat > "$r/var/lib/dpkg/status" <<'S'
Package: reader
Status: install ok installed
Architecture: amd64
Depends: mimedb

Package: mimedb
Status: install ok installed
Architecture: amd64

Package: other
Status: install ok installed
Architecture: amd64
S

"$ELFPACK" -q --sysroot "$r" reader -o reader.zip --json > reader.json
root=$(empty_root run)
unzip -q reader.zip -d "$root/opt"
expect_output "cache: made by a trigger
x: made by postinst
index: made by mimedb's trigger
no /usr/lib/reader/host.key
no /usr/share/shared/shared.cache" in_lambda_root "$root" /opt/bin/reader /usr/lib/reader/plugins.cache \
  /etc/reader/conf.d/10-x.conf /usr/share/mimedb/index.cache /usr/lib/reader/host.key /usr/share/shared/shared.cache
# The reason is in the manifest and in inspect; the conf.d link stays a link inside the bundle.
grep -q "\"why\": \"generated in package reader's directory\"" reader.json || fail "no reason in the manifest: $(cat reader.json)"
grep -q "\"why\": \"generated in package mimedb's directory\"" reader.json || fail "no dependency's index in the manifest"
[ "$(readlink "$root"/opt/lib/elfpack/*/root/etc/reader/conf.d/10-x.conf)" = ../available/x.conf ] ||
  fail "the conf.d link is not a link to the bundle's copy"
inspected=$("$ELFPACK" inspect --sysroot "$r" reader)
grep -qx "  /usr/lib/reader/plugins.cache (generated in package reader's directory)" <<<"$inspected" ||
  fail "inspect: $inspected"
! grep -q "mimedb/index.cache" < <("$ELFPACK" inspect --sysroot "$r" reader --exclude-package mimedb) ||
  fail "--exclude-package mimedb left its index in"
