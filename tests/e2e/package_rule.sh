#!/usr/bin/env bash
# The package rule by default, each mechanism run from the bundle in an empty root:
# - the data of a library's package's data-only dependency: file's magic database is in
#   libmagic-mgc, which libmagic1 (a library of the closure) depends on;
# - plugins among a package's files: perl's XS modules (POSIX.so of perl-base), each with its
#   closure, loaded by path;
# - helpers among a package's files: git's dashed commands in /usr/lib/git-core, run by path
#   through the bundled linker;
# - /bin/sh for a program whose closure calls system(): dash, runnable at that path.
source "$(dirname "$0")/common.inc"
cd "$t"

# file: without libmagic-mgc it says "could not find any valid magic files".
"$ELFPACK" -q file -o file.zip
root=$(empty_root file-root)
unzip -q file.zip -d "$root/opt"
printf 'plain words\n' > "$root/opt/words.txt"
expect_output "ASCII text" in_root "$root" /opt/bin/file -b /opt/words.txt 2> file.err
[ ! -s file.err ] || fail "file said: $(cat file.err)"
summary=$("$ELFPACK" file -o summary.zip 2>&1)
grep -q "^elfpack: wrote summary.zip (.*, bundle id [0-9a-f]*); largest packages: libmagic-mgc 7.9 MiB, " <<<"$summary" ||
  fail "no sizes per package in the summary: $summary"
"$ELFPACK" -q file -o nomgc.zip --exclude-package libmagic-mgc
unzip -l nomgc.zip > nomgc.list
! grep -q "root/usr/lib/file/magic.mgc" nomgc.list || fail "--exclude-package left the magic database in"

# inspect shows the same before bundling: packages with their sizes and why.
inspected=$("$ELFPACK" inspect file)
grep -q "^  libmagic-mgc: .* MiB, 1 files (data: libmagic1 depends on it, and it ships no ELF object)$" <<<"$inspected" ||
  fail "inspect: $inspected"

# perl: POSIX.so is a plugin (perl-base's XS module), with its closure.
"$ELFPACK" -q perl -o perl.zip --json > perl.json
root=$(empty_root perl-root)
unzip -q perl.zip -d "$root/opt"
printf 'use POSIX;\nprint POSIX::floor(2.5), "\\n";\n' > "$root/opt/floor.pl"  # perl -e opens /dev/null
expect_output "2" in_root "$root" /opt/bin/perl /opt/floor.pl
grep -q '"why": "plugin (package perl-base)"' perl.json || fail "no plugin of perl-base in the manifest"
# Data::Dumper is libperl5.36's, found through @INC's perl/5.36, a link to the directory 5.36.0:
# a package link to a directory of bundled files comes too.
printf 'use Data::Dumper;\n$Data::Dumper::Terse = 1;\nprint Dumper([1]);\n' > "$root/opt/dump.pl"
expect_output "[
  1
]" in_root "$root" /opt/bin/perl /opt/dump.pl

# git: `git sh-i18n--envsubst` runs /usr/lib/git-core/git-sh-i18n--envsubst, an ELF helper of
# the git package. (perl is left out to keep the bundle small.)
if command -v git >/dev/null; then
  "$ELFPACK" -q git -o git.zip --exclude-package perl --exclude-package liberror-perl
  root=$(empty_root git-root)
  unzip -q git.zip -d "$root/opt"
  mkdir "$root/dev" && mknod -m 666 "$root/dev/null" c 1 3  # git opens it for its children
  expect_output "HOME" in_root "$root" /opt/bin/git sh-i18n--envsubst --variables '$HOME'
fi

# /bin/sh: a program that calls system() brings dash, served at /bin/sh and runnable there.
cat > shell.c <<'C'
#include <stdlib.h>
int main(int argc, char **argv) { return argc > 1 ? system(argv[1]) : 0; }
C
cc -o shell shell.c
"$ELFPACK" -q ./shell -o shell.zip --json > shell.json
grep -q '"why": "helper of shell: it runs /bin/sh' shell.json || fail "no /bin/sh helper"
root=$(empty_root shell-root)
unzip -q shell.zip -d "$root/opt"
sh_path=$(cd "$root" && echo opt/lib/elfpack/*/root/bin/sh)
expect_output "from the bundle" in_root "$root" "/$sh_path" -c "echo from the bundle"

# Near Lambda's 250 MiB: a warning naming the largest packages and --exclude-package.
truncate -s 210M big.dat
"$ELFPACK" file --add "$t/big.dat=/data/big.dat" --format tar.zst -o - 2> big.err > /dev/null
grep -q "^elfpack: warning: the bundle is 2[0-4][0-9]\.[0-9] MiB unzipped, near AWS Lambda's 250 MiB for a layer; largest packages: libmagic-mgc 7.9 MiB, .*; leave one out with --exclude-package P$" big.err ||
  fail "no size warning: $(cat big.err)"
