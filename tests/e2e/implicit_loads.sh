#!/usr/bin/env bash
# Libraries glibc itself loads with dlopen, found without running the program: libgcc_s for a
# program that cancels threads, and the NSS modules /etc/nsswitch.conf names for one that looks
# users up. Both run in an empty root.
source "$(dirname "$0")/common.inc"
multiarch=$(cc -print-multiarch)

# pthread_cancel: a C program has no libgcc_s in its closure; glibc dlopens it to unwind.
cc -o "$t/cancel" "$fixtures/cancel.c" -pthread
cd "$t"
"$ELFPACK" -q ./cancel -o cancel.zip
root=$(empty_root cancel-root)
unzip -q cancel.zip -d "$root/opt"
[ -e "$(echo "$root"/opt/lib/elfpack/*/lib/libgcc_s.so.1)" ] || fail "libgcc_s.so.1 not bundled"
expect_output "cancelled" in_root "$root" /opt/bin/cancel

# NSS: a root whose nsswitch.conf names extrausers (a module that reads plain files); the
# program's user exists only in that module's file. The bundle made from that root carries the
# module, and the program finds the user in an empty root.
module=/usr/lib/libnss_extrausers.so.2
[ -e "$module" ] || fail "libnss-extrausers is not installed (apt-get install libnss-extrausers)"
r=$t/sysroot
mkdir -p "$r/usr/lib/$multiarch" "$r/lib64" "$r/etc" "$r/usr/bin"
ln -s usr/lib "$r/lib"
for l in libc.so.6 ld-linux-x86-64.so.2; do cp -L "/lib/$multiarch/$l" "$r/usr/lib/$multiarch/"; done
ln -s "/lib/$multiarch/ld-linux-x86-64.so.2" "$r/lib64/ld-linux-x86-64.so.2"
cp "$module" "$r/usr/lib/"
printf 'passwd: files extrausers\ngroup: files\n' > "$r/etc/nsswitch.conf"
cc -o "$r/usr/bin/nss_user" "$fixtures/nss_user.c"
ldconfig -r "$r"
"$ELFPACK" -q --sysroot "$r" nss_user -o nss.zip
root=$(empty_root nss-root)
unzip -q nss.zip -d "$root/opt"
[ -e "$(echo "$root"/opt/lib/elfpack/*/lib/libnss_extrausers.so.2)" ] || fail "the NSS module is not bundled"
mkdir -p "$root/etc" "$root/var/lib/extrausers"
printf 'passwd: files extrausers\n' > "$root/etc/nsswitch.conf"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'bundled:x:4242:4242::/:/bin/false\n' > "$root/var/lib/extrausers/passwd"
expect_output "bundled uid 4242" in_root "$root" /opt/bin/nss_user bundled
expect_output "root uid 0" in_root "$root" /opt/bin/nss_user root
