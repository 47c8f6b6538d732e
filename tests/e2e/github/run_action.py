"""Runs a composite GitHub action's shell steps here, as a runner would, for the suite.

Usage: run_action.py ACTION_DIR WORK_DIR NAME=VALUE...  (the inputs)
Evaluates the ${{ inputs.* }}, ${{ steps.*.outputs.* }} and ${{ github.action_path }}
expressions the action uses, gives each step GITHUB_ACTION_PATH, RUNNER_TEMP, GITHUB_OUTPUT and
GITHUB_PATH files (lines added to the latter go on PATH for the next steps), runs `bash -e` on
each step's script in WORK_DIR, and prints the action's outputs as one JSON object.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

action_dir, work_dir, *pairs = sys.argv[1:]
action = yaml.safe_load(open(os.path.join(action_dir, "action.yml")))
assert action["runs"]["using"] == "composite", "not a composite action"
inputs = {name: str(spec.get("default", "")) for name, spec in action.get("inputs", {}).items()}
for pair in pairs:
    name, value = pair.split("=", 1)
    assert name in inputs, f"unknown input {name}"
    inputs[name] = value
for name, spec in action.get("inputs", {}).items():
    assert not spec.get("required") or inputs[name], f"required input {name} missing"
steps = {}
context = {"inputs": inputs, "steps": steps, "github": {"action_path": action_dir}}


def evaluate(text):
    def one(match):
        value = context
        for part in match.group(1).strip().split("."):
            value = value[part]
        return str(value)
    return re.sub(r"\$\{\{\s*([a-zA-Z0-9_.-]+)\s*\}\}", one, str(text))


temp = tempfile.mkdtemp(prefix="runner-temp-")
path = os.environ["PATH"]
for number, step in enumerate(action["runs"]["steps"]):
    assert step.get("shell") == "bash", f"step {number}: shell must be bash"
    output_file = os.path.join(temp, f"output-{number}")
    path_file = os.path.join(temp, f"path-{number}")
    open(output_file, "w").close()
    open(path_file, "w").close()
    env = dict(os.environ, PATH=path, GITHUB_ACTION_PATH=action_dir, RUNNER_TEMP=temp,
               GITHUB_OUTPUT=output_file, GITHUB_PATH=path_file)
    env.update({k: evaluate(v) for k, v in step.get("env", {}).items()})
    # The steps' output is the log (stderr); stdout carries only the outputs document.
    result = subprocess.run(["bash", "-e", "-c", evaluate(step["run"])], cwd=work_dir, env=env, stdout=sys.stderr)
    if result.returncode != 0:
        sys.exit(f"step {number} ({step.get('name')}) failed with {result.returncode}")
    for line in open(path_file).read().splitlines():
        path = line + os.pathsep + path
    if "id" in step:
        steps[step["id"]] = {"outputs": dict(line.split("=", 1) for line in open(output_file).read().splitlines() if "=" in line)}
print(json.dumps({name: evaluate(spec["value"]) for name, spec in action.get("outputs", {}).items()}))
