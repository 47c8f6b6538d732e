#!/usr/bin/env bash
# Tar outputs (.tar, .tar.gz/.tgz, .tar.xz, .tar.zst; or --format, also to standard output with
# -o -): deterministic, uid/gid 0, modes and relative symlinks kept; GNU tar restores a bundle
# that runs in an empty root. --level changes the compression, not the contents.
source "$(dirname "$0")/common.inc"
two_names_program "$t/two"
cd "$t"
for name in b.tar b.tar.gz b.tgz b.tar.xz b.tar.zst; do
  "$ELFPACK" -q two/prog -o "first-$name"
  touch two/*
  "$ELFPACK" -q two/prog -o "second-$name"
  cmp "first-$name" "second-$name" || fail "$name: two builds differ"
  listing=$(tar -tvf "first-$name")
  grep -q '^lrwxrwxrwx 0/0 .* -> libfoo.so.1$' <<<"$listing" || fail "$name: no relative symlink: $listing"
  grep -q '^-rwxr-xr-x 0/0 .* bin/prog$' <<<"$listing" || fail "$name: launcher mode: $listing"
  [ -z "$(grep -v ' 0/0 ' <<<"$listing")" ] || fail "$name: an owner is not 0/0: $listing"
  root=$(empty_root "root-$name")
  mkdir -p "$root/opt"
  tar -xf "first-$name" -C "$root/opt"
  expect_output "chain 2" in_root "$root" /opt/bin/prog
done
# The compressors' own output formats.
[ "$(head -c2 first-b.tar.gz | od -An -tx1 | tr -d ' ')" = "1f8b" ] || fail "not gzip"
[ "$(head -c6 first-b.tar.xz | od -An -tx1 | tr -d ' ')" = "fd377a585a00" ] || fail "not xz"
[ "$(head -c4 first-b.tar.zst | od -An -tx1 | tr -d ' ')" = "28b52ffd" ] || fail "not zstd"
# --format decides over the name; -o - writes to standard output.
"$ELFPACK" -q two/prog -o - --format tar.gz > stdout.tar.gz
cmp stdout.tar.gz first-b.tar.gz || fail "-o - --format tar.gz differs from b.tar.gz"
"$ELFPACK" -q two/prog -o forced.zip --format tar
cmp forced.zip first-b.tar || fail "--format tar did not win over the name"
# An unknown format is a usage error (exit 2), checked before anything is read.
status=0
"$ELFPACK" two/prog -o - --format rar > /dev/null 2> err.txt || status=$?
[ "$status" -eq 2 ] && grep -qF "elfpack: error: --format: rar not in {dir,zip,tar,tar.gz,tar.xz,tar.zst,sh,exe}" err.txt \
  || fail "--format rar: exit $status: $(cat err.txt)"
# --level: a smaller archive at 9 than at 0, with the same files.
"$ELFPACK" -q two/prog -o l0.zip --level 0
"$ELFPACK" -q two/prog -o l9.zip --level 9
[ "$(stat -c %s l9.zip)" -lt "$(stat -c %s l0.zip)" ] || fail "--level 9 is not smaller than --level 0"
[ "$(zipinfo -1 l0.zip)" = "$(zipinfo -1 l9.zip)" ] || fail "--level changed the files"
