#!/usr/bin/env bash
# A TLS client verifies a server's certificate against the CA store its TLS library was built to
# use (curl with OpenSSL: /usr/lib/ssl's cert.pem and certs, /etc/ssl/certs/ca-certificates.crt,
# the hashed links). elfpack brings that store, links included, and the shim serves it at those
# paths: in an empty root the bundled curl trusts a test CA that the build machine's store holds.
# The store is a throwaway root (an overlay of / with the test CA installed by
# update-ca-certificates) given as --sysroot: this machine's own store is not touched.
source "$(dirname "$0")/common.inc"
cd "$t"
command -v curl >/dev/null && command -v update-ca-certificates >/dev/null || skip "no curl or ca-certificates"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=elfpack test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
echo "subjectAltName=IP:127.0.0.1" > ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext 2>/dev/null

# An HTTPS server for a few requests, each awaited 30 s at most.
cat > server.py <<'PY'
import http.server, ssl, sys
class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello over TLS\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hello)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = context.wrap_socket(server.socket, server_side=True)
server.timeout = 30
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
for _ in range(5):
    server.handle_request()
PY
python3 server.py port server.crt server.key &
server=$!
trap 'code=$?; set +e; kill $server 2>/dev/null || true; (exit $code); on_exit' EXIT
await port
url=https://127.0.0.1:$(cat port)/
# This machine does not trust the test CA: its own curl refuses.
status=0
curl -sS "$url" >/dev/null 2>&1 || status=$?
[ "$status" -eq 60 ] || fail "this machine's curl did not refuse the test CA (exit $status)"

# The throwaway root: / with the test CA added to its store.
mkdir upper work sysroot
if ! unshare --mount bash -c '
  set -e
  mount -t overlay overlay -o lowerdir=/,upperdir=upper,workdir=work sysroot 2>/dev/null || exit 77
  cp ca.crt sysroot/usr/local/share/ca-certificates/elfpack-test-ca.crt
  chroot sysroot update-ca-certificates >/dev/null 2>&1
  "$ELFPACK" -v --sysroot sysroot /usr/bin/curl -o curl.zip 2>notes
  printf "#!/bin/sh\nexec /usr/bin/curl -sS \"\$@\"\n" > sysroot/usr/local/bin/fetch
  chmod +x sysroot/usr/local/bin/fetch
  "$ELFPACK" -v --sysroot sysroot /usr/local/bin/fetch -o fetch.zip 2>fetch-notes'; then
  [ -e notes ] || skip "an overlay file system cannot be mounted here (the throwaway root needs one)"
  fail "bundling curl: $(cat notes)"
fi
grep -q "CA store of .*libssl.so.3" notes || fail "no CA store: $(cat notes)"
root=$(empty_root root)
unzip -q curl.zip -d "$root/opt"
expect_output "hello over TLS" in_root "$root" /opt/bin/curl -sS "$url"
# OpenSSL's own directory: cert.pem (a link to the CA bundle), and certs/ with the hashed links.
expect_output "hello over TLS" in_root "$root" /opt/bin/curl -sS --cacert /usr/lib/ssl/cert.pem "$url"
priv=$(echo "$root"/opt/lib/elfpack/*)
hash=$(openssl x509 -hash -noout -in ca.crt)
cmp -s "$priv/root/usr/lib/ssl/certs/$hash.0" ca.crt ||
  fail "the test CA's hashed link does not lead to it inside the bundle: $(ls -l "$priv/root/etc/ssl/certs/$hash.0")"
[ -L "$priv/root/usr/lib/ssl/certs" ] && [ "$(readlink "$priv/root/usr/lib/ssl/certs")" = ../../../etc/ssl/certs ] ||
  fail "certs is not a relative link inside the bundle: $(ls -l "$priv/root/usr/lib/ssl")"
# A TLS library that only a helper loads (a shell script's curl, git's git-remote-https): the
# store is decided over the helpers' closures too.
grep -q "CA store of .*libssl.so.3" fetch-notes || fail "no CA store for a helper's TLS library: $(cat fetch-notes)"
fetch_root=$(empty_root fetch-root)
unzip -q fetch.zip -d "$fetch_root/opt"
expect_output "hello over TLS" in_root "$fetch_root" /opt/bin/fetch "$url"
# Without the store, the same request fails: the bundle is what makes it work.
rm -r "$priv/root/etc/ssl" "$priv/root/usr/lib/ssl"
status=0
in_root "$root" /opt/bin/curl -sS "$url" >/dev/null 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "curl trusted the test CA without the bundled store"
