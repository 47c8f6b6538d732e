# Two programs in one bundle: xargs reading file names from a list and running md5sum on them.
packages=(findutils coreutils)
programs=(xargs md5sum)
command=(xargs -a /var/task/list.txt md5sum)
setup() { printf 'one\n' > "$task/a.txt"; printf 'two\n' > "$task/b.txt"; printf '/var/task/a.txt\n/var/task/b.txt\n' > "$task/list.txt"; }
