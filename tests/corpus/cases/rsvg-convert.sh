# librsvg's rsvg-convert rendering an SVG with text (pango, fontconfig, fonts) to PNG. Compared
# as decoded pixels.
packages=(librsvg2-bin fonts-dejavu-core imagemagick)
programs=(rsvg-convert)
command=(rsvg-convert /var/task/text.svg)
filter() { pixels; }
setup() {
  printf '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><rect width="160" height="40" fill="white"/><text x="8" y="28" font-family="DejaVu Sans" font-size="20">Hello SVG</text></svg>\n' > "$task/text.svg"
}
