#!/usr/bin/env bash
# A bundled program that runs a script by its path: Linux would read the script's #! line and run
# this machine's interpreter, which an empty root lacks. The shim runs the bundle's instead when
# the bundle carries it: /bin/sh named directly, perl through "#!/usr/bin/env perl" (looked up in
# Lambda's PATH, whose "/usr/bin/" has a trailing slash), with the argv Linux builds.
source "$(dirname "$0")/common.inc"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
d=$t/tools
mkdir -p "$d"
printf '#!/bin/sh -e\necho "inner: $0 [$*]"\n' > "$d/inner"
printf '#!/usr/bin/env perl\nprint "hello: $0 [@ARGV]\\n";\n' > "$d/hello"
cat > "$d/front" <<EOF2
#!/bin/sh
$d/inner one "two words"
exec $d/hello "\$@"
EOF2
chmod +x "$d/inner" "$d/hello" "$d/front"
native=$("$d/front" x "y z")
cd "$t"
# hello is bundled as a program (with perl); inner as a file at its path.
"$ELFPACK" -q "$d/front" "$d/hello" --add "$d/inner" -o exec.zip
root=$(empty_root root)
unzip -q exec.zip -d "$root/opt"
expect_output "$native" in_lambda_root "$root" /opt/bin/front x "y z"
