# gawk loading extension modules shipped with it (@load "ordchr", "filefuncs": plugins from
# gawk's extension directory), with strftime in UTC and a locale-aware toupper.
packages=(gawk)
programs=(gawk)
command=(gawk -f /var/task/work.awk /var/task/data.txt)
setup() {
  cat > "$task/work.awk" <<'AWK'
@load "ordchr"
@load "filefuncs"
{ sum[$1] += $2; n++ }
END {
  PROCINFO["sorted_in"] = "@ind_str_asc"
  for (k in sum) printf "%s %d %s\n", k, sum[k], toupper(k)
  print ord("A"), chr(66), strftime("%Y-%m-%d %H:%M", 1700000000, 1)
  stat("/var/task/data.txt", st); print st["type"], st["size"]
}
AWK
  printf 'oslo 3\nrome 5\noslo 7\nzürich 1\n' > "$task/data.txt"
}
