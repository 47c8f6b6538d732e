#!/usr/bin/env bash
# The GitHub action (packaging/github-action): its shell steps, run here as a runner runs them
# (tests/e2e/github/run_action.py). With no elfpack on PATH, the install step builds the
# action's own source; the bundle step makes the layer zip and reports its path, size, bundle id
# and manifest, and the layer runs rig in an empty root. Then, with elfpack on PATH, a Lambda
# function into a directory. The example workflow in docs/ uses the action's inputs and outputs.
source "$(dirname "$0")/common.inc"
python3 -c 'import yaml' 2> /dev/null || fail "python3-yaml is missing (apt-get install python3-yaml)"
action=$ELFPACK_SOURCE_DIR/packaging/github-action
runner=$ELFPACK_SOURCE_DIR/tests/e2e/github/run_action.py
mkdir "$t/work"

# No elfpack on PATH: the action builds its own. (PATH keeps the system's tools only.)
PATH=/usr/sbin:/usr/bin:/sbin:/bin python3 "$runner" "$action" "$t/work" programs=rig output=rig-layer.zip \
  > "$t/outputs.json" 2> "$t/action.log" || fail "action: $(tail -20 "$t/action.log")"
grep -q "elfpack: built elfpack" "$t/action.log" || fail "the install step did not build: $(cat "$t/action.log")"
python3 - "$t" <<'PY' || fail "outputs: $(cat "$t/outputs.json")"
import json, os, sys
t = sys.argv[1]
out = json.load(open(f"{t}/outputs.json"))
assert out["path"] == "rig-layer.zip", out
assert int(out["size"]) == os.path.getsize(f"{t}/work/rig-layer.zip"), out
manifest = json.load(open(out["manifest"]))
assert manifest["bundle_id"] == out["bundle-id"] and len(out["bundle-id"]) == 16, out
PY
root=$(empty_root root)
unzip -q "$t/work/rig-layer.zip" -d "$root/opt"
grep -qE '^[A-Z][a-z]+ ' <<<"$(in_root "$root" /opt/bin/rig -c 1)" || fail "the action's layer does not run rig"

# elfpack on PATH: used as it is; a Lambda function into a directory.
mkdir "$t/bin" && ln -s "$ELFPACK" "$t/bin/elfpack"
PATH=$t/bin:/usr/sbin:/usr/bin:/sbin:/bin python3 "$runner" "$action" "$t/work" "programs=rig
true" output=fn/ "lambda-function=rig -c 1" "args=--level 1" > "$t/fn.json" 2> "$t/fn.log" || fail "function: $(cat "$t/fn.log")"
grep -q "elfpack: using $t/bin/elfpack" "$t/fn.log" || fail "not the elfpack on PATH: $(cat "$t/fn.log")"
[ -x "$t/work/fn/bootstrap" ] && [ -e "$t/work/fn/bin/true" ] || fail "no function: $(ls "$t/work/fn")"
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert int(o["size"]) > 0 and o["path"] == "fn/", o' "$t/fn.json" \
  || fail "function outputs: $(cat "$t/fn.json")"

# The documented workflow uses this action with inputs it has and outputs it gives.
python3 - "$ELFPACK_SOURCE_DIR" <<'PY' || fail "docs/github-workflow.yml does not match the action"
import re, sys, yaml
src = sys.argv[1]
action = yaml.safe_load(open(f"{src}/packaging/github-action/action.yml"))
workflow = yaml.safe_load(open(f"{src}/docs/github-workflow.yml"))
steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
uses = [s for s in steps if "packaging/github-action" in s.get("uses", "")]
assert uses, "the workflow does not use the action"
assert set(uses[0].get("with", {})) <= set(action["inputs"]), uses[0]
text = open(f"{src}/docs/github-workflow.yml").read()
for name in re.findall(r"steps\.%s\.outputs\.([a-z-]+)" % uses[0]["id"], text):
    assert name in action["outputs"], name
PY
