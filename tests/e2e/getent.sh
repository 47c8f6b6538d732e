#!/usr/bin/env bash
# getent from the bundle answers from the root's files, through NSS, and loads no module of the
# host: the root names "files systemd" and holds decoy NSS modules at the standard paths, which
# would print DECOY and exit 99 if loaded.
source "$(dirname "$0")/common.inc"
multiarch=$(cc -print-multiarch)
getent_path=$(command -v getent) || fail "getent is not installed (libc-bin)"
cd "$t"
"$ELFPACK" -q "$getent_path" -o getent.zip
root=$(empty_root root)
unzip -q getent.zip -d "$root/opt"
mkdir -p "$root/etc" "$root/lib/$multiarch" "$root/usr/lib"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf '127.0.0.1\tlocalhost\n' > "$root/etc/hosts"
printf 'passwd: files systemd\ngroup: files systemd\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
for dir in "/lib/$multiarch" /usr/lib; do
  for module in systemd dns files; do
    cc -shared -fPIC -o "$root$dir/libnss_$module.so.2" -DFIX_NAME="nss_$module" "$fixtures/decoy.c"
  done
done
expect_output "root:x:0:0:root:/root:/bin/sh" in_root "$root" /opt/bin/getent passwd root
out=$(in_root "$root" /opt/bin/getent hosts localhost)
grep -Eq '^(127\.0\.0\.1|::1) +localhost' <<<"$out" || fail "getent hosts localhost: $out"
