# coreutils date formatting a fixed time with the locale's formats (%c, %x, %A) under Lambda's
# LANG (en_US.UTF-8: its locale data) and TZ.
packages=(coreutils)
programs=(date)
command=(date -d @1700000000 "+%c | %x | %A %B | %r")
