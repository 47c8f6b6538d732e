# poppler's pdftotext extracting a PDF's text with its layout.
packages=(poppler-utils)
programs=(pdftotext)
command=(pdftotext -layout /var/task/in.pdf -)
setup() { make_pdf "$task/in.pdf"; }
