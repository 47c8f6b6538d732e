#!/usr/bin/env bash
# Bad input gets a one-line error naming the file and the problem, a non-zero exit, and no output.
source "$(dirname "$0")/common.inc"

cd "$t"
build echo_args echo_args.c
mkdir -p out

# A program that does not exist, by path and by name.
expect_failure "elfpack: error: $t/nothing-here: No such file or directory" "$ELFPACK" "$t/nothing-here" -o out/a.zip
expect_failure "elfpack: error: no-such-program-xyz: not found in PATH" "$ELFPACK" no-such-program-xyz -o out/a.zip
# Not a program: a script whose interpreter is missing (scripts_errors.sh has the others), a text file.
printf '#!/usr/bin/no-such-shell\necho hi\n' > script.sh && chmod +x script.sh
expect_failure "elfpack: error: $t/script.sh: interpreter /usr/bin/no-such-shell not found \(from its #! line\)" "$ELFPACK" ./script.sh -o out/a.zip
echo "just text" > notes.txt
expect_failure "elfpack: error: $t/notes.txt: not an ELF file \(bad magic: starts 6a 75 73 74, not 7f 45 4c 46\)" "$ELFPACK" ./notes.txt -o out/a.zip
# A program of an architecture elfpack has no launcher for (e_machine made EM_RISCV, 243): named,
# before any library is looked for.
cp echo_args riscv && printf '\363\000' | dd of=riscv bs=1 seek=18 conv=notrunc status=none
expect_failure "elfpack: error: $t/riscv: no launcher for RISC-V \(e_machine 243\): this elfpack has them for x86_64( and aarch64)? programs" \
  "$ELFPACK" ./riscv -o out/a.zip
[ ! -e out/a.zip ] || fail "a zip was written for a RISC-V program"
# A missing library: every one is listed, then the count; with --allow-missing it is a warning.
mkdir -p gone
cc -shared -fPIC -o gone/libgone1.so -DFIX_NAME=gone1 "$fixtures/fixlib.c"
cc -shared -fPIC -o gone/libgone2.so -DFIX_NAME=gone2 "$fixtures/fixlib.c"
cc -o needs_gone -DFIX_CALLS=gone1 "$fixtures/fixprog.c" -Wl,--no-as-needed -Lgone -lgone1 -lgone2
rm -r gone
status=0
"$ELFPACK" ./needs_gone -o out/a.zip 2>err.txt || status=$?
[ "$status" -eq 1 ] || fail "missing library: exit $status"
grep -q "^elfpack: error: libgone1.so: not found (needed by $t/needs_gone; searched .*default dirs" err.txt || fail "$(cat err.txt)"
grep -q "^elfpack: error: libgone2.so: not found (needed by $t/needs_gone" err.txt || fail "$(cat err.txt)"
grep -q '^elfpack: error: 2 libraries not found; nothing written' err.txt || fail "$(cat err.txt)"
"$ELFPACK" -q --allow-missing ./needs_gone -o out/allowed.zip
[ -f out/allowed.zip ] || fail "--allow-missing wrote nothing"
"$ELFPACK" --allow-missing ./needs_gone -o out/allowed2.zip 2>err.txt
grep -q '^elfpack: warning: libgone1.so: not found' err.txt || fail "no warning: $(cat err.txt)"
# Output that cannot be written: a missing directory, and a read-only file system.
expect_failure "elfpack: error: $t/no/such/dir/a.zip: cannot create a file in $t/no/such/dir: No such file or directory" \
  "$ELFPACK" ./echo_args -o "$t/no/such/dir/a.zip"
mkdir -p ro
out=$(unshare --mount sh -c "mount -t tmpfs -o ro tmpfs '$t/ro' && '$ELFPACK' ./echo_args -o '$t/ro/a.zip'" 2>&1) && fail "read-only: succeeded"
[ "$(echo "$out" | wc -l)" -eq 1 ] && grep -q "Read-only file system" <<<"$out" || fail "read-only: $out"
# An output name of no known format, and a usage error.
expect_failure "elfpack: error: out/a.rar: cannot tell the output format" "$ELFPACK" ./echo_args -o out/a.rar
status=0
"$ELFPACK" ./echo_args --no-such-option > /dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "usage error: exit $status, expected 2"
# No -o on a terminal is a usage error (off a terminal it is the installer on stdout). `script`
# gives the terminal; a machine without pseudo-terminals (a bare chroot) cannot run this check.
if script -qec true /dev/null > /dev/null 2>&1; then
  status=0
  script -qec "'$ELFPACK' ./echo_args" /dev/null > tty.out 2>&1 || status=$?
  [ "$status" -eq 2 ] && grep -q "output is required" tty.out || fail "no -o on a terminal: exit $status: $(cat tty.out)"
  rm tty.out
else
  echo "$test_name: no pseudo-terminal on this machine: the terminal case is not checked" >&2
fi

# None of the failures left an output or a temporary behind.
[ "$(ls -A out)" = $'allowed.zip\nallowed2.zip' ] || fail "stray output: $(ls -A out)"
no_stray_files "$t"
no_stray_files out
