# GnuPG listing the packets of a signature and a public key made at setup (parsing only, no agent
# needed), in a fresh home under /tmp.
packages=(gnupg)
programs=(gpg)
command=(gpg --homedir /tmp/gnupg --batch --no-keyring --list-packets /var/task/msg.sig)
setup() {
  local h
  h=$(mktemp -d)
  printf 'signed by the corpus\n' > "$w/msg.txt"
  gpg --homedir "$h" --batch --passphrase '' --quick-gen-key "Corpus <corpus@example.org>" ed25519 sign never 2>/dev/null
  gpg --homedir "$h" --batch --detach-sign -o "$task/msg.sig" "$w/msg.txt" 2>/dev/null
  gpgconf --homedir "$h" --kill all 2>/dev/null || true
  rm -rf "$h"
}
