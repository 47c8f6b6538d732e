# Ghostscript rendering PostScript that draws text with the standard fonts (its init files, font
# map, the URW fonts), as raw gray pixels (PGM: compared byte for byte).
packages=(ghostscript)
programs=(gs)
command=(gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pgmraw -r40 -sOutputFile=- /var/task/text.ps)
setup() {
  printf '%%!PS\n/Times-Roman findfont 24 scalefont setfont 72 700 moveto (Hello from the corpus) show\n/Helvetica-Bold findfont 18 scalefont setfont 72 650 moveto (Ghostscript) show showpage\n' > "$task/text.ps"
}
