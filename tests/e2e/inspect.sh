#!/usr/bin/env bash
# `elfpack inspect` lists what the real loader loads (checked against ld.so --list), says which
# rule found each library, reports missing ones with where they were looked for (exit 1), and
# --json is one document on stdout.
source "$(dirname "$0")/common.inc"

# Every "name => path" the real loader prints for rig, inspect --flat prints too.
flat=$("$ELFPACK" inspect --flat rig)
real=$(/lib64/ld-linux-x86-64.so.2 --list "$(command -v rig)")
while read -r name arrow path _; do
  [ "$arrow" = "=>" ] || continue
  grep -qF "  $name => $path (" <<<"$flat" || fail "inspect misses $name => $path: $flat"
done <<<"$real"
grep -q '^  libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (cache)$' <<<"$flat" || fail "rule: $flat"

# The tree puts each library under the object that first needed it.
tree=$("$ELFPACK" inspect rig)
grep -q '^├── libstdc++.so.6 => ' <<<"$tree" || fail "tree: $tree"
grep -q '^│   ├── libm.so.6 => ' <<<"$tree" || fail "tree: $tree"
grep -q '^interpreter: /lib64/ld-linux-x86-64.so.2$' <<<"$tree" || fail "tree: $tree"

# A missing library: shown with where it was searched, exit 1, and nothing on stderr.
mkdir -p "$t/lib"
cc -shared -fPIC -o "$t/lib/libgone.so" -DFIX_NAME=gone "$fixtures/fixlib.c"
cc -o "$t/prog" -DFIX_CALLS=gone "$fixtures/fixprog.c" -L"$t/lib" -lgone "-Wl,-rpath,$t/lib"
rm "$t/lib/libgone.so"
status=0
out=$("$ELFPACK" inspect --flat "$t/prog" 2>"$t/err") || status=$?
[ "$status" -eq 1 ] || fail "missing library: exit $status"
grep -q "^  libgone.so => not found; searched RUNPATH of $t/prog: $t/lib; cache /etc/ld.so.cache; default dirs: " <<<"$out" \
  || fail "missing: $out"
[ ! -s "$t/err" ] || fail "stderr: $(cat "$t/err")"

# JSON: one document, the schema named, the missing library in it.
json=$("$ELFPACK" inspect --json "$t/prog" rig) || true
[ "$(head -c1 <<<"$json")" = "{" ] && [ "$(tail -n1 <<<"$json")" = "}" ] || fail "not one document: $json"
grep -q '"schema": "elfpack-inspect/1"' <<<"$json" || fail "no schema"
grep -q '"name": "libgone.so"' <<<"$json" || fail "missing not in JSON"
grep -q '"found_by": "cache"' <<<"$json" || fail "no rule in JSON"
if command -v python3 >/dev/null; then python3 -m json.tool <<<"$json" >/dev/null || fail "invalid JSON"; fi

# A static program loads nothing; a script shows its #! chain, then its interpreter's closure.
build static_echo echo_args.c -static
grep -q 'static executable, loads no shared objects' <<<"$("$ELFPACK" inspect "$t/static_echo")" || fail static
printf '#!/bin/sh -e\n' > "$t/script"
out=$("$ELFPACK" inspect "$t/script")
grep -qx "$t/script: a script: #!/bin/sh -e" <<<"$out" || fail "script: $out"
grep -qx "└── interpreter /bin/sh, run as: /bin/sh -e $t/script ARGS..." <<<"$out" || fail "script: $out"
grep -qx "/bin/sh" <<<"$out" || fail "script: no closure of /bin/sh: $out"
