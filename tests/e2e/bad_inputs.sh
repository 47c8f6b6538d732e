#!/usr/bin/env bash
# Inputs that are not programs: one line on stderr naming the file and the problem, a non-zero
# exit, no signal death, no output file. And odd but valid closures: libraries that need each
# other, and one that needs itself, bundle and run.
source "$(dirname "$0")/common.inc"
cd "$t"
mkdir -p out
: > empty
mkdir adir
mkfifo fifo
ln -s loop-b loop-a && ln -s loop-a loop-b
check() {  # check PATTERN PROGRAM
  local status
  status=$(expect_failure "$1" "$ELFPACK" "$2" -o out/x.zip)
  [ "$status" -lt 128 ] || fail "$2: killed by a signal (exit $status)"
  [ ! -e out/x.zip ] || fail "$2: out/x.zip written"
}
check "empty: an empty file \(0 bytes\), not an ELF program" ./empty
check "adir: not a regular file" ./adir
check "fifo: not a regular file" ./fifo
check "/dev/zero: not a regular file" /dev/zero
check "loop-a: Too many levels of symbolic links" ./loop-a
cp /bin/true ./unreadable && chmod 000 ./unreadable
if command -v setpriv > /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
  chmod 777 "$t" out
  status=0
  setpriv --reuid=65534 --regid=65534 --clear-groups "$ELFPACK" ./unreadable -o out/x.zip 2> err.txt || status=$?
  [ "$status" -eq 1 ] && [ "$(wc -l < err.txt)" -eq 1 ] && grep -q "unreadable: cannot open: Permission denied" err.txt \
    || fail "unreadable: exit $status: $(cat err.txt)"
fi
no_stray_files out

# Two libraries that need each other, and one that needs itself.
cc -shared -fPIC -o libcyc_b.so -DFIX_NAME=cyc_b "$fixtures/fixlib.c"
cc -shared -fPIC -o libcyc_a.so -DFIX_NAME=cyc_a -DFIX_CALLS=cyc_b "$fixtures/fixlib.c" -L. -lcyc_b '-Wl,-rpath,$ORIGIN'
cc -shared -fPIC -o libcyc_b.so -DFIX_NAME=cyc_b "$fixtures/fixlib.c" -Wl,--no-as-needed -L. -lcyc_a '-Wl,-rpath,$ORIGIN'
cc -shared -fPIC -o libself.so -DFIX_NAME=self "$fixtures/fixlib.c" -Wl,-soname,libself.so
cc -shared -fPIC -o libself.so -DFIX_NAME=self "$fixtures/fixlib.c" -Wl,-soname,libself.so -Wl,--no-as-needed -L. -lself
cc -o cyc -DFIX_CALLS=cyc_a "$fixtures/fixprog.c" -Wl,--no-as-needed -L. -lcyc_a -lself '-Wl,-rpath,$ORIGIN'
"$ELFPACK" -q ./cyc -o out/cyc.zip
root=$(empty_root root)
unzip -q out/cyc.zip -d "$root/opt"
expect_output "chain 2" in_root "$root" /opt/bin/cyc
