#!/usr/bin/env bash
# A failing test ends, failed and named, even when a server it started in the background still
# runs: the Lambda function test's fake Runtime API with a bootstrap that cannot start (it was
# taken out of the function), the test failing while it waits for an answer. Run by ctest, as the
# suite runs it, with ctest's output in a file: the test's processes die with it (common.inc runs
# each test in a PID namespace), so ctest ends within a minute instead of waiting for the server's
# copy of its output pipe.
source "$(dirname "$0")/common.inc"
command -v python3 >/dev/null || fail "python3 is not installed (the fake Runtime API needs it)"
inner=hung_server_inner
cat > "$t/$inner.sh" <<'INNER'
source "$ELFPACK_SOURCE_DIR/tests/e2e/common.inc"
cc -o "$t/handler" "$fixtures/handler.c"
cd "$t"
"$ELFPACK" -q ./handler --lambda-function handler -o function.zip
root=$(empty_root task-root)
mkdir -p "$root/var/task"
unzip -q function.zip -d "$root/var/task"
rm "$root/var/task/bootstrap"
serve "$t/api" hello:5000
AWS_LAMBDA_RUNTIME_API=127.0.0.1:$(cat "$t/api/port") in_root "$root" /var/task/bootstrap 2>/dev/null &
await "$t/api/_2018-06-01_runtime_invocation_req-0_response"
INNER
mkdir -p "$t/ctest"
cat > "$t/ctest/CTestTestfile.cmake" <<CTEST
add_test(e2e.$inner bash $t/$inner.sh)
set_tests_properties(e2e.$inner PROPERTIES ENVIRONMENT "ELFPACK=$ELFPACK;ELFPACK_SOURCE_DIR=$ELFPACK_SOURCE_DIR")
CTEST
# What a server left running by the check would hold: ended, and its scratch removed, however this ends.
leftovers() {
  local d
  for d in /tmp/elfpack-$inner.*; do
    [ -f "$d/api/pid" ] && kill "$(cat "$d/api/pid")" 2>/dev/null
    rm -rf "$d"
  done
  return 0
}
at_exit leftovers
status=0
timeout 60 ctest --test-dir "$t/ctest" --output-on-failure > "$t/ctest.out" 2>&1 || status=$?
[ "$status" -ne 124 ] || fail "ctest still waited after 60 s (the server outlived the test): $(cat "$t/ctest.out")"
[ "$status" -ne 0 ] || fail "the failing test passed: $(cat "$t/ctest.out")"
grep -q "e2e.$inner .*Failed" "$t/ctest.out" || fail "ctest did not name the failed test: $(cat "$t/ctest.out")"
grep -q "^$inner: no /tmp/elfpack-$inner\..*/api/_2018-06-01_runtime_invocation_req-0_response\$" "$t/ctest.out" &&
  grep -q "FAIL: $inner" "$t/ctest.out" || fail "the failure does not say why: $(cat "$t/ctest.out")"
