# GnuPG decrypting a message encrypted at setup with a passphrase: gpg starts its gpg-agent
# helper (left running as a daemon) in a fresh home under /tmp.
packages=(gnupg)
programs=(gpg)
command=(gpg --homedir /tmp/gnupg --batch --pinentry-mode loopback --passphrase corpus --no-keyring --decrypt /var/task/msg.gpg)
setup() {
  local h
  h=$(mktemp -d)
  printf 'a secret from the corpus\n' > "$w/msg.txt"
  gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase corpus --symmetric -o "$task/msg.gpg" "$w/msg.txt" 2>/dev/null
  gpgconf --homedir "$h" --kill all 2>/dev/null || true
  rm -rf "$h"
}
