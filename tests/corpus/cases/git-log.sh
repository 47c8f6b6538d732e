# git reading a repository made at setup (fixed dates, so fixed hashes): log with stats and a
# diff between two commits. safe.directory: the inputs belong to root, the run is uid 993.
packages=(git)
programs=(git)
command=(git -c safe.directory='*' -C /var/task/repo log --stat --format="%h %an %ad %s" --date=iso-strict -p)
setup() { make_repo "$task/repo"; }
