#!/usr/bin/env bash
# A program's identity in the bundle: /proc/self/exe answers with the path it had (here
# /usr/bin/identity), so files it finds next to itself (../share/fixture) are the bundle's, and
# running /proc/self/exe again runs it again through its launcher; argv[0] is what was typed. For
# glibc and musl programs alike.
source "$(dirname "$0")/common.inc"
cd "$t"

r=$t/sysroot
glibc_root "$r"
cc -o "$r/usr/bin/identity" "$fixtures/identity.c"
check_identity "$r" id.zip

# A multi-call program bundled under two names (a file and a link to it, as gzip and gunzip): one
# copy, two launchers, and each name is its argv[0].
ln -s identity "$r/usr/bin/alias"
"$ELFPACK" -q --sysroot "$r" /usr/bin/identity /usr/bin/alias --add "$t/identity-data=/usr/share/fixture" -o multi.zip
listing=$(zipinfo multi.zip)
grep -q "^lrwx.* lib/elfpack/[0-9a-f]*/exe/alias$" <<<"$listing" || fail "two copies of one program: $listing"
root=$(empty_root multi-root)
unzip -q multi.zip -d "$root/opt"
out=$(in_root "$root" /opt/bin/alias)
grep -q "^child of /opt/bin/alias$" <<<"$out" && grep -q "^data: found next to myself$" <<<"$out" || fail "alias: $out"

# A musl program: the same answers, through the shim built against musl (musl's linker has no
# --argv0: the launcher hands argv[0] to the shim in the environment, which leaves no trace).
command -v musl-gcc >/dev/null || fail "musl-gcc is not installed (apt-get install musl-tools)"
m=$t/musl-sysroot
mkdir -p "$m/lib" "$m/usr/bin"
cp /lib/ld-musl-x86_64.so.1 "$m/lib/"
musl-gcc -o "$m/usr/bin/identity" "$fixtures/identity.c"
check_identity "$m" musl-id.zip
[[ $(zipinfo -1 musl-id.zip) == *"/shim-musl.so"* ]] || fail "no musl shim: $(zipinfo -1 musl-id.zip)"

# A program of a build tree: /proc/self/exe is the path it had there, so the files beside it,
# brought at their paths with --add, are found as they were laid out.
mkdir -p "$t/proj/bin" "$t/proj/share"
cc -o "$t/proj/bin/identity" "$fixtures/identity.c"
cp -r "$t/identity-data" "$t/proj/share/fixture"
"$ELFPACK" -q proj/bin/identity --add "$t/proj/share/fixture" -o tree.zip
root=$(empty_root tree-root)
unzip -q tree.zip -d "$root/opt"
expect_output "self: $t/proj/bin/identity
data: found next to myself
child of /opt/bin/identity
re-exec: 5" in_root "$root" /opt/bin/identity

# Every channel a program learns its name and path through answers in the bundle as it does
# natively, never with the bundled linker: /proc/self/exe, /proc/<pid>/exe, /proc/thread-self/exe
# (readlink, realpath, stat, open), /proc/self/cmdline and /proc/<pid>/cmdline (the program's own
# arguments, not the linker's command line), getauxval(AT_EXECFN), program_invocation_name,
# /proc/self/comm. The native run is given the argv[0] the launcher passes (/opt/bin/channels).
check_channels() {
  local program=$1 zip=$2 native root
  native=$(exec -a /opt/bin/channels "$program" one 'two words' '')
  grep -q "^self exe: $program$" <<<"$native" || fail "the native run: $native"
  "$ELFPACK" -q "$program" -o "$zip"
  root=$(empty_root "$zip-root")
  unzip -q "$zip" -d "$root/opt"
  expect_output "$native" in_root "$root" /opt/bin/channels one 'two words' ''
}
mkdir -p "$t/chan/bin" "$t/musl-chan/bin"
cc -o "$t/chan/bin/channels" "$fixtures/channels.c"
check_channels "$t/chan/bin/channels" channels.zip
musl-gcc -o "$t/musl-chan/bin/channels" "$fixtures/channels.c"
check_channels "$t/musl-chan/bin/channels" musl-channels.zip
