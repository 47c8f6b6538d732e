#!/usr/bin/env bash
# Corrupt ELF files, made from a small fixture program and its library by changing one field
# (magic, class, byte order, e_phoff/e_phnum/e_phentsize, PT_DYNAMIC and PT_INTERP placement, a
# PT_INTERP without its NUL, DT_STRTAB/DT_STRSZ/DT_NEEDED out of range, truncations) or one random
# byte of the headers (tests/e2e/corrupt_elf.py). Given as the program, each gives exit 0, or
# exit 1 with errors naming the file and no output — for a named field one line naming the file
# and the field (a random byte may instead make, say, another machine's program whose libraries
# are all missing); as a library of a good program, a clean error or success. Never a signal.
source "$(dirname "$0")/common.inc"
cd "$t"
mkdir -p app out
cc -shared -fPIC -o app/libfix.so -DFIX_NAME=fix "$fixtures/fixlib.c"
cc -o app/prog -DFIX_CALLS=fix "$fixtures/fixprog.c" -Lapp -lfix '-Wl,-rpath,$ORIGIN'
python3 "$ELFPACK_SOURCE_DIR/tests/e2e/corrupt_elf.py" app/prog bad-prog 60 > prog.list
python3 "$ELFPACK_SOURCE_DIR/tests/e2e/corrupt_elf.py" app/libfix.so bad-lib 60 > lib.list
cp app/libfix.so bad-prog/  # what the intact part of a program needs

tried=0
while read -r name expect; do
  tried=$((tried + 1))
  status=0
  "$ELFPACK" -q --no-detect "bad-prog/$name" -o out/x.zip 2> err.txt || status=$?
  [ "$status" -lt 128 ] || fail "$name: killed by signal $((status - 128))"
  if [ "$status" -eq 0 ]; then
    [ "$expect" = "-" ] || fail "$name: accepted, but its $expect is corrupt"
    rm out/x.zip
    continue
  fi
  [ "$status" -eq 1 ] || fail "$name: exit status $status: $(cat err.txt)"
  ! grep -qv "^elfpack: error: " err.txt || fail "$name: a line that is not an error: $(cat err.txt)"
  grep -qF "$t/bad-prog/$name" err.txt || fail "$name: the file is not named: $(cat err.txt)"
  if [ "$expect" != "-" ]; then  # a named field: one line, naming the file and the field
    [ "$(wc -l < err.txt)" -eq 1 ] || fail "$name: not one line: $(cat err.txt)"
    grep -qF "elfpack: error: $t/bad-prog/$name: " err.txt && grep -qF -- "$expect" err.txt \
      || fail "$name: '$expect' not named: $(cat err.txt)"
  fi
  [ -z "$(ls -A out)" ] || fail "$name: output left: $(ls -A out)"
done < prog.list

# As the library the program loads: a candidate the loader would reject ends in a clean error.
mkdir lib-app
cp app/prog lib-app/prog
while read -r name expect; do
  tried=$((tried + 1))
  cp "bad-lib/$name" lib-app/libfix.so
  status=0
  "$ELFPACK" -q --no-detect lib-app/prog -o out/x.zip 2> err.txt || status=$?
  [ "$status" -lt 128 ] || fail "library $name: killed by signal $((status - 128))"
  if [ "$status" -eq 0 ]; then
    rm out/x.zip
    continue
  fi
  [ "$status" -eq 1 ] || fail "library $name: exit status $status: $(cat err.txt)"
  grep -q "libfix.so" err.txt || fail "library $name: the library is not named: $(cat err.txt)"
  ! grep -qv "^elfpack: error: " err.txt || fail "library $name: a line that is not an error: $(cat err.txt)"
  [ -z "$(ls -A out)" ] || fail "library $name: output left: $(ls -A out)"
done < lib.list
echo "tried $tried corrupt files"
