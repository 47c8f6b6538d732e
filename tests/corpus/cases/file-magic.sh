# file naming the types of several files with libmagic's compiled database (a data-only package).
packages=(file imagemagick)
programs=(file)
command=(file /var/task/in.png /var/task/in.gz /var/task/in.pdf /var/task/script.py /var/task/data.json)
setup() {
  convert -size 8x8 xc:red "$task/in.png"; echo hello | gzip -n > "$task/in.gz"; make_pdf "$task/in.pdf"
  printf '#!/usr/bin/python3\nprint(1)\n' > "$task/script.py"; printf '{"a": [1, 2]}\n' > "$task/data.json"
}
