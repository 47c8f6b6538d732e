#!/usr/bin/env bash
# Scripts elfpack cannot bundle as Linux would run them: one line naming the script and the
# problem, exit status 1, nothing written.
source "$(dirname "$0")/common.inc"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
cd "$t"
mkdir out
# refused NAME PATTERN: elfpack NAME fails with PATTERN and writes nothing.
refused() {
  chmod +x "$1"
  [ "$(expect_failure "$2" "$ELFPACK" "./$1" -o out/bundle.zip)" -eq 1 ] || fail "$1: exit status is not 1"
  [ -z "$(ls -A out)" ] || fail "$1: something was written: $(ls -A out)"
  expect_failure "$2" "$ELFPACK" inspect "./$1" > /dev/null
}
printf '#!/usr/bin/python3\r\nprint(1)\r\n' > crlf
refused crlf "^elfpack: error: $t/crlf: the #! line ends in a carriage return \(CRLF line endings\): Linux would look for an interpreter named \"/usr/bin/python3\\\\r\""
printf '#!/usr/bin/env python3\r\nprint(1)\r\n' > crlf-env
refused crlf-env "crlf-env: the #! line ends in a carriage return \(CRLF line endings\): env would be given"
printf '#!/usr/bin/no-such-interpreter -w\nprint 1;\n' > missing
refused missing "^elfpack: error: $t/missing: interpreter /usr/bin/no-such-interpreter not found \(from its #! line\)$"
printf '#!/usr/bin/env no-such-interpreter\n' > missing-env
refused missing-env "missing-env: interpreter no-such-interpreter: not found in PATH \(.*\) \(from its #! line, through env\)$"
printf '#!/usr/bin/env python3 -u\n' > unsplit
refused unsplit "unsplit: the #! line runs env with \"python3 -u\": Linux passes the rest of the #! line as one argument"
{ printf '#!/usr/bin/perl -w'; printf ' %.0s-w' $(seq 90); printf '\nprint 1;\n'; } > long
refused long "long: the #! line does not end within its first 256 bytes: Linux reads only that much of a script \(BINPRM_BUF_SIZE"
printf '#!\necho\n' > empty
refused empty "empty: the #! line names no interpreter"
printf '#!perl\n' > relative
refused relative "relative: the #! line names the interpreter perl by a relative path"
printf 'data\n' > data.txt
printf '#!%s\n' "$t/data.txt" > data-interpreter
refused data-interpreter "data-interpreter: interpreter $t/data.txt \(from its #! line\) is not an executable file"
# Four scripts before the ELF interpreter at most, as Linux allows.
printf '#!/bin/sh\n' > level1
for i in 2 3 4 5; do printf '#!%s/level%d\n' "$t" $((i - 1)) > level$i; chmod +x level$i; done
chmod +x level1
"$ELFPACK" -q ./level4 -o out/ok/ && rm -rf out/ok
refused level5 "level5: its #! chain holds more than 4 scripts before an ELF interpreter .* Linux would refuse it \(ELOOP\)"
no_stray_files out
