# poppler's pdftoppm rendering a PDF whose text uses Helvetica, not embedded: poppler finds a
# substitute through fontconfig. Gray PGM on stdout, compared byte for byte.
packages=(poppler-utils fonts-dejavu-core)
programs=(pdftoppm)
command=(pdftoppm -r 30 -gray /var/task/in.pdf)
setup() { make_pdf "$task/in.pdf"; }
