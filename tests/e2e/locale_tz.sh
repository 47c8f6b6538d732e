#!/usr/bin/env bash
# Lambda sets LANG=en_US.UTF-8 and TZ: a bundled program that takes its locale (setlocale) gets
# en_US.UTF-8 with no warning, and one that uses local time finds TZ's zone. glibc reads both
# through internal opens no shim sees, so elfpack brings the locale (from this machine's locale
# directory, its locale archive, or C.utf8's data) and the zoneinfo tree, and the shim points
# LOCPATH and TZDIR at them, for the bundle's programs only.
source "$(dirname "$0")/common.inc"
lambda_env=(env -i LANG=en_US.UTF-8 TZ=:/etc/localtime PATH=/opt/bin:/usr/local/bin:/usr/bin:/bin LD_LIBRARY_PATH=/opt/lib)
# in_lambda ROOT [VAR=VALUE...] COMMAND...: COMMAND in the empty ROOT with Lambda's environment
# (and the VARs).
in_lambda() {
  local root=$1; shift
  local vars=()
  while [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
  "${lambda_env[@]}" "${vars[@]}" "$(command -v unshare)" --mount --pid --fork --mount-proc="$root/proc" \
    "$(command -v chroot)" "$root" "$@"
}
cd "$t"
cc -o locale_time "$fixtures/locale_time.c"
"$ELFPACK" -q ./locale_time -o lt.zip
root=$(empty_root root)
unzip -q lt.zip -d "$root/opt"
expect_output "locale: en_US.UTF-8
chars: 1
time: 1970-01-01 00:00 UTC" in_lambda "$root" /opt/bin/locale_time
# TZ names a zone: the same local time as natively.
native=$(TZ=America/New_York LC_ALL=C ./locale_time | grep '^time:')
[ "$native" = "time: 1969-12-31 19:00 EST" ] || fail "native: $native"
out=$(in_lambda "$root" TZ=America/New_York /opt/bin/locale_time)
grep -qx "$native" <<<"$out" || fail "TZ=America/New_York: $out"
# Without the bundled locale and zones, both fail: the bundle is what makes them work.
priv=$(echo "$root"/opt/lib/elfpack/*)
mv "$priv/root/usr/lib/locale" "$t/locale-away"
mv "$priv/root/usr/share/zoneinfo" "$t/zones-away"
out=$(in_lambda "$root" TZ=America/New_York /opt/bin/locale_time)
grep -qx "locale: (setlocale failed)" <<<"$out" && ! grep -qx "$native" <<<"$out" || fail "without the data: $out"
mv "$t/locale-away" "$priv/root/usr/lib/locale"
mv "$t/zones-away" "$priv/root/usr/share/zoneinfo"

# A real program: perl takes its locale at start and warns when it cannot.
"$ELFPACK" -q perl -o perl.zip
root=$(empty_root perl-root)
unzip -q perl.zip -d "$root/opt"
echo 'print "perl: ", (localtime 0)[5] + 1900, "\n";' > "$root/year.pl"  # (perl -e wants /dev/null)
out=$(in_lambda "$root" /opt/bin/perl /year.pl 2>&1)
[ "$out" = "perl: 1970" ] || fail "perl printed more than its output (a locale warning?): $out"

# LOCPATH and TZDIR are set for the bundle's programs, not passed to what they run outside the
# bundle: a bundled runner runs a host program that prints them.
cc -o runner "$fixtures/runner.c"
printf '#include <stdio.h>\n#include <stdlib.h>\nstatic const char *v(const char *n) { const char *s = getenv(n); return s ? s : "(unset)"; }\nint main(void) { printf("LOCPATH=%%s TZDIR=%%s\\n", v("LOCPATH"), v("TZDIR")); return 0; }\n' > showenv.c
cc -static -o showenv showenv.c
"$ELFPACK" -q ./runner ./locale_time -o both.zip
root=$(empty_root env-root)
unzip -q both.zip -d "$root/opt"
cp showenv "$root/showenv"
out=$(in_lambda "$root" /opt/bin/runner /showenv)
[ "$(grep -c '^LOCPATH=(unset) TZDIR=(unset)$' <<<"$out")" -eq 2 ] || fail "a host program inherited LOCPATH or TZDIR: $out"

# Where the locale comes from, in roots of our own: a locale archive as locale-gen writes it (one
# locale taken out of it: en_US's date format, not C's), and a machine with C.utf8 only.
command -v localedef >/dev/null && [ -f /usr/share/i18n/locales/en_US ] || skip "no localedef or en_US locale source (apt-get install locales)"
for kind in archive c-utf8; do
  r=$t/sysroot-$kind
  glibc_root "$r"
  cp locale_time "$r/usr/bin/locale_time"
  mkdir -p "$r/usr/lib/locale"
  if [ "$kind" = archive ]; then
    localedef --prefix="$r" -i en_US -f UTF-8 en_US.UTF-8
    [ -f "$r/usr/lib/locale/locale-archive" ] || fail "localedef wrote no archive"
    expected_date="date: 01/01/1970"
  else
    cp -r /usr/lib/locale/C.utf8 "$r/usr/lib/locale/"
    expected_date="date: 01/01/70"
  fi
  notes=$("$ELFPACK" -v --sysroot "$r" /usr/bin/locale_time -o "$kind.zip" 2>&1)
  if [ "$kind" = archive ]; then
    grep -q "en_US.UTF-8 from /usr/lib/locale/locale-archive" <<<"$notes" || fail "not from the archive: $notes"
  else
    grep -q "C.utf8 serves as en_US.UTF-8" <<<"$notes" || fail "no note of C.utf8: $notes"
  fi
  root=$(empty_root "run-$kind")
  unzip -q "$kind.zip" -d "$root/opt"
  expect_output "locale: en_US.UTF-8
chars: 1
time: 1970-01-01 00:00 UTC
$expected_date" in_lambda "$root" /opt/bin/locale_time x
done
