#!/usr/bin/env bash
# The Homebrew formula: valid Ruby as committed; stamped (packaging/homebrew/stamp.sh) with the
# source tarball CPack makes, its install block builds and installs that tarball and its test
# block passes (run by tests/e2e/homebrew/formula_runner.rb, a stand-in for the parts of
# Homebrew the formula uses, with brew audit's desc rules); the installed tree has the program,
# the manual page and the completions.
source "$(dirname "$0")/common.inc"
command -v ruby > /dev/null || fail "ruby is missing (apt-get install ruby)"
formula=$ELFPACK_SOURCE_DIR/packaging/homebrew/elfpack.rb
ruby -c "$formula" > /dev/null || fail "elfpack.rb is not valid Ruby"

build_dir=$(dirname "$ELFPACK")
cpack --config "$build_dir/CPackSourceConfig.cmake" -B "$t/dist" > "$t/cpack.log" 2>&1 || fail "cpack: $(cat "$t/cpack.log")"
tarball=$(ls "$t"/dist/elfpack-*.tar.gz)
"$ELFPACK_SOURCE_DIR/packaging/homebrew/stamp.sh" "$tarball" "file://$tarball" "$t/elfpack.rb"
grep -qF "sha256 \"$(sha256sum "$tarball" | cut -d' ' -f1)\"" "$t/elfpack.rb" || fail "not stamped: $(grep -E 'url|sha256' "$t/elfpack.rb")"
mkdir "$t/src" "$t/testpath"
tar -C "$t/src" -xzf "$tarball"
ruby "$ELFPACK_SOURCE_DIR/tests/e2e/homebrew/formula_runner.rb" "$t/elfpack.rb" "$tarball" "$t/src/$(basename "$tarball" .tar.gz)" \
  "$t/prefix" "$t/testpath" > "$t/brew.log" 2>&1 || fail "formula: $(tail -30 "$t/brew.log")"
for f in bin/elfpack share/man/man1/elfpack.1 share/bash-completion/completions/elfpack share/zsh/site-functions/_elfpack; do
  [ -f "$t/prefix/$f" ] || fail "the formula did not install $f"
done
[ -f "$t/testpath/hello.zip" ] || fail "the formula's test made no bundle"
# The formula's test bundle runs in an empty root.
root=$(empty_root root)
unzip -q "$t/testpath/hello.zip" -d "$root/opt"
expect_output "hello from a bundle" in_root "$root" /opt/bin/hello
