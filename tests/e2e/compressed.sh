#!/usr/bin/env bash
# --compress: the bundle's files in one zstd payload that the first run expands into
# /tmp/elfpack-<digest>-x86_64, run from there (the shim and its index too), reused by later runs
# and by a cold start that lost the race; a tree that fails the launcher's checks (another owner,
# another mode, a link in its place, no stamp, a stamp of another tree) is never run, a damaged
# payload is never expanded, and a full /tmp says what is needed and what is free. Each run in an
# empty root with Lambda's environment and uid, /opt read-only, /tmp a directory of this test.
# A Lambda function (a bootstrap) whose command is a compressed program works too. The zip stores
# the payload as it is (zstd already: deflating it again would cost time for nothing).
source "$(dirname "$0")/common.inc"
cd "$t"
data_reader reader /usr/share/fixture/data.txt
build echo_args echo_args.c
mkdir data && echo "from the payload" > data/data.txt

"$ELFPACK" ./reader ./echo_args --add "$t/data=/usr/share/fixture" --compress --compress-level 3 -o app.zip 2> notes ||
  fail "bundling: $(cat notes)"
grep -q "payload .* expanded): the first run expands it into /tmp/elfpack-[0-9a-f]\{16\}-x86_64, which needs" notes ||
  fail "no payload summary: $(cat notes)"
# Nothing but the launchers, the payload and the expander: no exe/, lib/ or root/ in the layer.
listing=$(unzip -Z1 app.zip | grep -v '/$' | sed 's|lib/elfpack/[0-9a-f]*/|lib/elfpack/ID/|' | sort | tr '\n' ' ')
[ "$listing" = "bin/echo_args bin/reader lib/elfpack/ID/expand-x86_64 lib/elfpack/ID/payload " ] ||
  fail "the layer holds: $listing"
# The payload is zstd already: the zip stores it as it is (method "stor"), not deflated again.
method=$(zipinfo app.zip | awk '$NF ~ /^lib\/elfpack\/[0-9a-f]*\/payload$/ { print $6 }')
[ "$method" = stor ] || fail "the payload's zip method: '$method'"
run=$(empty_root run)
unzip -q app.zip -d "$run/opt"
priv=$(echo "$run"/opt/lib/elfpack/*)
tree_name=elfpack-$(od -An -tx8 -j8 -N8 "$priv/payload" | tr -d ' ')-x86_64

# fresh_tmp NAME: an empty /tmp for the runs (mode 1777, as Lambda's).
fresh_tmp() { mkdir -p "$t/$1" && chmod 1777 "$t/$1" && echo "$t/$1"; }

# First run: expanded, then run from the tree (the data served by the shim from there).
lambda_tmp=$(fresh_tmp tmp1)
expect_output "data: from the payload" in_lambda_root "$run" /opt/bin/reader
tree=$lambda_tmp/$tree_name
[ "$(stat -c '%a %u %F' "$tree")" = "700 993 directory" ] || fail "the tree is $(stat -c '%a %u %F' "$tree")"
[ -f "$tree/lib/elfpack/$(basename "$priv")/root.index" ] || [ -n "$(ls "$tree"/lib/elfpack/*/root.index)" ] ||
  fail "no root.index in the tree: $(ls -R "$tree" | head -20)"
[ "$(ls -A "$lambda_tmp")" = "$tree_name" ] || fail "left in /tmp: $(ls -A "$lambda_tmp")"
native=$(cd "$t" && env -i "${lambda_environment[@]}" ./echo_args one 'two words' | sed 's|^argv\[0\]=.*|argv[0]=/opt/bin/echo_args|')
expect_output "$native" in_lambda_root "$run" /opt/bin/echo_args one 'two words'

# Without /proc (the launcher finds itself through AT_EXECFN, the expander through its argv[0]).
noproc=$(empty_root noproc)
unzip -q app.zip -d "$noproc/opt"
mkdir -m 1777 "$noproc/tmp"
expect_output "data: from the payload" in_root_without_proc "$noproc" /opt/bin/reader
[ -f "$noproc/tmp/$tree_name/.elfpack-expanded" ] || fail "no tree without /proc: $(ls -A "$noproc/tmp")"

# Later runs reuse the tree: they work without the payload.
mv "$priv/payload" "$t/payload.saved"
expect_output "data: from the payload" in_lambda_root "$run" /opt/bin/reader
mv "$t/payload.saved" "$priv/payload"

# Cold starts at once (a bundle with 48 MiB of noise, so that each expansion takes long enough for
# the others to start theirs): all run; the winner's tree stays, no temporary.
head -c 48M /dev/urandom > data/noise
"$ELFPACK" -q ./reader --add "$t/data=/usr/share/fixture" --compress --compress-level 1 -o race.zip
race=$(empty_root race)
unzip -q race.zip -d "$race/opt"
lambda_tmp=$(fresh_tmp tmp2)
starts=()
for i in 1 2 3 4; do
  in_lambda_root "$race" /opt/bin/reader > "out$i" 2>&1 &
  starts+=($!)
done
for i in 1 2 3 4; do
  wait "${starts[i - 1]}" || fail "cold start $i: $(cat "out$i")"
  [ "$(cat "out$i")" = "data: from the payload" ] || fail "cold start $i printed: $(cat "out$i")"
done
[ "$(ls -A "$lambda_tmp" | wc -l)" = 1 ] || fail "left in /tmp after cold starts at once: $(ls -A "$lambda_tmp")"

lambda_tmp=$(fresh_tmp tmp3)
expect_output "data: from the payload" in_lambda_root "$run" /opt/bin/reader
good=$lambda_tmp/$tree_name

# A tree that fails a check is never run, whatever made it.
refused() {  # refused NAME PATTERN: a /tmp prepared by the caller at $lambda_tmp
  expect_failure "^elfpack launcher: /tmp/$tree_name: $2" in_lambda_root "$run" /opt/bin/reader > /dev/null
}
lambda_tmp=$(fresh_tmp other-owner) && mkdir -m 700 "$lambda_tmp/$tree_name"  # root's
refused other-owner "owned by another user: not used"
lambda_tmp=$(fresh_tmp mode) && cp -a "$good" "$lambda_tmp/" && chmod 755 "$lambda_tmp/$tree_name"
refused mode "not of mode 0700: not used"
lambda_tmp=$(fresh_tmp link) && cp -a "$good" "$lambda_tmp/elsewhere" && ln -s elsewhere "$lambda_tmp/$tree_name"
refused link "not a directory \(a link or a file in its place\): not used"
lambda_tmp=$(fresh_tmp truncated) && cp -a "$good" "$lambda_tmp/" && rm "$lambda_tmp/$tree_name/.elfpack-expanded"
refused truncated "incomplete \(no .elfpack-expanded stamp\): not used; remove it"
lambda_tmp=$(fresh_tmp mismatch) && cp -a "$good" "$lambda_tmp/" &&
  chmod 600 "$lambda_tmp/$tree_name/.elfpack-expanded" && echo -n elfpack-0000000000000000-x86_64 > "$lambda_tmp/$tree_name/.elfpack-expanded"
refused mismatch "digest mismatch \(its stamp names another tree\): not used; remove it"

# A damaged payload is refused before anything is written, and leaves nothing.
cp "$priv/payload" payload.good
size=$(stat -c %s payload.good)
printf 'X' | dd of="$priv/payload" bs=1 seek=$((size - 100)) conv=notrunc status=none
lambda_tmp=$(fresh_tmp damaged)
expect_failure "^elfpack expander: /opt/bin/../lib/elfpack/[0-9a-f]+/payload: payload damaged: a frame does not expand" in_lambda_root "$run" /opt/bin/reader > /dev/null
[ -z "$(ls -A "$lambda_tmp")" ] || fail "a damaged payload left: $(ls -A "$lambda_tmp")"
printf 'X' | dd of="$priv/payload" bs=1 seek=60 conv=notrunc status=none  # in the index: the digest
expect_failure "payload damaged: its index does not match its digest" in_lambda_root "$run" /opt/bin/reader > /dev/null
cp payload.good "$priv/payload"

# A full /tmp: one line, what is needed and what is free; nothing left behind.
lambda_tmp=$t/small && mkdir "$lambda_tmp" && mount -t tmpfs -o size=64k,mode=1777 tmpfs "$lambda_tmp"
unmount_small() { umount "$t/small"; }
at_exit unmount_small
expect_failure "^elfpack expander: /tmp: not enough space to expand this bundle: [0-9.]+ MiB needed, 0\.[0-9] MiB available" \
  in_lambda_root "$run" /opt/bin/reader > /dev/null
[ -z "$(ls -A "$lambda_tmp")" ] || fail "a full /tmp kept: $(ls -A "$lambda_tmp")"

# A program's identity from the tree: /proc/self/exe is the path it had, the data beside it is
# found, running /proc/self/exe again runs it through a launcher (the tree's bin/, a copy of the
# bundle's); argv[0] is what was typed. For glibc and for musl programs (their own launchers).
with_tmp() { mkdir -m 1777 "$1/tmp"; }
identity_flags=(--compress --compress-level 3)
r=$t/sysroot
glibc_root "$r"
cc -o "$r/usr/bin/identity" "$fixtures/identity.c"
check_identity "$r" id.zip with_tmp
m=$t/musl-sysroot
mkdir -p "$m/lib" "$m/usr/bin"
cp /lib/ld-musl-x86_64.so.1 "$m/lib/"
musl-gcc -o "$m/usr/bin/identity" "$fixtures/identity.c"
check_identity "$m" musl-id.zip with_tmp

# A Lambda function whose command is a compressed bundle's program: the bootstrap's first event
# expands the payload, the next ones reuse the tree.
cc -o "$t/handler" "$fixtures/handler.c"
"$ELFPACK" -q ./handler --lambda-function handler --compress --compress-level 3 -o function.zip
fn=$(empty_root fn)
mkdir -p "$fn/var/task" && mkdir -m 1777 "$fn/tmp"
unzip -q function.zip -d "$fn/var/task"
serve "$t/api" first:5000 second:5000
AWS_LAMBDA_RUNTIME_API=127.0.0.1:$(cat "$t/api/port") in_root "$fn" /var/task/bootstrap 2> bootstrap.err &
boot=$!
r=_2018-06-01_runtime_invocation_
await "$t/api/${r}req-0_response" "$t/api/${r}req-1_response"
stop "$t/api" "$boot"
[ "$(head -n1 "$t/api/${r}req-0_response")" = "handled first for req-0" ] || fail "event 0: $(cat "$t/api/${r}req-0_response")"
[ "$(head -n1 "$t/api/${r}req-1_response")" = "handled second for req-1" ] || fail "event 1: $(cat "$t/api/${r}req-1_response")"
[ "$(ls "$fn/tmp")" = "$(cd "$fn/tmp" && echo elfpack-*-x86_64)" ] || fail "the function's /tmp: $(ls -A "$fn/tmp")"
