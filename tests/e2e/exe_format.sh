#!/usr/bin/env bash
# --format exe: one executable file holding a compressed bundle (the expander, the payload after
# it). Run, it expands into $XDG_CACHE_HOME/elfpack or /tmp, checks the tree as a launcher does and
# runs the program its name (a link) names, else the first program bundled; later runs reuse the
# tree. In an empty root with Lambda's environment (no XDG_CACHE_HOME: /tmp) and without it.
source "$(dirname "$0")/common.inc"
cd "$t"
data_reader reader /usr/share/fixture/data.txt
build echo_args echo_args.c
mkdir data && echo "from the single file" > data/data.txt
"$ELFPACK" -q ./reader ./echo_args --add "$t/data=/usr/share/fixture" --format exe --compress-level 3 -o app
[ -x app ] && [ "$(head -c4 app | od -An -c | tr -d ' ')" = '177ELF' ] || fail "app is not an executable: $(ls -l app)"
[ "$(tail -c32 app | head -c7)" = EPKEXE1 ] || fail "no trailer"

run=$(empty_root run)
mkdir -p "$run/opt"
cp app "$run/opt/app"
ln -s app "$run/opt/echo_args"
lambda_tmp=$t/tmp && mkdir -m 1777 "$lambda_tmp"
expect_output "data: from the single file" in_lambda_root "$run" /opt/app
tree=$(echo "$lambda_tmp"/elfpack-*-x86_64)
[ "$(stat -c '%a %u' "$tree")" = "700 993" ] || fail "the tree: $(ls -la "$lambda_tmp")"
out=$(in_lambda_root "$run" /opt/echo_args "two words")
grep -qx "argv\[0\]=/opt/echo_args" <<<"$out" && grep -qx "argv\[1\]=two words" <<<"$out" || fail "by its link's name: $out"
[ "$(ls -A "$lambda_tmp")" = "$(basename "$tree")" ] || fail "left in /tmp: $(ls -A "$lambda_tmp")"
# A tree that fails the checks is not used.
chmod 755 "$tree"
expect_failure "^elfpack expander: /tmp/elfpack-[0-9a-f]+-x86_64: not of mode 0700: not used$" in_lambda_root "$run" /opt/app >/dev/null

# $XDG_CACHE_HOME, when set: its elfpack/ holds the tree.
root=$(empty_root cache)
cp app "$root/app"
XDG_CACHE_HOME=/cache expect_output "data: from the single file" in_root "$root" /app
[ -f "$(echo "$root"/cache/elfpack/elfpack-*-x86_64/.elfpack-expanded)" ] || fail "nothing in the cache: $(ls -R "$root/cache" | head)"
