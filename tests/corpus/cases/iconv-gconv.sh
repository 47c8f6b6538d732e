# glibc's iconv converting text to KOI8-R and EBCDIC through gconv modules (plugins of the C
# library, found with gconv-modules).
packages=(libc-bin)
programs=(iconv)
command=(iconv -f UTF-8 -t KOI8-R /var/task/ru.txt)
setup() { printf 'привет, корпус\n' > "$task/ru.txt"; }
