# python3's sqlite3 and csv modules (the _sqlite3 extension module and libsqlite3): a table made
# in memory, queried with an aggregate and a window function, written out as CSV.
packages=(python3)
programs=(python3)
command=(python3 /var/task/work.py)
setup() {
  cat > "$task/work.py" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(":memory:")
db.execute("create table t (name text, city text, n integer)")
db.executemany("insert into t values (?, ?, ?)", [("ann", "oslo", 3), ("bob", "rome", 5), ("cy", "oslo", 7), ("di", "rome", 1)])
w = csv.writer(sys.stdout, lineterminator="\n")
for row in db.execute("select city, sum(n), group_concat(name, '+') from t group by city order by city"):
    w.writerow(row)
for row in db.execute("select name, rank() over (order by n desc) from t order by name"):
    w.writerow(row)
print(sqlite3.sqlite_version_info >= (3, 0, 0))
PY
}
