# The corpus's machinery (sourced by run.sh): the host prepared as a user's machine would be (a
# test CA trusted in the system store, the locale Lambda names, a local HTTPS server), and the
# three ways a case's command runs:
#   native   on the host, as Lambda would run it there: private mounts with the case's inputs at
#            /var/task (read-only) and a fresh /tmp, uid 993, Lambda's environment, stdin empty;
#   traced   the same place, under `elfpack --trace -- CMD` (the bundle of the --trace mode);
#   bundled  in an EMPTY root holding only the unpacked bundle at /opt (read-only), /proc, a fresh
#            /tmp and /var/task, entered as `elfpack verify` enters it (src/verify/verify.cpp:
#            mount + PID namespaces, chroot, cwd /var/task, uid 993 gid 990 without groups,
#            Lambda's environment). verify itself merges stdout and stderr and keeps no files, so
#            the corpus enters the root the same way with unshare.

# debian_path NAME: the program NAME as Debian installs it (/usr/bin, /bin, /usr/sbin, /sbin),
# so that a program of the machine's own in /usr/local/bin (first on Lambda's PATH) is not what
# the corpus bundles or compares with; NAME itself when it holds a slash or is not found.
debian_path() {
  local d
  case $1 in */*) echo "$1"; return ;; esac
  for d in /usr/bin /bin /usr/sbin /sbin; do
    [ -x "$d/$1" ] && { echo "$d/$1"; return; }
  done
  echo "$1"
}

# Lambda's environment, as verify sets it (kLambdaEnvironment in src/verify/verify.cpp).
lambda_env=(
  "PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin"
  "LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"
  "LANG=en_US.UTF-8"
  "TZ=:/etc/localtime"
  "LAMBDA_TASK_ROOT=/var/task"
  "LAMBDA_RUNTIME_DIR=/var/runtime"
)
lambda_uid=993
lambda_gid=990
# A case's own variables (its `env`), added as a function's configuration adds them.
case_env=()

# Machine-wide state: the test CA (its key too), made once and trusted by the system store.
corpus_state=/var/lib/elfpack-corpus
ca_installed=/usr/local/share/ca-certificates/elfpack-corpus-ca.crt

# prepare_locale: en_US.UTF-8 (Lambda's LANG) exists on the host, so native runs are clean.
prepare_locale() {
  locale -a 2>/dev/null | grep -qx 'en_US.utf8' && return
  [ -f /etc/locale.gen ] || { echo "corpus: no /etc/locale.gen (install locales)" >&2; return 1; }
  sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen
  grep -q '^en_US.UTF-8 UTF-8' /etc/locale.gen || echo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen
  locale-gen >/dev/null
}

# prepare_ca: a test CA of the corpus's own, installed as a user installs a local CA
# (/usr/local/share/ca-certificates + update-ca-certificates), and a certificate for 127.0.0.1
# signed by it. Kept between runs; remade when the installed copy is not this CA.
prepare_ca() {
  local s=$corpus_state
  mkdir -p "$s"
  if [ ! -s "$s/server.crt" ] || ! cmp -s "$s/ca.crt" "$ca_installed"; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=elfpack corpus test CA" \
      -keyout "$s/ca.key" -out "$s/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$s/server.key" -out "$s/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$s/server.ext"
    openssl x509 -req -in "$s/server.csr" -CA "$s/ca.crt" -CAkey "$s/ca.key" -CAcreateserial -days 3650 \
      -extfile "$s/server.ext" -out "$s/server.crt" 2>/dev/null
    cp "$s/ca.crt" "$ca_installed"
    update-ca-certificates >/dev/null 2>&1
  fi
}

# start_https DIR: serves DIR over HTTPS on 127.0.0.1 with the test CA's certificate; sets
# https_port and https_pid.
start_https() {
  local dir=$1 portfile=$1.port
  rm -f "$portfile"
  python3 - "$dir" "$portfile" "$corpus_state/server.crt" "$corpus_state/server.key" <<'EOF' >/dev/null 2>&1 &
import functools, http.server, ssl, sys
root, portfile, cert, key = sys.argv[1:5]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
handler.log_message = lambda *a: None
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
open(portfile + ".tmp", "w").write(str(httpd.server_address[1]))
import os; os.rename(portfile + ".tmp", portfile)
httpd.serve_forever()
EOF
  https_pid=$!
  for _ in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.1; done
  [ -s "$portfile" ] || { echo "corpus: the HTTPS server did not start" >&2; return 1; }
  https_port=$(cat "$portfile")
}

# in_place TASK TMP UID CMD...: runs CMD on the host with TASK at /var/task (read-only), TMP at
# /tmp and, when $mnt names a directory, that directory at /mnt, in private mount and PID
# namespaces (what it leaves running dies with it, and all of it after $limit seconds), from
# /var/task, as UID, with Lambda's environment, stdin empty. CMD's program is Debian's (see
# debian_path), run under the name the command gives it, as a search of PATH would.
in_place() {
  local task=$1 tmp=$2 uid=$3; shift 3
  mkdir -p /var/task
  timeout -k 5 "${limit:-60}" unshare --mount --pid --fork --kill-child --mount-proc bash -c '
    task=$1 tmp=$2 uid=$3 gid=$4 mnt=$5; shift 5
    mount --bind "$task" /var/task && mount -o remount,bind,ro /var/task && mount --bind "$tmp" /tmp || exit 125
    [ -z "$mnt" ] || mount --bind "$mnt" /mnt || exit 125
    cd /var/task || exit 125
    exec setpriv --reuid="$uid" --regid="$gid" --clear-groups env -i "$@"
  ' in_place "$task" "$tmp" "$uid" "$lambda_gid" "${mnt:-}" "${lambda_env[@]}" "${case_env[@]}" \
    /bin/bash -c 'exec -a "$0" "$@"' "$1" "$(debian_path "$1")" "${@:2}" </dev/null
}

# in_empty_root ROOT TMP CMD...: runs CMD in ROOT (the bundle at ROOT/opt, inputs at
# ROOT/var/task) as elfpack verify does, with TMP at /tmp. CMD's program is looked up in
# Lambda's PATH inside the root, as Lambda's runtime would. Unlike verify's root, this one has
# /dev/null, zero, full, random and urandom and /dev/fd, as Lambda has (git, for one, opens
# /dev/null and stops without it).
in_empty_root() {
  local root=$1 tmp=$2; shift 2
  timeout -k 5 "${limit:-60}" unshare --mount --pid --fork --kill-child bash -c '
    root=$1 tmp=$2 uid=$3 gid=$4; shift 4
    mount --bind "$root" "$root" && mount --bind "$tmp" "$root/tmp" && mount -t proc -o nosuid,nodev,noexec proc "$root/proc" || exit 125
    mkdir -p "$root/dev" && ln -sfn /proc/self/fd "$root/dev/fd" || exit 125
    for d in null zero full random urandom; do
      touch "$root/dev/$d" && mount --bind "/dev/$d" "$root/dev/$d" || exit 125
    done
    for s in stdin:0 stdout:1 stderr:2; do ln -sfn "/proc/self/fd/${s#*:}" "$root/dev/${s%:*}"; done
    mount -o remount,bind,ro "$root" || exit 125
    exec env -i "$@"
  ' in_empty_root "$root" "$tmp" "$lambda_uid" "$lambda_gid" "${lambda_env[@]}" "${case_env[@]}" \
    unshare --root="$root" --wd=/var/task --setgid="$lambda_gid" --setuid="$lambda_uid" "$@" </dev/null
}

# Helpers for the cases' setup and filters (run on the host).

# make_pdf FILE: a one-page PDF with two lines of Helvetica text (not embedded), written out
# with its cross-reference table.
make_pdf() {
  python3 - "$1" <<'PY'
import sys
content = b"BT /F1 18 Tf 72 720 Td (Hello from the corpus) Tj 0 -28 Td (PDF text in Helvetica) Tj ET"
objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
           b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
           b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
           b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
out = bytearray(b"%PDF-1.4\n")
offsets = []
for i, o in enumerate(objects, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
open(sys.argv[1], "wb").write(out)
PY
}

# pixels: an image on stdin as its size and a digest of its RGBA pixels (decoded by the host's
# ImageMagick), for images whose encoded bytes may legitimately differ.
pixels() {
  local f
  f=$(mktemp)
  cat > "$f"
  if [ -s "$f" ]; then
    identify -format '%w x %h\n' "$f" 2>&1 | head -n1
    convert "$f" -depth 8 rgba:- 2>&1 | sha256sum
  fi
  rm -f "$f"
}

# make_repo DIR: a git repository with two commits at fixed dates (so fixed hashes).
make_repo() {
  local r=$1
  git init -q "$r"
  mkdir -p "$r/src"
  printf 'a repository of the corpus\n' > "$r/README.txt"
  printf 'int main(void) { return 0; }\n' > "$r/src/main.c"
  git -C "$r" add -A
  GIT_AUTHOR_DATE=@1700000000 GIT_COMMITTER_DATE=@1700000000 git -C "$r" -c user.name=Corpus -c user.email=c@example.org commit -qm "first commit"
  printf 'int main(void) { return 1; }\n' > "$r/src/main.c"
  GIT_AUTHOR_DATE=@1700000100 GIT_COMMITTER_DATE=@1700000100 git -C "$r" -c user.name=Corpus -c user.email=c@example.org commit -qam "second commit"
}

# check_runner DIR: in_empty_root puts a program in the same place as `elfpack verify` (cwd,
# ids, read-only mounts, environment): fixtures/lambda_probe prints them under both.
check_runner() {
  local d=$1 src=$2 via_verify ours
  rm -rf "$d" && mkdir -p "$d/r"/{opt,proc,tmp,var/task,var/runtime,var/lang/bin} && mkdir -m 1777 "$d/tmp"
  cc -o "$d/lambda_probe" "$src/fixtures/lambda_probe.c" && "$ELFPACK" -q "$d/lambda_probe" -o "$d/probe.zip" || return 1
  via_verify=$("$ELFPACK" verify "$d/probe.zip" -- lambda_probe | sed -n 's/^      | //p')
  unzip -q "$d/probe.zip" -d "$d/r/opt"
  ours=$(in_empty_root "$d/r" "$d/tmp" lambda_probe 2>&1)
  [ -n "$ours" ] && [ "$ours" = "$via_verify" ] || { printf 'corpus: the empty root differs from elfpack verify'"'"'s:\n%s\n--- verify:\n%s\n' "$ours" "$via_verify" >&2; return 1; }
}
