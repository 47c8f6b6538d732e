#!/usr/bin/env bash
# A program's identity in the bundle: /proc/self/exe answers with the path it had (here
# /usr/bin/identity), so files it finds next to itself (../share/fixture) are the bundle's, and
# running /proc/self/exe again runs it again through its launcher; argv[0] is what was typed.
source "$(dirname "$0")/common.inc"
r=$t/sysroot
glibc_root "$r"
cc -o "$r/usr/bin/identity" "$fixtures/identity.c"
mkdir -p "$t/data"
echo "found next to myself" > "$t/data/data.txt"
cd "$t"
"$ELFPACK" -q --sysroot "$r" /usr/bin/identity --add "$t/data=/usr/share/fixture" -o id.zip
root=$(empty_root root)
unzip -q id.zip -d "$root/opt"
expect_output "self: /usr/bin/identity
data: found next to myself
child of /opt/bin/identity
re-exec: 5" in_root "$root" /opt/bin/identity
# Through a symlink with another name: argv[0] is that name, for the program and its child.
ln -s identity "$root/opt/bin/other-name"
out=$(in_root "$root" /opt/bin/other-name)
grep -q "^child of /opt/bin/other-name$" <<<"$out" || fail "argv[0]: $out"
