#!/usr/bin/env bash
# A Lambda function with no runtime: --lambda-function puts a bootstrap at the top that speaks the
# Runtime API. Against a fake Runtime API on 127.0.0.1, run from /var/task in an empty root, it
# answers events in order with the command's output (request id in its environment), reports a
# failing command and a passed deadline on /error; from a layer (/opt) it works too; a command
# that cannot run is reported on init/error; --json-response posts the output as one JSON string.
source "$(dirname "$0")/common.inc"
command -v python3 >/dev/null || fail "python3 is not installed (the fake Runtime API needs it)"
cc -o "$t/handler" "$fixtures/handler.c"
cd "$t"
"$ELFPACK" -q ./handler --lambda-function handler -o function.zip
[ "$(zipinfo -1 function.zip | grep -c '^bootstrap')" -eq 2 ] || fail "no bootstrap: $(zipinfo -1 function.zip)"
[ "$(zipinfo function.zip bootstrap | awk '{print $1}')" = "-rwxr-xr-x" ] || fail "bootstrap is not executable"

root=$(empty_root task-root)
mkdir -p "$root/var/task"
unzip -q function.zip -d "$root/var/task"
api=$t/api
serve "$api" hello:5000 fail:5000 slow:1000 bye:5000
AWS_LAMBDA_RUNTIME_API=127.0.0.1:$(cat "$api/port") in_root "$root" /var/task/bootstrap 2> bootstrap.err &
boot=$!
r=_2018-06-01_runtime_invocation_
await "$api/${r}req-0_response" "$api/${r}req-1_error" "$api/${r}req-2_error" "$api/${r}req-3_response"
stop "$api" "$boot"
[ "$(head -n1 "$api/${r}req-0_response")" = "handled hello for req-0" ] || fail "event 0: $(cat "$api/${r}req-0_response")"
grep -q '"errorType":"Runtime.ExitError"' "$api/${r}req-1_error" && grep -q "status 3" "$api/${r}req-1_error" \
  && [ "$(tail -n1 "$api/${r}req-1_error")" = "Runtime.ExitError" ] || fail "event 1: $(cat "$api/${r}req-1_error")"
grep -q '"errorType":"Runtime.Timeout"' "$api/${r}req-2_error" || fail "event 2: $(cat "$api/${r}req-2_error")"
[ "$(head -n1 "$api/${r}req-3_response")" = "handled bye for req-3" ] || fail "event 3: $(cat "$api/${r}req-3_response")"

# From a layer: the same zip unpacked at /opt.
root=$(empty_root layer-root)
unzip -q function.zip -d "$root/opt"
api=$t/api2
serve "$api" layer:5000
AWS_LAMBDA_RUNTIME_API=127.0.0.1:$(cat "$api/port") in_root "$root" /opt/bootstrap 2> bootstrap2.err &
boot=$!
await "$api/${r}req-0_response"
stop "$api" "$boot"
[ "$(head -n1 "$api/${r}req-0_response")" = "handled layer for req-0" ] || fail "from /opt: $(cat "$api/${r}req-0_response")"

# A command that cannot run: init/error, and the bootstrap ends.
root=$(empty_root broken-root)
mkdir -p "$root/var/task"
unzip -q function.zip -d "$root/var/task"
rm "$root/var/task/bin/handler"
api=$t/api3
serve "$api" never:5000
status=0
AWS_LAMBDA_RUNTIME_API=127.0.0.1:$(cat "$api/port") in_root "$root" /var/task/bootstrap 2> /dev/null || status=$?
await "$api/_2018-06-01_runtime_init_error"
stop "$api" ""
[ "$status" -ne 0 ] || fail "a broken function's bootstrap exited 0"
grep -q "Runtime.InvalidEntrypoint" "$api/_2018-06-01_runtime_init_error" || fail "init error: $(cat "$api/_2018-06-01_runtime_init_error")"

# --json-response: the output as one JSON string; every error body is JSON with a stackTrace.
"$ELFPACK" -q ./handler --lambda-function handler --json-response -o json.zip
root=$(empty_root json-root)
mkdir -p "$root/var/task"
unzip -q json.zip -d "$root/var/task"
api=$t/api4
serve "$api" odd:5000 fail:5000
AWS_LAMBDA_RUNTIME_API=127.0.0.1:$(cat "$api/port") in_root "$root" /var/task/bootstrap 2> /dev/null &
boot=$!
await "$api/${r}req-0_response" "$api/${r}req-1_error"
stop "$api" "$boot"
python3 - "$api/${r}req-0_response" "$t/api/${r}req-1_error" "$t/api/${r}req-2_error" "$api/${r}req-1_error" <<'PY' || fail "JSON bodies: $(cat "$api/${r}req-0_response")"
import json, sys
response = json.loads(open(sys.argv[1], "rb").read().rsplit(b"\n", 1)[0])
assert response == 'say "hi" \\ \t\x01 caf\u00e9 \ufffd end\n', repr(response)
for path in sys.argv[2:]:
    error = json.loads(open(path, "rb").read().rsplit(b"\n", 1)[0])
    assert set(error) == {"errorMessage", "errorType", "stackTrace"} and error["stackTrace"] == [], error
PY
status=0
message=$("$ELFPACK" ./handler --json-response -o x.zip 2>&1) || status=$?
[ "$status" -ne 0 ] && [[ $message == *"requires --lambda-function"* ]] && [ ! -e x.zip ] \
  || fail "--json-response without --lambda-function: exit $status, $message"
