#!/usr/bin/env bash
# --sysroot: programs, linker, cache, ld.so.conf and libraries all come from another root, with
# absolute RPATHs and absolute symlinks re-rooted; nothing outside the root is used, even where
# this machine has the library. The bundle made from the root runs in an empty root.
source "$(dirname "$0")/common.inc"
multiarch=$(cc -print-multiarch)

# A small Debian-like root: lib -> usr/lib, an absolute link for the linker, the C library.
r=$t/sysroot
mkdir -p "$r/usr/lib/$multiarch" "$r/usr/bin" "$r/lib64" "$r/etc/ld.so.conf.d" "$r/opt/app/bin" "$r/opt/app/lib" "$r/opt/conf"
ln -s usr/lib "$r/lib"
for l in libc.so.6 ld-linux-x86-64.so.2; do cp -L "/lib/$multiarch/$l" "$r/usr/lib/$multiarch/"; done
ln -s "/lib/$multiarch/ld-linux-x86-64.so.2" "$r/lib64/ld-linux-x86-64.so.2"
# app: an absolute RPATH /opt/app/lib (that directory exists only inside the root).
cc -shared -fPIC -o "$r/opt/app/lib/libapp.so" -DFIX_NAME=app -DFIX_MESSAGE='"app from the root"' "$fixtures/fixlib.c"
cc -o "$r/opt/app/bin/app" -DFIX_CALLS=app -DFIX_PRINT_MESSAGE "$fixtures/fixprog.c" -L"$r/opt/app/lib" -lapp \
  -Wl,-rpath,/opt/app/lib -Wl,--disable-new-dtags
# confprog: its library is found through the root's ld.so.conf.d (and so its cache).
cc -shared -fPIC -o "$r/opt/conf/libconf.so" -DFIX_NAME=conf "$fixtures/fixlib.c"
cc -o "$r/usr/bin/confprog" -DFIX_CALLS=conf "$fixtures/fixprog.c" -L"$r/opt/conf" -lconf
printf 'include /etc/ld.so.conf.d/*.conf\n' > "$r/etc/ld.so.conf"
printf '# the app\n/opt/conf\n' > "$r/etc/ld.so.conf.d/app.conf"
# leaky: needs libz.so.1, which this machine has and the root does not.
cc -o "$r/usr/bin/leaky" "$fixtures/fixprog.c" -Wl,--no-as-needed -l:libz.so.1
ldconfig -r "$r"

json=$("$ELFPACK" inspect --sysroot "$r" --json /opt/app/bin/app confprog)
files=$(grep '"file":' <<<"$json" | sed 's/.*"file": "\(.*\)".*/\1/')
[ "$(wc -l <<<"$files")" -ge 6 ] || fail "too few objects: $json"
while read -r f; do
  case "$f" in "$r"/*) ;; *) fail "a file outside the root: $f" ;; esac
done <<<"$files"
flat=$("$ELFPACK" inspect --sysroot "$r" --flat /opt/app/bin/app confprog)
grep -qF "  libapp.so => /opt/app/lib/libapp.so (RPATH of /opt/app/bin/app)" <<<"$flat" || fail "rpath: $flat"
grep -qF "  libconf.so => /opt/conf/libconf.so (cache)" <<<"$flat" || fail "cache: $flat"
grep -qF "  ld-linux-x86-64.so.2 => /lib64/ld-linux-x86-64.so.2 (interpreter)" <<<"$flat" || fail "interp: $flat"

# Without the cache, ld.so.conf (and its include glob) stands in for it.
mv "$r/etc/ld.so.cache" "$t/cache"
flat=$("$ELFPACK" inspect --sysroot "$r" --flat confprog)
grep -qF "  libconf.so => /opt/conf/libconf.so (ld.so.conf)" <<<"$flat" || fail "conf: $flat"
mv "$t/cache" "$r/etc/ld.so.cache"

# The host's libz does not leak in.
status=0
out=$("$ELFPACK" inspect --sysroot "$r" --flat leaky) || status=$?
[ "$status" -eq 1 ] || fail "leaky: exit $status: $out"
grep -q "libz.so.1 => not found" <<<"$out" || fail "leaky: $out"

# A bundle made from the root runs in an empty root.
cd "$t"
"$ELFPACK" -q --sysroot "$r" /opt/app/bin/app confprog -o app.zip
root=$(empty_root run)
unzip -q app.zip -d "$root/opt"
expect_output "chain 1
app from the root" in_root "$root" /opt/bin/app
expect_output "chain 1" in_root "$root" /opt/bin/confprog

# A program path or name must be inside the root.
expect_failure "not found on the root's PATH, in $r" "$ELFPACK" inspect --sysroot "$r" rig >/dev/null
