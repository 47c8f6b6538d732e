# The sqlite3 shell running an SQL script (JSON functions, a recursive query) on a database in memory.
packages=(sqlite3)
programs=(sqlite3)
env=(HOME=/tmp)  # else it warns that it cannot read ~/.sqliterc
command=(sqlite3 -batch :memory: ".read /var/task/q.sql")
setup() {
  printf "create table t(a, b);\ninsert into t values (1, 'one'), (2, 'two'), (3, 'three');\n.mode box\nselect a, upper(b), json_object('a', a) from t;\n.mode list\nwith recursive c(x) as (select 1 union all select x * 2 from c where x < 100) select group_concat(x) from c;\n" > "$task/q.sql"
}
