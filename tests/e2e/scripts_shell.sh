#!/usr/bin/env bash
# A shell front end (as office suites and browsers ship them: set variables, exec the real
# program): the ELF program it execs by absolute path is found by reading it and bundled as a
# helper, with its own library and a launcher at its path; /bin/sh (dash) is bundled as its
# interpreter, so it runs in an empty root with Lambda's environment, and prints what it prints
# natively. Also: a script whose interpreter is a script (argv as Linux nests it), and env -S.
source "$(dirname "$0")/common.inc"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
home=$t/front-home
mkdir -p "$home/lib" "$home/bin"
cc -shared -fPIC -o "$home/lib/libfront.so" -DFIX_NAME=front -DFIX_MESSAGE='"its own library"' "$fixtures/fixlib.c"
cat > "$t/real.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
extern const char *fix_message(void);
int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  printf("FRONT=%s, %s\n", getenv("FRONT"), fix_message());
  return 0;
}
C
cc -o "$home/lib/real" "$t/real.c" -L"$home/lib" -lfront '-Wl,-rpath,$ORIGIN'
cat > "$home/bin/front" <<EOF2
#!/bin/sh
# A front end: set up, then run the real program.
FRONT="set by the front end"; export FRONT
test -x $home/lib/real || exit 9
echo "front: \$0 \$#"
exec "$home/lib/real" --from-front "\$@"
EOF2
chmod +x "$home/bin/front"
native=$("$home/bin/front" a "b c")

cd "$t"
"$ELFPACK" -q "$home/bin/front" -o front.zip
unzip -l front.zip > listing
grep -q " bin/sh$" listing || fail "/bin/sh is not bundled"
grep -q "/root$home/lib/real$" listing || fail "the program the front end runs has no launcher at its path"
root=$(empty_root root)
unzip -q front.zip -d "$root/opt"
expect_output "$native" in_lambda_root "$root" /opt/bin/front a "b c"
"$ELFPACK" inspect "$home/bin/front" > inspect.txt
grep -q "^└── runs $home/lib/real$" inspect.txt || fail "inspect does not show what the front end runs: $(cat inspect.txt)"

# A script whose interpreter is a script: sh gets the inner script, its argument, the outer one.
printf '#!/bin/sh\necho "inner: $0 [$*]"\n' > "$home/bin/inner"
printf '#!%s from-outer\n' "$home/bin/inner" > "$home/bin/outer"
printf '#!/usr/bin/env -S sh -e\necho "split: $0 [$*]"\n' > "$home/bin/split"
chmod +x "$home/bin/inner" "$home/bin/outer" "$home/bin/split"
native=$("$home/bin/outer" x; "$home/bin/split" y)
"$ELFPACK" -q "$home/bin/outer" "$home/bin/split" -o nested.zip
root=$(empty_root nested-root)
unzip -q nested.zip -d "$root/opt"
expect_output "$native" in_lambda_root "$root" /opt/bin/sh -c '/opt/bin/outer x; /opt/bin/split y'

# A front end named by a link (as /usr/bin/soffice -> ../lib/libreoffice/program/soffice) that
# finds its own directory through the link with commands it runs by name (ls, sed, dirname,
# basename): the link is served as a link, those commands come as helpers, found on Lambda's PATH.
mkdir -p "$t/suite/program" "$t/suite/bin"
cat > "$t/suite/program/launch" <<'EOF2'
#!/bin/sh
res="$0"
while [ -h "$res" ]; do
  cd "$(dirname "$res")" || exit 1
  base=$(basename "$res")
  res=$(ls -l "$base" | sed "s/.*$base -> //g")
done
cd "$(dirname "$res")" && echo "home: $(pwd)"
EOF2
chmod +x "$t/suite/program/launch"
ln -s ../program/launch "$t/suite/bin/launch"
native=$("$t/suite/bin/launch")
[ "$native" = "home: $t/suite/program" ] || fail "the linked front end does not run here: $native"
"$ELFPACK" -q "$t/suite/bin/launch" -o linked.zip
root=$(empty_root linked-root)
unzip -q linked.zip -d "$root/opt"
expect_output "$native" in_lambda_root "$root" /opt/bin/launch
