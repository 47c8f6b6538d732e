# pandoc converting Markdown to a standalone HTML page with its default template (pandoc-data).
packages=(pandoc)
programs=(pandoc)
env=(HOME=/tmp)  # pandoc needs a home (its user data directory); functions set one
command=(pandoc -s --metadata title=Corpus -f markdown -t html5 /var/task/in.md)
setup() { printf '# Hello\n\nSome *emphasis*, a [link](https://example.org) and a list:\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n' > "$task/in.md"; }
