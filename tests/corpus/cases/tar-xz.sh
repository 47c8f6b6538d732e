# Two programs in one bundle: tar creating a reproducible archive (sorted, fixed times and owners)
# and running xz, found on PATH, to compress it; the .tar.xz on stdout is compared byte for byte.
packages=(tar xz-utils)
programs=(tar xz)
command=(tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner -cJf - -C /var/task data)
setup() { mkdir -p "$task/data/sub"; printf 'one\n' > "$task/data/a.txt"; seq 1 500 > "$task/data/sub/b.txt"; }
