# openssl s_client's TLS handshake with the local HTTPS server, the chain verified against the
# default CA directory (-verify_return_error: an untrusted chain fails). Its -brief summary goes
# to stderr. Nothing normalized.
packages=(openssl)
programs=(openssl)
command=(openssl s_client -brief -verify_return_error -connect "127.0.0.1:$https_port")
