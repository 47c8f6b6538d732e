# qpdf rewriting a PDF in its QDF form with a fixed document ID (--static-id), to stdout.
packages=(qpdf)
programs=(qpdf)
command=(qpdf --qdf --static-id /var/task/in.pdf -)
setup() { make_pdf "$task/in.pdf"; }
