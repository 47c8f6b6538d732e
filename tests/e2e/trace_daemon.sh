#!/usr/bin/env bash
# --trace ends when the command ends, even when the command leaves a daemon running (as gpg leaves
# gpg-agent, or a shell a job in the background): the processes left are named in one warning
# line each and stopped, the files they opened before the command ended are in the bundle, and the
# command's exit status is the command's.
source "$(dirname "$0")/common.inc"
cd "$t"
build daemonize daemonize.c
# Files under /tmp are left out of a trace: the daemon's data lives elsewhere.
home=$(mktemp -d /var/lib/elfpack-daemon.XXXXXX)
echo "the daemon's data" > "$home/data.txt"

# Without the change elfpack waits for the daemon forever: the guard turns that into a failure.
status=0
timeout 600 "$ELFPACK" ./daemonize -o app.zip --trace -- ./daemonize "$home/data.txt" 5 2> trace.err || status=$?
[ "$status" -ne 124 ] || fail "elfpack --trace did not return while the daemon ran"
[ "$status" -eq 0 ] || fail "elfpack --trace failed (exit $status): $(cat trace.err)"
grep -q "^the daemon opened $home/data.txt$" trace.err || fail "the traced command's output: $(cat trace.err)"
left=$(grep "left process" trace.err) || fail "no warning about the daemon: $(cat trace.err)"
[ "$(wc -l <<<"$left")" -eq 1 ] || fail "one process left, warned about as: $left"
grep -Eq "left process [0-9]+ \($t/daemonize\) running" <<<"$left" || fail "the warning does not name the daemon: $left"
grep -q "the traced command exited with status 5" trace.err || fail "the command's status: $(cat trace.err)"
# The daemon is gone (or a zombie its new parent has not reaped yet).
pid=$(sed -E 's/.*left process ([0-9]+).*/\1/' <<<"$left")
if [ -r "/proc/$pid/stat" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat")" != Z ]; then
  fail "the daemon $pid still runs: $(cat "/proc/$pid/stat")"
fi

# The listing is read once: `zipinfo | grep -q` fails under pipefail when grep, done early, leaves
# zipinfo writing into a closed pipe (SIGPIPE), as it does now that entries follow the match.
listing=$(zipinfo -1 app.zip)
priv=$(awk -F/ '$1 == "lib" && $2 == "elfpack" && $3 ~ /^[0-9a-f]+$/ && NF > 3 { print $1 "/" $2 "/" $3; exit }' <<<"$listing")
grep -qx "$priv/root$home/data.txt" <<<"$listing" || fail "the daemon's file is not bundled: $listing"
rm -rf "$home"
root=$(empty_root root)
unzip -q app.zip -d "$root/opt"
expect_output "the daemon opened $home/data.txt" in_root "$root" /opt/bin/daemonize "$home/data.txt"

# A shell command that puts a job in the background: the shell's status is returned, the job
# stopped (named by its executable then: sleep, or the shell when it had not yet run sleep).
status=0
timeout 600 "$ELFPACK" ./daemonize -o sh.zip --trace -- sh -c 'sleep 100000 & exit 3' 2> sh.err || status=$?
[ "$status" -ne 124 ] || fail "elfpack --trace did not return while a background job ran"
grep -Eq "left process [0-9]+ \(/[^)]+\) running" sh.err || fail "no warning about the job: $(cat sh.err)"
grep -q "the traced command exited with status 3" sh.err || fail "the shell's status: $(cat sh.err)"
