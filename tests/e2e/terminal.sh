#!/usr/bin/env bash
# Terminal manners: on a terminal (a pty from `script`), a progress line while the bundle is
# written, erased before the next message, and errors in colour; no colour with NO_COLOR; no
# progress with CI set, with -q or on a dumb terminal; on a pipe, neither progress nor escapes.
source "$(dirname "$0")/common.inc"
cd "$t"
build echo_args echo_args.c
esc=$'\033'
on_tty() {  # on_tty OUTPUT_FILE COMMAND...: runs COMMAND on a pseudo-terminal, its output to the file
  local out=$1; shift
  local line
  printf -v line '%q ' "$@"
  script -qec "$line" /dev/null > "$out" || true
}
unset CI NO_COLOR
export TERM=xterm

on_tty tty.txt "$ELFPACK" ./echo_args rig -o a.zip
grep -qF "elfpack: writing a.zip [" tty.txt || fail "no progress line on a terminal: $(cat -v tty.txt)"
grep -qF $'\r'"${esc}[Kelfpack: Lambda layer" tty.txt || fail "progress not erased before the next message: $(cat -v tty.txt)"
on_tty err.txt "$ELFPACK" ./nothing -o b.zip
grep -qF "elfpack: ${esc}[31m" err.txt || fail "no colour on a terminal: $(cat -v err.txt)"

NO_COLOR=1 on_tty nocolor.txt "$ELFPACK" ./nothing -o b.zip
! grep -qF "${esc}[3" nocolor.txt || fail "colour despite NO_COLOR: $(cat -v nocolor.txt)"
grep -qF "elfpack: error: " nocolor.txt || fail "NO_COLOR: $(cat -v nocolor.txt)"

CI=true on_tty ci.txt "$ELFPACK" ./echo_args -o c.zip
! grep -qF "writing c.zip" ci.txt || fail "progress in CI: $(cat -v ci.txt)"
on_tty quiet.txt "$ELFPACK" -q ./echo_args -o d.zip
[ ! -s quiet.txt ] || fail "-q on a terminal printed: $(cat -v quiet.txt)"
TERM=dumb on_tty dumb.txt "$ELFPACK" ./echo_args -o e.zip
! grep -qF "writing e.zip" dumb.txt || fail "progress on a dumb terminal: $(cat -v dumb.txt)"

"$ELFPACK" ./echo_args -o f.zip 2> pipe.txt
"$ELFPACK" ./nothing -o g.zip 2>> pipe.txt || true
! grep -qF "$esc" pipe.txt || fail "escapes on a pipe: $(cat -v pipe.txt)"
! grep -qF "writing f.zip [" pipe.txt || fail "progress on a pipe"

# What was written with a progress line on a terminal is whole: it runs in an empty root.
root=$(empty_root root)
unzip -q a.zip -d "$root/opt"
grep -qE '^[A-Z][a-z]+ ' <<<"$(in_root "$root" /opt/bin/rig -c 1)" || fail "a.zip's rig does not run"
