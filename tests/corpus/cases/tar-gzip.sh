# Two programs in one bundle: tar listing a .tar.gz made at setup, running gzip to decompress it.
packages=(tar gzip)
programs=(tar gzip)
command=(tar -tzvf /var/task/in.tar.gz)
setup() {
  mkdir -p "$w/d/sub"; printf 'one\n' > "$w/d/a.txt"; seq 1 50 > "$w/d/sub/b.txt"
  tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner -czf "$task/in.tar.gz" -C "$w" d
}
