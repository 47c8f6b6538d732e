#!/usr/bin/env bash
# The action's second step: runs elfpack on the inputs (INPUT_* variables) and writes the
# outputs path, size, bundle-id and manifest to $GITHUB_OUTPUT.
set -euo pipefail
read -r -d '' -a programs <<< "$INPUT_PROGRAMS" || true
[ ${#programs[@]} -gt 0 ] || { echo "elfpack action: the programs input is empty" >&2; exit 1; }
read -r -a extra <<< "${INPUT_ARGS:-}" || true
options=()
[ -z "${INPUT_LAMBDA_FUNCTION:-}" ] || options+=(--lambda-function "$INPUT_LAMBDA_FUNCTION")
output=${INPUT_OUTPUT:-layer.zip}
manifest=${RUNNER_TEMP:?}/elfpack-manifest.json
elfpack --json "${options[@]}" "${extra[@]}" "${programs[@]}" -o "$output" > "$manifest"
if [ -d "$output" ]; then
  size=$(find "$output" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
else
  size=$(stat -c %s "$output")
fi
id=$(sed -n 's/^  "bundle_id": "\([0-9a-f]*\)",$/\1/p' "$manifest")
{
  echo "path=$output"
  echo "size=$size"
  echo "bundle-id=$id"
  echo "manifest=$manifest"
} >> "$GITHUB_OUTPUT"
echo "elfpack: $output, $size bytes, bundle $id"
