#!/usr/bin/env bash
# Interruptions and a full disk leave the destination as it was: SIGINT, SIGTERM or SIGHUP while
# elfpack reads its inputs or writes the archive or directory end it by that signal, with one line
# saying nothing was written, the previous output untouched and no temporary beside it; even
# kill -9 while the archive is written leaves no temporary (it has no name until it is complete).
# A full file system is named with the path.
source "$(dirname "$0")/common.inc"
cd "$t"
mkdir out
"$ELFPACK" -q rig -o out/rig.zip
before=$(sha256sum < out/rig.zip)

# wait_for_output PID: until the process holds a file open in out/ (the archive being written).
wait_for_output() {
  for _ in $(seq 400); do
    if ls -l "/proc/$1/fd" 2>/dev/null | grep -q "$t/out/"; then return 0; fi
    sleep 0.025
  done
  fail "elfpack never started writing into out/"
}

# check_interrupted STATUS SIGNAL ERRFILE: ended by SIGNAL, said so, destination and directory as before.
check_interrupted() {
  local status=$1 signal=$2 err=$3
  [ "$status" -eq $((128 + $(kill -l "$signal"))) ] || fail "$signal: exit status $status: $(cat "$err")"
  grep -q "^elfpack: interrupted ($signal): nothing written$" "$err" || fail "$signal: $(cat "$err")"
  [ "$(sha256sum < out/rig.zip)" = "$before" ] || fail "$signal: the previous rig.zip changed"
  [ "$(ls -A out)" = "rig.zip" ] || fail "$signal: left in out/: $(ls -A out)"
}

# While reading inputs: a strace log from a FIFO nobody writes holds elfpack there.
mkfifo never.log
for signal in INT TERM HUP; do
  "$ELFPACK" -q rig --trace-log never.log -o out/rig.zip 2> err.txt &
  pid=$!
  sleep 0.5
  kill -s "$signal" "$pid"
  status=0
  wait "$pid" || status=$?
  check_interrupted "$status" "SIG$signal" err.txt
done

# While writing: a big incompressible file makes the xz archive take seconds.
head -c 24M /dev/urandom > noise.dat
for signal in INT TERM; do
  cp out/rig.zip out/rig.tar.xz
  before=$(sha256sum < out/rig.zip)
  "$ELFPACK" -q rig --add "$t/noise.dat=/data/noise.dat" -o out/rig.tar.xz 2> err.txt &
  pid=$!
  wait_for_output "$pid"
  sleep 0.3
  kill -s "$signal" "$pid"
  status=0
  wait "$pid" || status=$?
  cmp -s out/rig.zip out/rig.tar.xz || fail "SIG$signal: the previous rig.tar.xz changed"
  rm out/rig.tar.xz
  check_interrupted "$status" "SIG$signal" err.txt
done

# kill -9 while writing: nothing can clean up, and nothing needs to.
"$ELFPACK" -q rig --add "$t/noise.dat=/data/noise.dat" -o out/rig.zip --level 9 2> err.txt &
pid=$!
wait_for_output "$pid"
sleep 0.3
kill -9 "$pid"
wait "$pid" || true
[ "$(sha256sum < out/rig.zip)" = "$before" ] || fail "kill -9: the previous rig.zip changed"
[ "$(ls -A out)" = "rig.zip" ] || fail "kill -9: left in out/: $(ls -A out)"

# A directory output: interrupted while copying, its temporary tree is removed.
"$ELFPACK" -q rig --add "$t/noise.dat=/data/noise.dat" -o out/tree/ 2> err.txt &
pid=$!
for _ in $(seq 400); do ls -A out | grep -q '^\.elfpack-tmp' && break; sleep 0.01; done
kill -s INT "$pid"
status=0
wait "$pid" || status=$?
check_interrupted "$status" SIGINT err.txt

# A full disk (a 512 KiB tmpfs, mounted in a mount namespace of its own so that nothing outlives
# the test): the path and the reason, exit 1, nothing left.
mkdir small
full_disk() {  # full_disk OUTPUT: elfpack rig -o small/OUTPUT; exit status, stderr and what is left in files
  unshare --mount bash -c 'mount -t tmpfs -o size=512k tmpfs small && { status=0; "$@" 2> err.txt || status=$?;
    echo "$status" > status.txt; ls -A small > left.txt; }' _ "$ELFPACK" -q rig -o "small/$1"
}
full_disk rig.zip
[ "$(cat status.txt)" -eq 1 ] && [ "$(wc -l < err.txt)" -eq 1 ] && grep -q "small/rig.zip: .*No space left on device" err.txt \
  || fail "full disk: exit $(cat status.txt): $(cat err.txt)"
[ ! -s left.txt ] || fail "full disk: left in small/: $(cat left.txt)"
full_disk tree/
[ "$(cat status.txt)" -eq 1 ] && [ "$(wc -l < err.txt)" -eq 1 ] && grep -q "small/tree: cannot write .*: No space left on device" err.txt \
  || fail "full disk, directory: exit $(cat status.txt): $(cat err.txt)"
[ ! -s left.txt ] || fail "full disk, directory: left in small/: $(cat left.txt)"
