#!/usr/bin/env bash
# The writer reads each file once and compresses pieces of it on several threads, naming the
# bundle's private directory after its content once the last file is hashed: the output is the
# same for any number of threads, every format gives the bundle the same id, nothing keeps the
# pending name, files of several pieces come back byte for byte, each file is mapped once to be
# copied (for tar.zst and tar.xz, whose compressed streams cannot be patched, the id is hashed
# first from the same mappings), and the linker is asked for its profile once a run. A zip's
# entries up to 32 MiB are compressed whole (libdeflate), larger ones in pieces (zlib).
source "$(dirname "$0")/common.inc"
two_names_program "$t/two"
cd "$t"
# Data of several pieces (1 MiB each): random (incompressible), and text, neither a multiple of
# the tar block.
head -c $((3 * 1048576 + 77)) /dev/urandom > random.bin
seq 1 700000 > numbers.txt
# A name that holds the pending id by chance is not renamed: only the private directory is.
echo chance > chance.txt
add=(--add "$t/random.bin=/opt/data/random.bin" --add "$t/numbers.txt=/opt/data/numbers.txt"
     --add "$t/chance.txt=/opt/elfpack-pending!/chance.txt")

formats=(zip tar tar.gz tar.zst tar.xz sh)
for f in "${formats[@]}" dir; do
  out=one.$f; [ "$f" = dir ] && out=one-dir/
  "$ELFPACK" -j 1 two/prog "${add[@]}" -o "$out" 2> "one.$f.log" || fail "$f: $(cat "one.$f.log")"
  out=three.$f; [ "$f" = dir ] && out=three-dir/
  "$ELFPACK" -q -j 3 two/prog "${add[@]}" -o "$out"
done
for f in "${formats[@]}"; do
  cmp "one.$f" "three.$f" || fail "$f: -j 1 and -j 3 wrote different bytes"
done
diff -r one-dir three-dir || fail "dir: -j 1 and -j 3 differ"

# One id, whichever format: those that patch it in and those that compute it first agree.
ids=$(for f in "${formats[@]}" dir; do sed -n 's/.*bundle id \([0-9a-f]\{16\}\)[);].*/\1/p' "one.$f.log"; done | sort -u)
[ "$(wc -l <<<"$ids")" -eq 1 ] && [ -n "$ids" ] || fail "formats disagree on the id: $ids"
id=$ids
[ -d "one-dir/lib/elfpack/$id" ] || fail "dir: no lib/elfpack/$id: $(ls one-dir/lib/elfpack)"
[ "$(tar -tf one.tar.gz | grep -c "^lib/elfpack/$id/")" -gt 5 ] || fail "tar.gz: entries not under the id"
[ "$(zipinfo -1 one.zip | grep -c "^lib/elfpack/$id/")" -gt 5 ] || fail "zip: entries not under the id"

# Every format's own check, and the data back byte for byte.
unzip -tqq one.zip || fail "unzip -t"
python3 -c 'import sys, zipfile; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)' one.zip || fail "zipfile"
gzip -t one.tar.gz || fail "gzip -t"
zstd -tq one.tar.zst || fail "zstd -t"
# One gzip member: a streaming reader (Python's "r|gz") sees every entry, not just the first.
streamed=$(python3 -c 'import sys, tarfile; print(len(tarfile.open(sys.argv[1], "r|gz").getnames()))' one.tar.gz)
[ "$streamed" -eq "$(tar -tzf one.tar.gz | wc -l)" ] || fail "tar.gz: a streaming reader sees $streamed entries"
data=lib/elfpack/$id/root/opt/data
for f in tar tar.gz tar.zst tar.xz; do
  mkdir "x-$f" && tar -xf "one.$f" -C "x-$f"
  cmp "x-$f/$data/random.bin" random.bin && cmp "x-$f/$data/numbers.txt" numbers.txt || fail "$f: data differ"
done
mkdir x-zip && unzip -q one.zip -d x-zip
cmp "x-zip/$data/random.bin" random.bin && cmp "x-zip/$data/numbers.txt" numbers.txt || fail "zip: data differ"
cmp "one-dir/$data/random.bin" random.bin || fail "dir: data differ"
mkdir x-sh && tail -c +"$(sed -n 's/^start=\([0-9]*\).*/\1/p' one.sh)" one.sh | tar -xf - -C x-sh

# Nothing keeps the pending name but the file added under it (and root.index, which lists it):
# not a name, not a launcher's bytes, not the installer script.
pending='elfpack-pending!'
for x in x-tar x-tar.gz x-tar.zst x-tar.xz x-zip x-sh one-dir; do
  [ "$(find "$x" -name "*$pending*")" = "$x/lib/elfpack/$id/root/opt/$pending" ] ||
    fail "$x: the pending id is in a name: $(find "$x" -name "*$pending*")"
  [ "$(grep -rla "$pending" "$x")" = "$x/lib/elfpack/$id/root.index" ] || fail "$x: the pending id is in a file: $(grep -rla "$pending" "$x")"
done
grep -qa "$pending" <(head -c 70000 one.sh) && fail "sh: the pending id is left in the installer script"
# The launchers, written after the id, find the private directory.
root=$(empty_root zip-root)
unzip -q one.zip -d "$root/opt"
expect_output "chain 2" in_root "$root" /opt/bin/prog
root=$(empty_root gz-root)
mkdir -p "$root/opt" && tar -xf one.tar.gz -C "$root/opt"
expect_output "chain 2" in_root "$root" /opt/bin/prog

# A zip entry past 32 MiB is compressed in pieces, the others whole: the same bytes for any
# number of threads, and every entry deflated and intact.
seq 1 5000000 > big.txt
[ "$(stat -c %s big.txt)" -gt $((32 << 20)) ] || fail "big.txt is not over 32 MiB"
for j in 1 3; do "$ELFPACK" -q -j $j two/prog --add "$t/big.txt=/opt/data/big.txt" "${add[@]}" -o "big$j.zip"; done
cmp big1.zip big3.zip || fail "big zip: -j 1 and -j 3 wrote different bytes"
unzip -tq big1.zip > /dev/null || fail "big zip: $(unzip -t big1.zip | grep -v OK)"
unzip -p big1.zip "lib/elfpack/*/root/opt/data/big.txt" | cmp - big.txt || fail "big.txt did not come back"
unzip -p big1.zip "lib/elfpack/*/root/opt/data/numbers.txt" | cmp - numbers.txt || fail "numbers.txt did not come back"
for name in big.txt numbers.txt libfoo.so.1; do
  zipinfo big1.zip | grep -E " defN .*/$name\$" > /dev/null || fail "$name is not deflated: $(zipinfo big1.zip | grep "/$name\$")"
done
rm big.txt big1.zip big3.zip

# zip and gzip take levels 0-9: 12 is an error before anything is written.
expect_failure "level 12: zip takes 0-9" "$ELFPACK" two/prog -o level.zip --level 12
[ ! -e level.zip ] || fail "--level 12 left a zip"

# Each file is mapped once to be copied (elfpack maps what it copies; the resolver reads with
# pread what it parses, the imported symbols too, for the look for libraries loaded implicitly);
# for tar.zst and tar.xz too, whose id is hashed before the stream starts, from the same mappings.
for f in zip tar.gz tar sh dir tar.zst tar.xz; do
  out=traced.$f; [ "$f" = dir ] && out=traced-dir/
  strace -f -qq -e trace=openat -o "trace.$f" "$ELFPACK" -q two/prog "${add[@]}" -o "$out"
  maps=$(grep -c 'random.bin", O_RDONLY|O_NOCTTY|O_NONBLOCK' "trace.$f" || true)
  lib=$(grep -c 'libfoo.so.1", O_RDONLY|O_NOCTTY|O_NONBLOCK' "trace.$f" || true)
  [ "$maps" -eq 1 ] && [ "$lib" -eq 1 ] || fail "$f: random.bin mapped $maps times, libfoo.so.1 $lib times (want 1)"
  # The resolver opens each library once (and the writer maps it).
  opened=$(grep -c 'libfoo.so.1", O_RDONLY|O_CLOEXEC)' "trace.$f" || true)
  [ "$opened" -eq 1 ] || fail "$f: libfoo.so.1 opened $opened times to be parsed"
done

# The linker is asked for its profile once a run, however many programs and steps need it.
strace -f -qq -e trace=execve -o linker.trace "$ELFPACK" -q two/prog /usr/bin/rig -o two-programs.zip
asked=$(grep -c 'execve("[^"]*ld-linux[^"]*", \[[^]]*"--list-diagnostics"' linker.trace || true)
[ "$asked" -eq 1 ] || fail "the linker was asked $asked times for two programs"

# A program dpkg installed: its package's data found in dpkg's lists, read directly; no process
# but the linker (no dpkg-query, and no other package manager asked about it).
strace -f -qq -e trace=execve -o rig.trace "$ELFPACK" -q /usr/bin/rig -o rig-alone.zip
# (The listing is read whole first: grep -q stops at its match, and under pipefail the writer's
# SIGPIPE would fail the pipeline.)
listing=$(zipinfo -1 rig-alone.zip)
grep -q '/root/usr/share/rig/fnames.idx$' <<<"$listing" || fail "rig's data not found: $listing"
started=$(grep -c 'execve(' rig.trace || true)
[ "$started" -eq 2 ] || fail "bundling rig ran more than elfpack and its linker: $(grep 'execve(' rig.trace)"

# The bundled linker is mapped once, to be copied: the resolver reads its headers with pread, and
# whether it takes --argv0 and --preload comes from the version it gave for its profile.
ldso=$(readlink -f /lib64/ld-linux-x86-64.so.2)
strace -f -qq -e trace=mmap -o mmap.trace "$ELFPACK" -q two/prog -o ldso.zip
mapped=$(grep -c "mmap(NULL, $(stat -c %s "$ldso"), PROT_READ, MAP_PRIVATE, " mmap.trace || true)
[ "$mapped" -eq 1 ] || fail "the linker was mapped $mapped times"
