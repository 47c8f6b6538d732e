#!/usr/bin/env bash
# The bundle is relocatable: it runs unpacked at any prefix, through symlinks to its launcher, from
# any working directory, and without /proc mounted.
source "$(dirname "$0")/common.inc"

build echo_args echo_args.c
"$ELFPACK" -q "$t/echo_args" -o "$t/b.zip"
root=$(empty_root root)
unzip -q "$t/b.zip" -d "$root/opt"
mkdir -p "$root/srv/deep/prefix" "$root/usr/local/bin" "$root/work"
unzip -q "$t/b.zip" -d "$root/srv/deep/prefix"
ln -s /opt/bin/echo_args "$root/usr/local/bin/absolute-link"
ln -s ../../../opt/bin/echo_args "$root/usr/local/bin/relative-link"
ln -s /usr/local/bin/absolute-link "$root/work/link-to-link"

for cmd in /opt/bin/echo_args /srv/deep/prefix/bin/echo_args /usr/local/bin/absolute-link \
           /usr/local/bin/relative-link /work/link-to-link; do
  out=$(in_root "$root" "$cmd" hello) || fail "$cmd failed"
  grep -qx 'argv\[1\]=hello' <<<"$out" || fail "$cmd: $out"
  out=$(in_root_without_proc "$root" "$cmd" hello) || fail "$cmd failed without /proc"
  grep -qx 'argv\[1\]=hello' <<<"$out" || fail "$cmd without /proc: $out"
done
# A relative command path from a working directory inside the bundle, without /proc: the launcher
# finds itself through AT_EXECFN and the working directory.
out=$(unshare --mount --root="$root" --wd=/srv/deep/prefix ./bin/echo_args rel) || fail "relative run: $out"
grep -qx 'argv\[1\]=rel' <<<"$out" || fail "relative run: $out"
# The bundle's own library directory is not taken from the prefix it was built for.
out=$(in_root "$root" /srv/deep/prefix/bin/echo_args x)
grep -qx 'LD_LIBRARY_PATH=(unset)' <<<"$out" || fail "LD_LIBRARY_PATH leaked: $out"
