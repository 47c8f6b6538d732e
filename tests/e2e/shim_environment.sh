#!/usr/bin/env bash
# env.list: the shim sets each NAME=path it lists (up to 16: LOCPATH, TZDIR, GCONV_PATH, ...)
# when the variable is unset, to the bundle's directory, and takes them out of the environment
# of the programs it executes (a static helper, which has no shim of its own, shows it). A 17th
# is not set: it could not be taken out again. In an empty root.
source "$(dirname "$0")/common.inc"
build env_print env_print.c
build env_child env_print.c -static -no-pie
cd "$t"
"$ELFPACK" -q ./env_print --add "$t/env_child=/usr/libexec/env_child" -o env.zip
root=$(empty_root root)
unzip -q env.zip -d "$root/opt"
priv=$(echo "$root"/opt/lib/elfpack/*)
for i in $(seq 1 17); do echo "ELFPACK_T$i=root/usr/share/t$i"; done > "$priv/env.list"
set_by_shim=$(for i in $(seq 1 16); do printf '%s' "$([ "$i" -gt 1 ] && echo ' ')T$i=share/t$i"; done)
expect_output "$set_by_shim T17=unset T18=unset T19=unset T20=unset
T1=unset T2=unset T3=unset T4=unset T5=unset T6=unset T7=unset T8=unset T9=unset T10=unset T11=unset T12=unset T13=unset T14=unset T15=unset T16=unset T17=unset T18=unset T19=unset T20=unset" \
  in_root "$root" /opt/bin/env_print /usr/libexec/env_child
