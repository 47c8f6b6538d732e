# graphviz's dot drawing a PNG through its cairo plugin and fonts. Compared as decoded pixels
# (the host's ImageMagick turns both PNGs into RGBA bytes), not PNG bytes.
packages=(graphviz fonts-dejavu-core imagemagick)
programs=(dot)
command=(dot -Tpng /var/task/g.dot)
filter() { pixels; }
setup() { printf 'digraph g { node [fontname="DejaVu Sans"]; hello -> world; }\n' > "$task/g.dot"; }
