#!/usr/bin/env bash
# `elfpack --json`: stdout holds one JSON document — the manifest — and nothing else; it names
# every entry of the written zip (and nothing more), with the size and mode the zip has, the
# source each copied file came from and why it is there; it agrees with a directory output; and
# --json with the bundle on stdout is a usage error.
source "$(dirname "$0")/common.inc"
cd "$t"
build echo_args echo_args.c
"$ELFPACK" --json ./echo_args rig -o b.zip > manifest.json 2> err.txt
python3 - "$t" <<'PY' || fail "manifest does not match the zip"
import json, os, stat, sys, zipfile
t = sys.argv[1]
m = json.load(open(f"{t}/manifest.json"))   # the whole of stdout must be one document
assert m["schema"] == "elfpack-manifest/1" and m["format"] == "zip" and m["output"] == "b.zip", m
z = zipfile.ZipFile(f"{t}/b.zip")
entries = {i.filename: i for i in z.infolist() if not i.filename.endswith("/")}
listed = {f["path"]: f for f in m["files"]}
assert set(entries) == set(listed), (set(entries) ^ set(listed))
assert any(p.startswith(f"lib/elfpack/{m['bundle_id']}/") for p in listed), m["bundle_id"]
for path, f in listed.items():
    info = entries[path]
    mode = (info.external_attr >> 16)
    assert f["why"], path
    if f["type"] == "symlink":
        assert stat.S_ISLNK(mode) and z.read(path).decode() == f["target"], path
        continue
    assert info.file_size == f["size"], (path, info.file_size, f["size"])
    assert "%04o" % stat.S_IMODE(mode) == f["mode"], (path, oct(mode), f["mode"])
    if f["type"] == "file":
        assert os.path.getsize(f["source"]) == f["size"], path
        assert open(f["source"], "rb").read() == z.read(path), path
    else:
        assert f["type"] == "generated" and "source" not in f, path
assert m["totals"]["files"] == len(listed)
assert m["totals"]["unpacked_bytes"] == sum(f["size"] for f in listed.values())
assert m["totals"]["output_bytes"] == os.path.getsize(f"{t}/b.zip")
# A zip is a layer: what Lambda counts is the sum of the entries' sizes.
assert m["lambda"]["unzipped_bytes"] == m["totals"]["unpacked_bytes"], m["lambda"]
assert m["lambda"]["zipped_bytes"] == os.path.getsize(f"{t}/b.zip") and m["lambda"]["direct_upload"] is True, m["lambda"]
assert any(f["why"] == "package rig" and f["package"] == "rig" for f in listed.values()), "rig's data has no reason"
assert any(f["why"].startswith("closure: ") and f["package"] == "libc6" for f in listed.values()), "closure files"
sizes = {p["name"]: p for p in m["packages"]}
assert sizes["rig"]["bytes"] == sum(f["size"] for f in listed.values() if f["package"] == "rig"), sizes
assert sizes["libc6"]["files"] >= 1, sizes
assert listed["bin/rig"]["why"].startswith("launcher: runs /usr/bin/rig"), listed["bin/rig"]
PY
grep -q "wrote b.zip" err.txt || fail "messages belong on stderr: $(cat err.txt)"

# A directory: the same files, no output size.
"$ELFPACK" -q --json ./echo_args rig -o tree/ > tree.json
python3 - "$t" <<'PY' || fail "directory manifest"
import json, sys
t = sys.argv[1]
a, b = json.load(open(f"{t}/manifest.json")), json.load(open(f"{t}/tree.json"))
assert b["format"] == "dir" and b["totals"]["output_bytes"] is None and b["lambda"] is None
assert [f["path"] for f in a["files"]] == [f["path"] for f in b["files"]]
PY

status=0
"$ELFPACK" --json ./echo_args -o - > /dev/null 2> err.txt || status=$?
[ "$status" -eq 2 ] && grep -q "standard output carries the manifest" err.txt || fail "--json -o -: exit $status: $(cat err.txt)"

# The bundle the manifest describes runs in an empty root.
root=$(empty_root root)
unzip -q b.zip -d "$root/opt"
grep -qE '^[A-Z][a-z]+ ' <<<"$(in_root "$root" /opt/bin/rig -c 1)" || fail "b.zip's rig does not run"
grep -qx "argv\[0\]=/opt/bin/echo_args" <<<"$(in_root "$root" /opt/bin/echo_args)" || fail "b.zip's echo_args does not run"
