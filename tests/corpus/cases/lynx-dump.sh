# lynx rendering an HTML page as text; it reads its configuration (lynx.cfg) at a compiled-in path.
packages=(lynx)
programs=(lynx)
command=(lynx -dump -nolist /var/task/page.html)
setup() { printf '<html><head><title>Corpus</title></head><body><h1>Hello</h1><p>A <b>page</b> with a list:</p><ul><li>one</li><li>two</li></ul></body></html>\n' > "$task/page.html"; }
