#!/usr/bin/env bash
# An application laid out as one directory (bin/, lib/ found by RUNPATH $ORIGIN/../lib, data
# beside its library), as browsers and office suites are: its library names itself with dladdr
# and finds its data beside itself, served from the bundle at the path it had; and the program
# runs itself again through execvp("/proc/self/exe"), which runs it through its launcher.
source "$(dirname "$0")/common.inc"
cd "$t"

a=$t/app
mkdir -p "$a/bin" "$a/lib"
cc -shared -fPIC -DBESIDE_LIBRARY -o "$a/lib/libbeside.so" "$fixtures/beside.c"
cc -o "$a/bin/beside" "$fixtures/beside.c" -L"$a/lib" -lbeside -Wl,-rpath,'$ORIGIN/../lib' -Wl,--enable-new-dtags
echo "found beside the library" > "$a/lib/beside.txt"
[ "$("$a/bin/beside")" = "beside: found beside the library
re-exec: 5" ] || fail "the fixture does not run here: $("$a/bin/beside" 2>&1)"

"$ELFPACK" -q "$a/bin/beside" --add "$a/lib/beside.txt" -o app.zip
listing=$(zipinfo app.zip)
grep -q "^-.* lib/elfpack/[0-9a-f]*/root$a/lib/libbeside.so$" <<<"$listing" || fail "the library is not at its path: $listing"
root=$(empty_root app-root)
unzip -q app.zip -d "$root/opt"
expect_output "beside: found beside the library
re-exec: 5" in_root "$root" /opt/bin/beside
