# openssl checking a certificate chain made at setup against a CA file and printing the leaf's
# subject and fingerprint (no network).
packages=(openssl)
programs=(openssl)
command=(openssl verify -show_chain -CAfile /var/task/ca.pem /var/task/leaf.pem)
setup() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=corpus-ca -keyout "$w/ca.key" -out "$task/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=leaf -keyout "$w/leaf.key" -out "$w/leaf.csr" 2>/dev/null
  openssl x509 -req -in "$w/leaf.csr" -CA "$task/ca.pem" -CAkey "$w/ca.key" -CAcreateserial -days 3650 -out "$task/leaf.pem" 2>/dev/null
}
