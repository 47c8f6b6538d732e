#!/usr/bin/env bash
# A killed expansion does not leave its temporary in /tmp forever: the temporary
# (/tmp/elfpack-<digest>-<arch>.XXXXXX) is flock'ed by the expander that fills it, the kernel
# drops the lock when that process dies, and the next start that expands removes every temporary
# of the same tree whose lock it can take (ours, mode 0700), then expands and runs. One that a live
# process holds is left alone. Killed for real (SIGKILL once the temporary appears), and as a
# killed one leaves it (made by hand, so that the test does not depend on when the kill lands).
source "$(dirname "$0")/common.inc"
cd "$t"
data_reader reader /usr/share/fixture/data.txt
mkdir data && echo "from the payload" > data/data.txt
head -c 96M /dev/urandom > data/noise
"$ELFPACK" -q ./reader --add "$t/data=/usr/share/fixture" --compress --compress-level 1 -o app.zip
run=$(empty_root run)
unzip -q app.zip -d "$run/opt"
priv=$(echo "$run"/opt/lib/elfpack/*)
tree_name=elfpack-$(od -An -tx8 -j8 -N8 "$priv/payload" | tr -d ' ')-x86_64

# The expanders running now (this test has a PID namespace of its own: only its processes).
expanders() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" = "$priv/expand-x86_64" ] && echo "${p#/proc/}"
  done
  return 0
}

# Killed for real: a few tries, until the kill lands before the tree is renamed into place.
left=
for try in 1 2 3; do
  lambda_tmp=$t/tmp$try && mkdir -m 1777 "$lambda_tmp"
  in_lambda_root "$run" /opt/bin/reader > /dev/null 2>&1 &
  start=$!
  for _ in $(seq 2000); do
    compgen -G "$lambda_tmp/$tree_name.??????" > /dev/null && break
    [ -e "$lambda_tmp/$tree_name" ] && break
    sleep 0.005
  done
  for pid in $(expanders); do kill -KILL "$pid"; done
  wait "$start" || true
  if compgen -G "$lambda_tmp/$tree_name.??????" > /dev/null && [ ! -e "$lambda_tmp/$tree_name" ]; then
    left=$lambda_tmp
    break
  fi
done
if [ -n "$left" ]; then
  lambda_tmp=$left
  expect_output "data: from the payload" in_lambda_root "$run" /opt/bin/reader
  [ "$(ls -A "$lambda_tmp")" = "$tree_name" ] || fail "after a killed expansion, /tmp holds: $(ls -A "$lambda_tmp")"
else
  echo "note: each expansion ended before it was killed; the killed one is made by hand below"
fi

# As a killed expansion leaves it: partly filled, some directories read-only, no lock held. And
# one a live expansion holds (this test holds its lock): left alone.
lambda_tmp=$t/by-hand && mkdir -m 1777 "$lambda_tmp"
dead=$lambda_tmp/$tree_name.Ab12Cd live=$lambda_tmp/$tree_name.Ef34Gh
mkdir -p "$dead/lib/elfpack/x/lib" "$live"
echo partial > "$dead/lib/elfpack/x/lib/libpartial.so"
chmod 555 "$dead/lib/elfpack/x/lib"
chown -R 993:993 "$dead" "$live" && chmod 700 "$dead" "$live"
exec {held}<"$live"
flock -n "$held" || fail "cannot lock $live"
expect_output "data: from the payload" in_lambda_root "$run" /opt/bin/reader
exec {held}<&-
[ ! -e "$dead" ] || fail "the dead temporary is still there: $(ls -laR "$dead" | head)"
[ -d "$live" ] || fail "the live one was removed"
[ -f "$lambda_tmp/$tree_name/.elfpack-expanded" ] || fail "not expanded: $(ls -A "$lambda_tmp")"
