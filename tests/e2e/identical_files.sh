#!/usr/bin/env bash
# Identical files are stored once (layout/identical_files.h). Two programs bring two copies of
# one library under different names (it has no SONAME: each program needs it by its file name)
# and one data file installed at two paths, with a third copy beside the first. A directory and
# every tar (and an installer) hold one copy of each and hard links (link counts; tar's hard
# link entries); a zip holds the data file's twin in its directory as a symlink to it, and copies
# of the library and of the data in the other directory (a link there would be seen). Each
# bundle runs from /opt in an empty root as Lambda runs it, elfpack verify passes, and --json
# says what was saved. A third program's own copy of the library, wanting the same place in the
# bundle, is that library (it was refused as another file).
source "$(dirname "$0")/common.inc"
cd "$t"
# The first copy's path is longer than a tar header holds: a hard link names it in a pax record.
a=usr/share/fixture-a/a-directory-whose-name-makes-the-paths-in-it-longer-than-a-tar-header-holds
b=usr/share/fixture-b
mkdir -p one two three data-a data-b
cc -shared -fPIC -o one/libplain.so -DFIX_NAME=plain "$fixtures/fixlib.c"
cp one/libplain.so two/libother.so
cp one/libplain.so three/libplain.so
for p in a b; do
  printf '#include <stdio.h>\nextern int plain(void);\nint main(void) {\n  char line[64] = "";\n  FILE *f = fopen("/%s/big.dat", "r");\n  if (f == NULL || fgets(line, sizeof line, f) == NULL) return 1;\n  printf("%%d %%s", plain(), line);\n  return 0;\n}\n' "${!p}" > "prog-$p.c"
done
cc -o one/prog-a prog-a.c -Lone -l:libplain.so -Wl,-rpath,"$t/one"
cc -o two/prog-b prog-b.c -Ltwo -l:libother.so -Wl,-rpath,"$t/two"
cc -o three/prog-c prog-a.c -Lthree -l:libplain.so -Wl,-rpath,"$t/three"
{ echo "identical data"; seq 1 20000; } > data-a/big.dat
cp data-a/big.dat data-a/twin.dat
cp data-a/big.dat data-b/big.dat
lib_size=$(stat -c %s one/libplain.so)
data_size=$(stat -c %s data-a/big.dat)
[ "$data_size" -ge 16384 ] || fail "the data file is too small for a zip's link"
pack() { "$ELFPACK" -q one/prog-a two/prog-b three/prog-c --add "data-a=/$a" --add "data-b=/$b" "$@"; }

# runs ROOT: both programs, from /opt in an empty root as Lambda runs them.
runs() {
  expect_output "1 identical data" in_lambda_root "$1" /opt/bin/prog-a
  expect_output "1 identical data" in_lambda_root "$1" /opt/bin/prog-b
  expect_output "1 identical data" in_lambda_root "$1" /opt/bin/prog-c
}
# saved JSON BYTES: the manifest says BYTES were stored once, and names the first copies.
saved() {
  python3 - "$1" "$2" "$a" "$b" <<'EOF' || fail "manifest $1"
import json, sys
m = json.load(open(sys.argv[1]))
a, b = sys.argv[3], sys.argv[4]
assert m["totals"]["stored_once_bytes"] == int(sys.argv[2]), m["totals"]
same = {f["path"].split("/", 3)[3]: f["same_as"].split("/", 3)[3] for f in m["files"] if "same_as" in f}
assert same == {"lib/libplain.so": "lib/libother.so", f"root/{a}/twin.dat": f"root/{a}/big.dat",
                f"root/{b}/big.dat": f"root/{a}/big.dat"}, same
EOF
}

# A directory: one inode for each content.
pack -o out/ --json > dir.json
saved dir.json $((lib_size + 2 * data_size))
priv=$(echo out/lib/elfpack/*)
[ "$(stat -c %h "$priv/lib/libplain.so")" = 2 ] && [ "$priv/lib/libplain.so" -ef "$priv/lib/libother.so" ] \
  || fail "the library is not stored once: $(ls -li "$priv/lib")"
[ "$(stat -c %h "$priv/root/$a/big.dat")" = 3 ] && [ "$priv/root/$a/twin.dat" -ef "$priv/root/$b/big.dat" ] \
  || fail "the data is not stored once: $(ls -liR "$priv/root/usr/share")"
root=$(empty_root dir-root)
cp -a out "$root/opt"
runs "$root"
out=$("$ELFPACK" verify out) || fail "verify out/: $out"

# Tars: the copies are hard link entries to the first, and extract as one inode.
for name in b.tar b.tar.gz b.tar.xz b.tar.zst; do
  pack -o "$name" --json > "$name.json"
  saved "$name.json" $((lib_size + 2 * data_size))
  hard=$(tar -tvf "$name" | grep '^h' | sed 's/.* 0 [0-9-]* [0-9:]* //')
  [ "$(sed 's,lib/elfpack/[0-9a-f]*/,,g' <<<"$hard" | sort)" = "lib/libplain.so link to lib/libother.so
root/$a/twin.dat link to root/$a/big.dat
root/$b/big.dat link to root/$a/big.dat" ] || fail "$name: hard links: $hard"
  root=$(empty_root "root-$name")
  mkdir -p "$root/opt"
  tar -xf "$name" -C "$root/opt"
  unpacked=$root/opt/${priv#out/}
  [ "$unpacked/lib/libplain.so" -ef "$unpacked/lib/libother.so" ] && [ "$(stat -c %h "$unpacked/root/$a/big.dat")" = 3 ] \
    || fail "$name: not one inode each: $(ls -liR "$unpacked")"
  runs "$root"
  out=$("$ELFPACK" verify "$name") || fail "verify $name: $out"
done
# The same files in every format: the same bundle id.
[ "$(tar -tf b.tar | grep -o 'lib/elfpack/[0-9a-f]\{16\}' | sort -u)" = "${priv#out/}" ] || fail "the tar's id is not the directory's"

# An installer (a tar after a script): busybox's tar makes the links too.
busybox=$(command -v busybox) || fail "busybox is not installed (apt-get install busybox-static)"
pack -o b.sh
root=$(empty_root sh-root)
mkdir -p "$root/bin"
cp "$busybox" "$root/bin/busybox"
for tool in sh tar mkdir mv ln rm sed tail cat; do ln -s busybox "$root/bin/$tool"; done
cp b.sh "$root/b.sh"
HOME=/root in_root "$root" /bin/sh /b.sh --prefix /opt > /dev/null
installed=$root/opt/lib/elfpack/${priv#out/lib/elfpack/}/${priv#out/}
[ "$installed/lib/libplain.so" -ef "$installed/lib/libother.so" ] || fail "installer: not one inode: $(ls -li "$installed/lib")"
runs "$root"

# A zip: the twin beside its first copy is a symlink to it; the rest are copies.
pack -o b.zip --json > zip.json
python3 - zip.json "$data_size" <<'EOF' || fail "zip manifest"
import json, sys
assert json.load(open(sys.argv[1]))["totals"]["stored_once_bytes"] == int(sys.argv[2])
EOF
listing=$(zipinfo b.zip)
grep -q "^lrwxrwxrwx .*/root/$a/twin.dat\$" <<<"$listing" || fail "zip: the twin is not a link: $listing"
grep -q "^-rw-r--r-- .*/root/$b/big.dat\$" <<<"$listing" || fail "zip: the other directory's copy: $listing"
grep -q '^-rwxr-xr-x .*/lib/libplain.so$' <<<"$listing" || fail "zip: the library's copy: $listing"
root=$(empty_root zip-root)
unzip -q b.zip -d "$root/opt"
[ "$(readlink "$root/opt/${priv#out/}/root/$a/twin.dat")" = big.dat ] || fail "zip: the twin's target"
runs "$root"
out=$("$ELFPACK" verify b.zip) || fail "verify b.zip: $out"
no_stray_files "$t"
