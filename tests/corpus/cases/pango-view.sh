# pango-view rendering a line of text with a font found through fontconfig into a PNG under /tmp
# (cairo backend). The PNG is compared as decoded pixels.
packages=(pango1.0-tools fonts-dejavu-core imagemagick)
programs=(pango-view)
command=(pango-view --no-display -q --font "DejaVu Sans 16" --text "Hello pango" -o /tmp/out.png)
files=(/tmp/out.png)
filter_file() { pixels < "$1"; }
