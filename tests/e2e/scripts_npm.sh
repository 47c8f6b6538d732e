#!/usr/bin/env bash
# elfpack COMMAND for commands installed from the npm registry, run by the bundled node:
#   - `npm install -g` (into a prefix of the test's): bin/js-yaml is a link to the package's
#     `#!/usr/bin/env node` script, whose dependency (argparse) npm put in the package's own
#     node_modules;
#   - `npm install` in a project: node_modules/.bin/js-yaml, with argparse hoisted into the
#     project's node_modules, where Node's require finds it from the package's directory upwards.
# Each bundle brings node with its closure, the package and what its package.json depends on, and
# nothing else of node_modules; in an empty root with Lambda's environment it converts YAML to
# JSON as the native run does, and reports a YAML error as it does (same stderr, same status).
source "$(dirname "$0")/common.inc"
command -v npm >/dev/null || fail "needs node and npm (./dev.sh test installs Debian's nodejs and npm)"
cd "$t"
# Node trusts its own CA list, not the system's: on a network whose TLS proxy has its CA in the
# system store (as the machine's other clients trust it), npm needs that store added.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
export npm_config_cache=$t/npm-cache npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
npm install -g --prefix "$t/global" js-yaml@4.1.0 >npm.log 2>&1 || fail "npm install -g js-yaml: $(tail -5 npm.log)"
mkdir project
npm install --prefix "$t/project" js-yaml@4.1.0 >>npm.log 2>&1 || fail "npm install js-yaml: $(tail -5 npm.log)"
[ -d "$t/global/lib/node_modules/js-yaml/node_modules/argparse" ] || fail "npm -g did not nest argparse as expected"
[ -d "$t/project/node_modules/argparse" ] || fail "npm did not hoist argparse as expected"
# Something the project has that js-yaml does not need: it must stay out.
mkdir -p "$t/project/node_modules/left-out" && echo '{}' > "$t/project/node_modules/left-out/package.json"

cat > in.yml <<'YAML'
name: bundle
layers: [node, js-yaml]
nested: {a: 1, b: [true, null, 2.5]}
YAML
printf 'a: [1, 2\n' > bad.yml
native=$("$t/global/bin/js-yaml" - < in.yml)
grep -q '"layers"' <<<"$native" || fail "js-yaml did not convert natively: $native"
bad_status=0
"$t/global/bin/js-yaml" - < bad.yml > native-bad.out 2> native-bad.err || bad_status=$?
[ "$bad_status" -ne 0 ] || fail "js-yaml accepted bad YAML natively"

for command in "$t/global/bin/js-yaml" "$t/project/node_modules/.bin/js-yaml"; do
  rm -rf bundle.zip root
  "$ELFPACK" -q "$command" -o bundle.zip 2>pack.err || fail "elfpack $command: $(cat pack.err)"
  [ ! -s pack.err ] || fail "elfpack $command warned: $(cat pack.err)"
  unzip -Z1 bundle.zip > listing
  grep -qx "bin/js-yaml" listing || fail "no bin/js-yaml"
  grep -qx "bin/node" listing || fail "node is not bundled as a program"
  grep -q "/node_modules/argparse/argparse.js$" listing || fail "argparse, js-yaml's dependency, is missing"
  grep -q "/node_modules/js-yaml/lib/loader.js$" listing || fail "js-yaml's own files are missing"
  if grep -q "/left-out/" listing; then fail "a package nothing depends on came with $command"; fi
  root=$(empty_root root)
  unzip -q bundle.zip -d "$root/opt"
  expect_output "$native" in_lambda_root "$root" /opt/bin/js-yaml - < in.yml
  # By name on PATH, as a Lambda function's handler would run it.
  expect_output "$native" in_lambda_root "$root" js-yaml - < in.yml
  status=0
  in_lambda_root "$root" /opt/bin/js-yaml - < bad.yml > bundle-bad.out 2> bundle-bad.err || status=$?
  [ "$status" = "$bad_status" ] || fail "bad YAML: exit $status from the bundle, $bad_status natively"
  cmp -s native-bad.err bundle-bad.err || fail "bad YAML: stderr differs: $(diff native-bad.err bundle-bad.err | head -5)"
done
# inspect shows the npm package before bundling.
"$ELFPACK" inspect "$t/global/bin/js-yaml" > inspect.out 2>&1 || fail "inspect failed: $(cat inspect.out)"
grep -q "argparse" inspect.out || fail "inspect does not show argparse: $(cat inspect.out)"
