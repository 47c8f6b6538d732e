#!/usr/bin/env bash
# elfpack SCRIPT for a `#!/usr/bin/env python3` script that imports the standard library (json,
# sqlite3, re) and works: python3 is found in PATH as env would find it and bundled (env is not:
# the launcher runs python3 itself, with argv[0] "python3" as env gives it); in an empty root with
# Lambda's environment the output is the native run's, sys.argv[0] and __file__ the script's path.
source "$(dirname "$0")/common.inc"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p "$t/app"
cat > "$t/app/report" <<'PYTHON'
#!/usr/bin/env python3
import json, os, re, sqlite3, sys
db = sqlite3.connect(":memory:")
db.execute("create table t (name text, n integer)")
db.executemany("insert into t values (?, ?)", [(w, len(w)) for w in sys.argv[1:]])
rows = db.execute("select name, n from t order by n desc, name").fetchall()
words = re.findall(r"[a-z]+", "Hello, bundled world of scripts")
print(json.dumps({"argv": sys.argv, "file": __file__, "rows": rows, "words": words,
                  "executable": os.path.basename(sys.executable)}, sort_keys=True))
PYTHON
chmod +x "$t/app/report"
native=$("$t/app/report" alpha "be ta" gamma)

# The standard library belongs to another package than python3's (libpython3.x-stdlib): the
# package rule brings it, with default options.
cd "$t"
"$ELFPACK" -q app/report -o report.zip
unzip -l report.zip > listing
grep -q " bin/python3$" listing || fail "python3 is not bundled as a program"
grep -q " bin/env$" listing && fail "env is bundled"
grep -q "/json/__init__.py$" listing || fail "the standard library (json) is not bundled"
root=$(empty_root root)
unzip -q report.zip -d "$root/opt"
expect_output "$native" in_lambda_root "$root" /opt/bin/report alpha "be ta" gamma
