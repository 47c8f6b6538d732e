#!/usr/bin/env bash
# --trace-log and --trace: what a traced run opened comes into the bundle. A program that dlopens one plugin
# by name (found only through LD_LIBRARY_PATH when traced) and one by absolute path runs in an
# empty root with both, each with its own closure.
source "$(dirname "$0")/common.inc"
command -v strace >/dev/null || fail "strace is not installed (apt-get install strace)"
# Files under /tmp are left out of a trace (as /proc, /sys, /dev): the plugins live elsewhere.
home=$(mktemp -d /var/lib/elfpack-trace.XXXXXX)
mkdir -p "$home/plugins" "$home/abs"
cc -shared -fPIC -o "$home/plugins/libplugdep.so" -DFIX_NAME=plugdep "$fixtures/fixlib.c"
cc -shared -fPIC -o "$home/plugins/libplug.so" -DFIX_NAME=plug -DFIX_MESSAGE='"plugin by name"' "$fixtures/fixlib.c" \
  -Wl,--no-as-needed -L"$home/plugins" -lplugdep '-Wl,-rpath,$ORIGIN'
cc -shared -fPIC -o "$home/abs/libabs.so" -DFIX_NAME=absplug -DFIX_MESSAGE='"plugin by path"' "$fixtures/fixlib.c"
cc -o "$t/plugin_host" "$fixtures/plugin_host.c" -ldl

cd "$t"
LD_LIBRARY_PATH="$home/plugins" strace -f -qq -e trace=file -o trace.log \
  ./plugin_host libplug.so "$home/abs/libabs.so" > traced.out
grep -q "plugin by path" traced.out || fail "the traced run failed: $(cat traced.out)"

"$ELFPACK" -q ./plugin_host --trace-log trace.log -o app.zip
root=$(empty_root root)
unzip -q app.zip -d "$root/opt"
priv=$(echo "$root"/opt/lib/elfpack/*)
for f in lib/libplug.so lib/libplugdep.so lib/libabs.so; do [ -e "$priv/$f" ] || fail "$f not bundled"; done
[ -L "$priv/root$home/abs/libabs.so" ] || fail "libabs.so is not served at its path"
expect_output "plugin by name
plugin by path" in_root "$root" /opt/bin/plugin_host libplug.so "$home/abs/libabs.so"

# The same log from standard input; a log that is not readable is an error naming it.
"$ELFPACK" -q ./plugin_host --trace-log - -o stdin.zip < trace.log
[ -s stdin.zip ] || fail "--trace-log - wrote nothing"
expect_failure "nolog: cannot read the trace log" "$ELFPACK" ./plugin_host --trace-log nolog -o bad.zip >/dev/null
[ ! -e bad.zip ] || fail "bad.zip written"
# --trace records the same without strace: elfpack runs the command under ptrace itself. The
# command's output goes to stderr, so elfpack's stdout stays empty.
LD_LIBRARY_PATH="$home/plugins" "$ELFPACK" -q ./plugin_host -o traced.zip \
  --trace -- ./plugin_host libplug.so "$home/abs/libabs.so" > trace.stdout 2> trace.stderr
[ ! -s trace.stdout ] || fail "stdout of --trace: $(cat trace.stdout)"
grep -q "plugin by name" trace.stderr || fail "the traced command's output: $(cat trace.stderr)"
root2=$(empty_root root2)
unzip -q traced.zip -d "$root2/opt"
expect_output "plugin by name
plugin by path" in_root "$root2" /opt/bin/plugin_host libplug.so "$home/abs/libabs.so"
# Files under the directory the trace runs in are the command's input, not part of the program.
(cd "$home" && "$ELFPACK" -q "$t/plugin_host" -o "$t/cwd.zip" --trace -- "$t/plugin_host" "$home/abs/libabs.so" 2>/dev/null)
[ -z "$(unzip -l cwd.zip | grep libabs.so)" ] || fail "a file under the traced command's directory was bundled"
status=0
"$ELFPACK" ./plugin_host -o x.zip --trace 2> usage.err || status=$?
[ "$status" -eq 2 ] && grep -q "needs '-- COMMAND" usage.err || fail "--trace without a command: exit $status"
rm -rf "$home"
