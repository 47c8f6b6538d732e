# groff typesetting to PostScript: troff and grops, groff's font descriptions for its ps device.
# Normalized: the %%CreationDate line.
packages=(groff)
programs=(groff)
command=(groff -ms -Tps /var/task/doc.ms)
filter() { grep -v '^%%CreationDate:'; }
setup() { printf '.TL\nA corpus document\n.PP\nSome \\fBbold\\fP and \\fIitalic\\fP text.\n' > "$task/doc.ms"; }
