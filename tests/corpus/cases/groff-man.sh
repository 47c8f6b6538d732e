# groff formatting a manual page for a UTF-8 terminal: groff runs its helpers troff and grotty
# and reads its macro packages and device descriptions.
packages=(groff-base)
programs=(groff)
command=(groff -man -Tutf8 /var/task/page.1)
setup() {
  printf '.TH CORPUS 1 2024-01-01 corpus\n.SH NAME\ncorpus \\- a test page\n.SH DESCRIPTION\n.B corpus\nruns \\fIprograms\\fP from bundles.\n.TP\n.B \\-v\nverbose\n' > "$task/page.1"
}
