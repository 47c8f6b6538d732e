# git cloning a repository over HTTPS from the local server (dumb HTTP protocol): git runs its
# git-remote-https helper (libcurl, the system CA store) and index-pack. The checked-out file is
# compared. Nothing normalized.
packages=(git)
programs=(git)
command=(git clone -q "https://127.0.0.1:$https_port/corpus-repo.git" /tmp/clone)
files=(/tmp/clone/README.txt)
setup() {
  local r=$www/corpus-repo
  [ -d "$www/corpus-repo.git" ] && return
  rm -rf "$r" && git init -q "$r"
  echo "cloned over TLS" > "$r/README.txt"
  git -C "$r" add README.txt
  GIT_AUTHOR_DATE=@1700000000 GIT_COMMITTER_DATE=@1700000000 git -C "$r" -c user.name=corpus -c user.email=c@example.org commit -qm first
  git clone -q --bare "$r" "$www/corpus-repo.git.tmp"
  git -C "$www/corpus-repo.git.tmp" update-server-info
  mv "$www/corpus-repo.git.tmp" "$www/corpus-repo.git"
}
