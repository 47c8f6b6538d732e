# LibreOffice converting a text file to PDF: /usr/bin/soffice is a link to a shell front end that
# finds its directory through the link (ls -l, dirname) and execs oosplash, which runs
# soffice.bin; UNO's bootstrap reads unorc, types.rdb and services.rdb beside its libraries, and
# components are loaded with dlopen from the program directory. HOME=/tmp and a user profile under
# /tmp, as Lambda's users run it (HOME is not writable; uid 993 has no passwd entry here). The PDF
# is compared by its text (pdftotext), since its bytes carry the creation date.
packages=(libreoffice-writer-nogui poppler-utils)
programs=(soffice)
# Into a directory, uncompressed: the application as it runs from /opt (as a .zip it is past
# 250 MiB, and compressed into a payload).
bundle=dir
env=(HOME=/tmp)
command=(soffice -env:UserInstallation=file:///tmp/lo --headless --convert-to pdf --outdir /tmp /var/task/in.txt)
files=(/tmp/in.pdf)
setup() { printf 'Hello from the corpus\nA second line, converted to PDF by LibreOffice.\n' > "$task/in.txt"; }
filter_file() { pdftotext -layout "$1" -; }
