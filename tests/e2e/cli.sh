#!/usr/bin/env bash
# The command line: --help with examples and exit codes, --version, and several programs (a path
# and a name from PATH) in one bundle sharing their libraries.
source "$(dirname "$0")/common.inc"

help=$("$ELFPACK" --help)
grep -q '^Examples:' <<<"$help" || fail "--help has no examples"
grep -q 'elfpack rig -o rig.zip' <<<"$help" || fail "--help lacks the main example"
grep -q '^Exit status:' <<<"$help" || fail "--help does not document exit codes"
expect_output "elfpack 0.1.0" "$ELFPACK" --version

build echo_args echo_args.c
cd "$t"
"$ELFPACK" -q ./echo_args rig -o both.zip
listing=$(zipinfo -1 both.zip)
[ "$(grep -c '/lib/libc.so.6$' <<<"$listing")" -eq 1 ] || fail "libc should be bundled once: $listing"
[ "$(grep -c '^lib/elfpack/[0-9a-f]*/$' <<<"$listing")" -eq 1 ] || fail "one private directory expected"
root=$(empty_root root)
unzip -q both.zip -d "$root/opt"
mkdir -p "$root/usr/share" && cp -r /usr/share/rig "$root/usr/share/"
grep -qx 'argv\[1\]=shared' <<<"$(in_root "$root" /opt/bin/echo_args shared)" || fail "echo_args from the shared bundle"
[ "$(in_root "$root" /opt/bin/rig | wc -l)" -eq 4 ] || fail "rig from the shared bundle"

# -v says what was bundled and why; -q says nothing on success.
"$ELFPACK" -v ./echo_args -o verbose.zip 2>verbose.txt
grep -q 'echo_args: /lib64/ld-linux-x86-64.so.2 (interpreter)' verbose.txt || fail "verbose: $(cat verbose.txt)"
grep -q 'echo_args: /lib/x86_64-linux-gnu/libc.so.6 (cache)' verbose.txt || fail "verbose: $(cat verbose.txt)"
[ -z "$("$ELFPACK" -q ./echo_args -o quiet.zip 2>&1)" ] || fail "-q printed something"

# Odd but valid names: spaces, a leading dash, UTF-8 — bundled and run under those names; a
# program reached through 40 symlinks (the kernel's limit) is found, one more is an error that
# says so.
mkdir -p "$t/odd"
for name in "a prog with spaces" "-dash" "ünï"; do cp "$t/echo_args" "$t/odd/$name"; done
(cd "$t/odd" && "$ELFPACK" -q "./a prog with spaces" ./-dash ./ünï -o odd.zip)
root=$(empty_root odd-root)
unzip -q "$t/odd/odd.zip" -d "$root/opt"
for name in "a prog with spaces" "-dash" "ünï"; do
  out=$(in_root "$root" "/opt/bin/$name" "an argument")
  grep -qxF "argv[0]=/opt/bin/$name" <<<"$out" && grep -qxF "argv[1]=an argument" <<<"$out" || fail "$name: $out"
done
ln -s "a prog with spaces" "$t/odd/l1"
for i in $(seq 2 41); do ln -s "l$((i - 1))" "$t/odd/l$i"; done
(cd "$t/odd" && "$ELFPACK" -q ./l40 -o chain.zip) || fail "40 symlinks"
expect_failure "l41: Too many levels of symbolic links" "$ELFPACK" "$t/odd/l41" -o "$t/odd/loop.zip" >/dev/null
