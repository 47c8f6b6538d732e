# git cloning a local repository through the file:// transport: git runs git-upload-pack (through
# /bin/sh) and index-pack as helpers. The checked-out files are compared. The repository belongs
# to the uid the command runs as (git refuses to serve another user's: safe.directory given with
# -c does not reach git-upload-pack).
packages=(git)
programs=(git)
command=(git -c safe.directory='*' clone -q --no-local "file:///var/task/repo" /tmp/clone)
files=(/tmp/clone/README.txt /tmp/clone/src/main.c)
setup() { make_repo "$task/repo"; chown -R 993:990 "$task/repo"; }
