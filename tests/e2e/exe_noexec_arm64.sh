#!/usr/bin/env bash
# --format exe for aarch64 (AWS Graviton), under emulation, where /tmp is mounted noexec: the
# aarch64 expander finds nothing can run from its tree and runs the program from memfds
# (launchers/expand/memfd_run.h), reading the aarch64 launcher's configuration from the tree.
# (qemu-user maps the guest's code without the host's PROT_EXEC, so what this proves beyond
# exe_noexec is the aarch64 expander's fallback and its execve through the run directory.)
source "$(dirname "$0")/common.inc"
cd "$t"
r=$t/arm64-root
arm64_root "$r"
notes=$("$ELFPACK" --sysroot "$r" echo_args --format exe --compress-level 3 -o app 2>&1) ||
  { skip_without_aarch64 "$notes"; fail "bundling: $notes"; }

run=$(empty_root run)
mkdir -p "$run/opt"
cp app "$run/opt/app"
aarch64_emulation "$run"
lambda_tmp=$t/tmp && mkdir -p "$lambda_tmp" && mount -t tmpfs -o noexec,mode=1777 tmpfs "$lambda_tmp"
unmount_tmp() { umount "$t/tmp"; }
at_exit unmount_tmp
expected="argv[0]=/opt/app
argv[1]=two words
FIX_ENV=(unset)
LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"
expect_output "$expected" in_lambda_root "$run" /opt/app "two words"
tree=$(echo "$lambda_tmp"/elfpack-*-aarch64)
[ -f "$tree/.elfpack-expanded" ] || fail "no aarch64 tree: $(ls -A "$lambda_tmp")"
compgen -G "$tree.run.??????" > /dev/null || fail "not run from memfds (no run directory): $(ls -A "$lambda_tmp")"
