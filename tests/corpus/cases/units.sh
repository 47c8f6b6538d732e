# GNU units converting with its definitions file (a compiled-in data path).
packages=(units)
programs=(units)
command=(units --terse "3 furlongs per fortnight" "mm/s")
