#!/usr/bin/env bash
# A trace in a merged-/usr root (/lib -> usr/lib): the loader finds a library by ld.so.cache's
# /lib/<multiarch> name, and the library finds its plugin and data beside itself through dladdr,
# the data through "<its directory>/../../share" (as GStreamer finds its plugins and scanner).
# Each file the trace saw comes once, by its name with the directory's links resolved, which is
# the name the bundled library's dladdr gives; the names the traced run used are served too.
# Run in an empty root as Lambda runs it.
source "$(dirname "$0")/common.inc"
command -v strace >/dev/null || fail "strace is not installed (apt-get install strace)"
cd "$t"
r=$t/sysroot
glibc_root "$r"
ma=$(cc -print-multiarch)
mkdir -p "$r/usr/lib/$ma/beside" "$r/usr/share/beside"
cat > beside.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
/* The plugin's message from <dir>/beside/plugin.so and the first line of
 * <dir>/../../share/beside/data.txt; <dir> is this library's directory (dladdr), or `dir`. */
void beside(const char *dir) {
  Dl_info info;
  char base[4096], path[4096], line[128] = "";
  if (dir == NULL) {
    if (dladdr((void *)beside, &info) == 0) return;
    const char *slash = strrchr(info.dli_fname, '/');
    snprintf(base, sizeof base, "%.*s", (int)(slash - info.dli_fname), info.dli_fname);
  } else {
    snprintf(base, sizeof base, "%s", dir);
  }
  snprintf(path, sizeof path, "%s/beside/plugin.so", base);
  void *plugin = dlopen(path, RTLD_NOW);
  const char *(*message)(void) = plugin != NULL ? (const char *(*)(void))dlsym(plugin, "message") : NULL;
  printf("plugin: %s\n", message != NULL ? message() : dlerror());
  snprintf(path, sizeof path, "%s/../../share/beside/data.txt", base);
  FILE *f = fopen(path, "r");
  if (f == NULL || fgets(line, sizeof line, f) == NULL) printf("nothing at %s\n", path);
  else printf("data: %s", line);
  if (f != NULL) fclose(f);
}
C
cat > main.c <<'C'
void beside(const char *dir);
int main(int argc, char **argv) { beside(argc > 1 ? argv[1] : 0); return 0; }
C
echo 'const char *message(void) { return "found beside"; }' > plugin.c
cc -shared -fPIC -o "$r/usr/lib/$ma/libbeside.so.1" -Wl,-soname,libbeside.so.1 beside.c -ldl
cc -shared -fPIC -o "$r/usr/lib/$ma/beside/plugin.so" plugin.c
ln -s libbeside.so.1 "$r/usr/lib/$ma/libbeside.so"
cc -o "$r/usr/bin/reader" main.c -L"$r/usr/lib/$ma" -lbeside
echo "the data" > "$r/usr/share/beside/data.txt"
ldconfig -r "$r"
expected="plugin: found beside
data: the data"
# The traced run, in the root: the loader takes libbeside.so.1 from /lib/<multiarch>.
strace -f -qq -e trace=file -o trace.log chroot "$r" /usr/bin/reader > native.out
[ "$(cat native.out)" = "$expected" ] || fail "the traced run printed: $(cat native.out)"
grep -q "\"/lib/$ma/\.\./\.\./share/beside/data.txt\"" trace.log || fail "the trace has no path through ..: $(cat trace.log)"

"$ELFPACK" -q --sysroot "$r" /usr/bin/reader --trace-log trace.log -o reader.zip
root=$(empty_root run)
unzip -q reader.zip -d "$root/opt"
priv=$(echo "$root"/opt/lib/elfpack/*)
# One copy of each, at the name with the links resolved; the names used lead there.
[ -f "$priv/root/usr/share/beside/data.txt" ] || fail "the data is not at /usr/share/beside"
[ -L "$priv/root/usr/lib/$ma/beside/plugin.so" ] || fail "the plugin is not served at /usr/lib/$ma/beside"
[ "$(find "$priv" -name data.txt -type f | wc -l)" -eq 1 ] || fail "the data is bundled twice: $(find "$priv" -name data.txt)"
cat "$priv/libraries.list"; expect_output "$expected" in_lambda_root "$root" /opt/bin/reader
expect_output "$expected" in_lambda_root "$root" /opt/bin/reader "/lib/$ma"
