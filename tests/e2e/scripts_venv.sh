#!/usr/bin/env bash
# elfpack SCRIPT for a console script of a Python virtual environment (python3 -m venv): its #!
# names the venv's python3, a link to /usr/bin/python3, and it imports a package installed in the
# venv's site-packages, which no Debian package lists. The bundle brings the venv whole (its
# pyvenv.cfg, which makes Python take the venv's prefix, and its site-packages) and the base
# interpreter with its standard library; in an empty root with Lambda's environment the script
# prints what it prints natively: the venv as sys.prefix, the package from the venv, the
# standard library from the base, and a module the base has but the venv hides is not found.
source "$(dirname "$0")/common.inc"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
/usr/bin/python3 -m venv --without-pip "$t/venv" || fail "python3 -m venv failed"
site=$("$t/venv/bin/python3" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
mkdir -p "$site/greet"
cat > "$site/greet/__init__.py" <<'PYTHON'
import json
def hello(names):
    return json.dumps({"hello": sorted(names)})
PYTHON
cat > "$t/venv/bin/greet" <<PYTHON
#!$t/venv/bin/python3
# -*- coding: utf-8 -*-
import importlib.util, os, sys
import greet
print(greet.hello(sys.argv[1:]))
print("prefix", sys.prefix, "base", sys.base_prefix)
print("greet from", os.path.dirname(greet.__file__))
print("executable", sys.executable)
# python3-yaml is installed for the base interpreter, in /usr/lib/python3/dist-packages: a venv
# without system site packages does not see it.
print("yaml", importlib.util.find_spec("yaml") is not None)
PYTHON
chmod +x "$t/venv/bin/greet"
native=$("$t/venv/bin/greet" zeta alpha)
grep -q "prefix $t/venv base /usr" <<<"$native" || fail "the venv is not the prefix natively: $native"

cd "$t"
"$ELFPACK" -q "$t/venv/bin/greet" -o greet.zip 2>pack.err || fail "elfpack: $(cat pack.err)"
[ ! -s pack.err ] || fail "elfpack warned: $(cat pack.err)"
unzip -Z1 greet.zip > listing
grep -q "venv/pyvenv.cfg$" listing || fail "the venv's pyvenv.cfg is missing"
grep -q "site-packages/greet/__init__.py$" listing || fail "the venv's package is missing"
grep -q "/json/__init__.py$" listing || fail "the standard library is missing"
root=$(empty_root root)
unzip -q greet.zip -d "$root/opt"
expect_output "$native" in_lambda_root "$root" /opt/bin/greet zeta alpha
expect_output "$native" in_lambda_root "$root" greet zeta alpha
