# graphviz's dot laying out a graph as SVG: its layout and render plugins (config6), text sized
# with the fonts fontconfig finds. Nothing normalized.
packages=(graphviz fonts-dejavu-core)
programs=(dot)
command=(dot -Tsvg /var/task/g.dot)
setup() { printf 'digraph g { rankdir=LR; node [fontname="DejaVu Sans"]; a -> b -> c; a -> c [label="skip"]; }\n' > "$task/g.dot"; }
