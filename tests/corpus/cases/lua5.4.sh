# lua5.4 with its standard library: string patterns and formatting, table.sort, utf8, math,
# os.date in UTC. Nothing normalized.
packages=(lua5.4)
programs=(lua5.4)
command=(lua5.4 /var/task/work.lua)
setup() {
  cat > "$task/work.lua" <<'LUA'
local t = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do t[#t + 1] = w end
table.sort(t)
print(table.concat(t, ","))
print(string.format("%5.2f|%-6s|%x", math.pi, "lua", 255), ("hello"):rep(2, "-"), ("abc"):upper())
print(utf8.len("grüße"), utf8.char(72, 228, 8364))
print(os.date("!%Y-%m-%d %H:%M:%S", 1700000000), math.maxinteger, 7 // 2, 2^10)
LUA
}
