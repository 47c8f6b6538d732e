#!/usr/bin/env bash
# A library that opens its package's other libraries beside itself with dlopen (NSS's libnss3
# opens libsoftokn3.so and libfreeblpriv3.so): they come as plugins of the package that owns a
# library of the closure. Also when the program using it is a helper, run by a shell front end:
# the helpers' libraries choose packages as the programs' do.
source "$(dirname "$0")/common.inc"
nss=$(ls /usr/lib/*-linux-gnu/libnss3.so 2>/dev/null | head -n1)
[ -n "$nss" ] || skip "libnss3 is not installed"
cd "$t"
cat > nss_init.c <<'C'
#include <stdio.h>
int NSS_NoDB_Init(const char *dir); /* 0 (SECSuccess) once its softoken module is loaded */
int main(void) { printf("NSS_NoDB_Init: %d\n", NSS_NoDB_Init(NULL)); return 0; }
C
mkdir -p "$t/app"
cc -o "$t/app/nss_init" nss_init.c "$nss"
printf '#!/bin/sh\nexec %s "$@"\n' "$t/app/nss_init" > "$t/app/front"
chmod +x "$t/app/front"
[ "$("$t/app/nss_init")" = "NSS_NoDB_Init: 0" ] || fail "the fixture does not run here"
for program in nss_init front; do
  "$ELFPACK" -q "$t/app/$program" -o "$program.zip"
  [[ $(zipinfo -1 "$program.zip") == *"/libsoftokn3.so"* ]] || fail "$program: libsoftokn3.so is not bundled"
  root=$(empty_root "$program-root")
  unzip -q "$program.zip" -d "$root/opt"
  mkdir -p "$root/dev" && touch "$root/dev/urandom"  # NSS seeds its generator there, as Lambda has it
  expect_output "NSS_NoDB_Init: 0" unshare --mount --pid --fork --mount-proc="$root/proc" \
    sh -c 'mount --bind /dev/urandom "$1/dev/urandom" && exec chroot "$1" "/opt/bin/$2"' sh "$root" "$program"
done
