# curl (OpenSSL) fetching a file from the corpus's local HTTPS server on 127.0.0.1, verified
# against the system CA store, where the corpus installed its test CA. Nothing normalized.
packages=(curl)
programs=(curl)
command=(curl -sS --fail "https://127.0.0.1:$https_port/hello.txt")
