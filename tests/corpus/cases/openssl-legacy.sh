# openssl computing an MD4 digest, which needs its legacy provider module (a plugin in
# ossl-modules, loaded by name).
packages=(openssl)
programs=(openssl)
command=(openssl dgst -provider legacy -provider default -md4 /var/task/msg.txt)
setup() { printf 'digest me\n' > "$task/msg.txt"; }
