# LibreOffice converting a text file to PDF: /usr/bin/soffice is a link to a shell front end that
# finds its directory through the link (ls -l, dirname) and execs oosplash, which runs
# soffice.bin; UNO's bootstrap reads unorc, types.rdb and services.rdb beside its libraries, and
# components are loaded with dlopen from the program directory. HOME=/tmp and a user profile under
# /tmp, as Lambda's users run it (HOME is not writable; uid 993 has no passwd entry here). The PDF
# is compared by its text (pdftotext), since its bytes carry the creation date.
packages=(libreoffice-writer-nogui poppler-utils)
programs=(soffice)
# A .zip layer as a user makes it: past 250 MiB unzipped, so elfpack compresses its files into one
# payload that the run expands into its fresh /tmp (a cold start) before the program starts; the
# layer must be one Lambda takes (run.sh's layer_problem). Compressing some 400 MiB at zstd's
# level 19 takes minutes on two cores shared with another case: a longer pack limit.
pack_timeout=900
env=(HOME=/tmp)
command=(soffice -env:UserInstallation=file:///tmp/lo --headless --convert-to pdf --outdir /tmp /var/task/in.txt)
files=(/tmp/in.pdf)
setup() { printf 'Hello from the corpus\nA second line, converted to PDF by LibreOffice.\n' > "$task/in.txt"; }
filter_file() { pdftotext -layout "$1" -; }
