# wget (GnuTLS) fetching a file from the local HTTPS server, verified against the system CA
# store. Nothing normalized.
packages=(wget)
programs=(wget)
command=(wget -q -O - "https://127.0.0.1:$https_port/hello.txt")
