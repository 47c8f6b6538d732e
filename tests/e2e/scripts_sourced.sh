#!/usr/bin/env bash
# A shell front end that sources its configuration (as Debian's browser front end sources each
# file of /etc/<name>.d/ in a for loop, and they run commands of their own): the files it sources
# by absolute path, through the loop's pattern too, come with it, and the programs they run by name
# come as helpers, so it prints in an empty root with Lambda's environment what it prints here.
source "$(dirname "$0")/common.inc"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
home=$t/front-home
mkdir -p "$home/bin" "$home/conf.d"
echo "Files here are sourced by front." > "$home/conf.d/README"
printf 'FLAGS="$FLAGS --machine=$(uname -m)"\n' > "$home/conf.d/machine"
printf 'FLAGS="$FLAGS --words=`echo one two | wc -w`"\n. %s/common\n' "$home" > "$home/conf.d/words"
printf 'FLAGS="$FLAGS --common=$(basename %s/x/y)"\n' "$home" > "$home/common"
cat > "$home/bin/front" <<EOF2
#!/bin/sh
for file in $home/conf.d/*; do
  test \$file = $home/conf.d/README || . "\$file"
done
echo "flags:\$FLAGS"
EOF2
chmod +x "$home/bin/front"
native=$("$home/bin/front")
[ "$native" = "flags: --machine=$(uname -m) --words=2 --common=y" ] || fail "the front end does not run here: $native"

cd "$t"
"$ELFPACK" -q "$home/bin/front" -o front.zip
unzip -l front.zip > listing
for f in conf.d/README conf.d/machine conf.d/words common; do
  grep -q "/root$home/$f$" listing || fail "$f, which the front end sources, is not bundled"
done
root=$(empty_root root)
unzip -q front.zip -d "$root/opt"
expect_output "$native" in_lambda_root "$root" /opt/bin/front
# inspect shows what it sources, in its text and its JSON.
"$ELFPACK" inspect "$home/bin/front" > inspect.txt
grep -q "^├── sources $home/conf.d/machine$" inspect.txt || fail "inspect does not show what it sources: $(cat inspect.txt)"
"$ELFPACK" inspect --json "$home/bin/front" | python3 -c 'import json, sys; s = json.load(sys.stdin)["scripts"][0]; assert sys.argv[1] in s["sources"], s' \
  "$home/common" || fail "inspect --json does not list what it sources"
