#!/usr/bin/env bash
# A library that finds its data beside its own file through dladdr (as GStreamer finds its plugin
# directory) gets the path it had here, and so the bundle's copy of that data, served at its
# path: not the bundle's lib/, where nothing is beside it. Run in an empty root as Lambda runs it.
source "$(dirname "$0")/common.inc"
cd "$t"
mkdir -p lib/beside
cat > beside.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
/* The first line of <this library's directory>/beside/data.txt. */
void beside(void) {
  Dl_info info;
  char path[4096], line[128] = "";
  if (dladdr((void *)beside, &info) == 0) return;
  const char *slash = strrchr(info.dli_fname, '/');
  snprintf(path, sizeof path, "%.*s/beside/data.txt", (int)(slash - info.dli_fname), info.dli_fname);
  FILE *f = fopen(path, "r");
  if (f == NULL || fgets(line, sizeof line, f) == NULL) printf("nothing at %s\n", path); else fputs(line, stdout);
  if (f != NULL) fclose(f);
}
C
cat > main.c <<'C'
void beside(void);
int main(void) { beside(); return 0; }
C
cc -shared -fPIC -o lib/libbeside.so beside.c
cc -o reader main.c -Llib -lbeside -Wl,-rpath,"$t/lib"
echo "data beside the library" > lib/beside/data.txt
expect_output "data beside the library" ./reader
"$ELFPACK" -q ./reader --add "$t/lib/beside" -o reader.zip
root=$(empty_root run)
unzip -q reader.zip -d "$root/opt"
grep -qx "libbeside.so	$t/lib/libbeside.so" "$root"/opt/lib/elfpack/*/libraries.list ||
  fail "libraries.list: $(cat "$root"/opt/lib/elfpack/*/libraries.list)"
expect_output "data beside the library" in_lambda_root "$root" /opt/bin/reader
