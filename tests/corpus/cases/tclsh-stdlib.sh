# tclsh with its library: clock (GMT), dict, string map, lsort, msgcat and http packages from
# the Tcl library directory, encoding tables (iso8859-1, koi8-r). Nothing normalized.
packages=(tcl)
programs=(tclsh)
command=(tclsh /var/task/work.tcl)
setup() {
  cat > "$task/work.tcl" <<'TCL'
package require msgcat
package require http
set d [dict create b 2 a 1 c 3]
puts [lsort [dict keys $d]]
puts [clock format 1700000000 -format "%Y-%m-%d %H:%M:%S %A" -gmt 1]
puts [string map {a A b B} "abcabc"]
puts [http::formatQuery q "two words" x &]
puts [binary encode hex [encoding convertto koi8-r "привет"]]
puts [binary encode hex [encoding convertto iso8859-1 "grüße"]]
puts [format "%.3f %5d %s" 3.14159 42 [string toupper tcl]]
TCL
}
