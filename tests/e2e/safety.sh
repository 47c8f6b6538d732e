#!/usr/bin/env bash
# What a bundle never carries and where elfpack never writes: set-user-ID/set-group-ID bits and
# file capabilities are dropped with a warning naming the file, in every format; archive entries
# are relative without '..', links stay inside; and elfpack creates, renames or removes nothing
# outside its output (checked on every file system call it makes, with strace).
source "$(dirname "$0")/common.inc"
command -v setcap >/dev/null || fail "setcap is not installed (libcap2-bin)"
command -v strace >/dev/null || fail "strace is not installed"
cd "$t"
build echo_args echo_args.c
cp echo_args suid && chmod 4755 suid
cp echo_args caps && setcap cap_net_raw+ep caps
echo data > sgid.dat && chmod 2644 sgid.dat
cc -static -o static_suid "$fixtures/echo_args.c" && chmod 4755 static_suid

mkdir out
"$ELFPACK" ./suid ./caps ./static_suid --add "$t/sgid.dat=/data/sgid.dat" -o out/b.zip 2> err.txt
for expected in "suid: its set-user-ID bit is dropped" "caps: its file capabilities are dropped" \
                "static_suid: its set-user-ID bit is dropped" "sgid.dat: its set-group-ID bit is dropped"; do
  grep -q "^elfpack: warning: $t/$expected: a bundle never carries" err.txt || fail "no warning '$expected': $(cat err.txt)"
done
"$ELFPACK" -q ./suid ./caps ./static_suid --add "$t/sgid.dat=/data/sgid.dat" -o out/b.tar.gz
"$ELFPACK" -q ./suid ./caps ./static_suid --add "$t/sgid.dat=/data/sgid.dat" -o out/tree/

# (Listings read whole first: under pipefail, a grep -q that stops at a match would make the
# writer's SIGPIPE fail the pipeline, and the "!" pass it.)
modes=$(zipinfo out/b.zip | awk '{print $1}')
! grep -q '[sStT]' <<<"$modes" || fail "a special bit in the zip: $(zipinfo out/b.zip)"
modes=$(tar tvzf out/b.tar.gz | awk '{print $1}')
! grep -q '[sStT]' <<<"$modes" || fail "a special bit in the tarball"
[ -z "$(find out/tree -perm /6000)" ] || fail "a special bit in the directory: $(find out/tree -perm /6000)"
[ -z "$(getcap -r out/tree 2>/dev/null)" ] || fail "capabilities in the directory: $(getcap -r out/tree)"
mkdir x && tar xzf out/b.tar.gz --xattrs -C x
[ -z "$(getcap -r x 2>/dev/null)" ] || fail "capabilities in the tarball: $(getcap -r x)"

# Entries relative, no '..'; every link inside the bundle.
for list in "$(zipinfo -1 out/b.zip)" "$(tar tzf out/b.tar.gz)"; do
  ! grep -qE '^/|(^|/)\.\.(/|$)' <<<"$list" || fail "an entry leaves the bundle: $list"
done
find out/tree -type l | while read -r link; do
  case $(realpath -m "$link") in "$t/out/tree"/*) ;; *) fail "link $link leaves the bundle" ;; esac
done

# Nothing written outside the output: every call that creates, changes or removes a name.
strace -f -qq -o trace.log -e trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,unlink,unlinkat,rmdir,chmod,fchmodat,truncate \
  "$ELFPACK" -q ./suid ./caps --add "$t/sgid.dat=/data/sgid.dat" -o out/traced.zip
# (By the call's name after the pid, and an open's flags: a path may hold such words, as Debian's
# node-mkdirp package list does.)
grep -E '^[0-9]+ +((open|openat|creat)\(.*(O_WRONLY|O_RDWR|O_CREAT|O_TMPFILE)|(creat|mkdir|mkdirat|rename|renameat|renameat2|link|linkat|symlink|symlinkat|unlink|unlinkat|rmdir|chmod|fchmodat|truncate)\()' trace.log \
  | grep -v ' = -1 ' | grep -vE '"(/dev/null|/dev/tty)"' > writes.log || true
[ -s writes.log ] || fail "strace saw no writes at all: $(head trace.log)"
outside=$(grep -v "\"$t/out[/\"]\|\"out[/\"]\|AT_FDCWD, \"\", \|resumed>" writes.log | grep '"' || true)
[ -z "$outside" ] || fail "elfpack wrote outside out/: $outside"
