# Ghostscript extracting the text of a PDF (txtwrite device): its PDF interpreter and init files.
packages=(ghostscript)
programs=(gs)
command=(gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=txtwrite -sOutputFile=- /var/task/in.pdf)
setup() { make_pdf "$task/in.pdf"; }
