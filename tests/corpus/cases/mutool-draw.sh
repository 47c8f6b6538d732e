# MuPDF's mutool rendering a PDF (its built-in fonts stand in for Helvetica) to a gray PGM on stdout.
packages=(mupdf-tools)
programs=(mutool)
command=(mutool draw -q -r 30 -c gray -F pgm -o - /var/task/in.pdf)
setup() { make_pdf "$task/in.pdf"; }
