#!/usr/bin/env bash
# Plugin packages by default: a library's plugin directory gets the plugins of the installed
# packages of its project that install into it (as gstreamer1.0-plugins-good does into
# libgstreamer1.0-0's), not only its own package's; another project's plugin stays out. Read from
# a --sysroot with a dpkg database; the program lists the directory from the bundle in an empty root.
source "$(dirname "$0")/common.inc"
cd "$t"
multiarch=$(cc -print-multiarch)
r=$t/sysroot
glibc_root "$r"
mkdir -p "$r/usr/lib/host-1.0" "$r/var/lib/dpkg/info"
cat > host.c <<'C'
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }
/* The plugins in the library's directory, by name. */
void list_plugins(void) {
  struct dirent **entries;
  const int n = scandir("/usr/lib/host-1.0", &entries, NULL, by_name);
  for (int i = 0; i < n; i++) {
    if (entries[i]->d_name[0] != '.') printf("%s\n", entries[i]->d_name);
    free(entries[i]);
  }
  if (n >= 0) free(entries);
}
C
cc -shared -fPIC -o "$r/usr/lib/$multiarch/libhost.so.1" -Wl,-soname,libhost.so.1 host.c
printf 'void list_plugins(void);\nint main(void) { list_plugins(); return 0; }\n' > main.c
cc -o "$r/usr/bin/hostprog" main.c "$r/usr/lib/$multiarch/libhost.so.1"
for p in core good foreign; do printf 'int %s_plugin;\n' "$p" | cc -shared -fPIC -x c -o "$r/usr/lib/host-1.0/lib$p.so" -; done
ldconfig -r "$r"
printf '%s\n' /. /usr/bin/hostprog "/usr/lib/$multiarch/libhost.so.1" /usr/lib/host-1.0 /usr/lib/host-1.0/libcore.so \
  > "$r/var/lib/dpkg/info/libhost1.list"
printf '%s\n' /. /usr/lib/host-1.0 /usr/lib/host-1.0/libgood.so > "$r/var/lib/dpkg/info/host-plugins-good.list"
printf '%s\n' /. /usr/lib/host-1.0/libforeign.so > "$r/var/lib/dpkg/info/other-loader.list"
cat > "$r/var/lib/dpkg/status" <<'S'
Package: libhost1
Status: install ok installed
Source: host

Package: host-plugins-good
Status: install ok installed
Depends: libhost1 (>= 1.0)

Package: other-loader
Status: install ok installed
Source: other
Depends: libhost1
S

"$ELFPACK" -q --sysroot "$r" hostprog -o host.zip
root=$(empty_root run)
unzip -q host.zip -d "$root/opt"
expect_output "libcore.so
libgood.so" in_lambda_root "$root" /opt/bin/hostprog
inspected=$("$ELFPACK" inspect --sysroot "$r" hostprog)
grep -q "^  host-plugins-good: .*(plugins: it installs libgood.so into /usr/lib/host-1.0, libhost1's plugin directory, and depends on libhost1)$" <<<"$inspected" ||
  fail "inspect: $inspected"
