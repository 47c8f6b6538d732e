# gpgv checking a detached signature made at setup against a keyring file (no agent).
packages=(gpgv gnupg)
programs=(gpgv)
command=(gpgv --keyring /var/task/pub.gpg /var/task/msg.sig /var/task/msg.txt)
setup() {
  local h
  h=$(mktemp -d)
  printf 'signed by the corpus\n' > "$task/msg.txt"
  gpg --homedir "$h" --batch --passphrase '' --quick-gen-key "Corpus <corpus@example.org>" ed25519 sign never 2>/dev/null
  gpg --homedir "$h" --batch --detach-sign -o "$task/msg.sig" "$task/msg.txt" 2>/dev/null
  gpg --homedir "$h" --export > "$task/pub.gpg"
  gpgconf --homedir "$h" --kill all 2>/dev/null || true
  rm -rf "$h"
}
