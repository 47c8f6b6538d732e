#!/usr/bin/env bash
# The manual page and the shell completions come from the command line's own definition: the
# page renders without warnings and documents every option --help shows and the exit codes; the
# bash completion completes options, their values and subcommands; the zsh one loads; and
# `cmake --install` puts the program, the page and both completions in their usual places.
source "$(dirname "$0")/common.inc"
cd "$t"

"$ELFPACK" --print-man-page > elfpack.1
groff -man -ww -z elfpack.1 2> groff.txt
[ ! -s groff.txt ] || fail "groff warnings: $(cat groff.txt)"
MANWIDTH=200 man -l elfpack.1 2>/dev/null | col -b > page.txt
for section in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS EXAMPLES "EXIT STATUS"; do
  grep -qx "$section" page.txt || fail "no $section section"
done
# Every option of every --help (its option lines), in the page.
for help in "" inspect verify; do
  # shellcheck disable=SC2086
  for option in $("$ELFPACK" $help --help | grep -E '^ +-' | grep -oE '(^| |,)--[a-z][a-z0-9-]*' | tr -d ' ,' | sort -u); do
    grep -qE -- "(^|[ ,])$option( |,|$)" page.txt || fail "$option (elfpack $help --help) is not in the manual page"
  done
done
grep -qE '^[[:space:]]+129, 130, 143' page.txt && grep -qE '^[[:space:]]+2 +usage error' page.txt || fail "exit codes missing: $(sed -n '/EXIT STATUS/,$p' page.txt)"

# bash: what each command line completes to.
"$ELFPACK" --print-completion bash > elfpack.bash
complete_to() {  # complete_to WORD... : prints the candidates for the last word
  bash -c 'source ./elfpack.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _elfpack; printf "%s\n" "${COMPREPLY[@]}"' \
    bash "$@" | sort -u | tr '\n' ' '
}
[ "$(complete_to elfpack --fo)" = "--force --format " ] || fail "--fo: $(complete_to elfpack --fo)"
[ "$(complete_to elfpack --format tar.)" = "tar.gz tar.xz tar.zst " ] || fail "--format: $(complete_to elfpack --format tar.)"
grep -qw inspect <<<"$(complete_to elfpack insp)" || fail "no subcommand: $(complete_to elfpack insp)"
[ "$(complete_to elfpack -v inspect --fl)" = "--flat " ] || fail "inspect --fl: $(complete_to elfpack -v inspect --fl)"
[ "$(complete_to elfpack verify --allow)" = "--allow-host-libs " ] || fail "verify: $(complete_to elfpack verify --allow)"
mkdir -p roots/one roots/two && touch roots/file
[ "$(complete_to elfpack --sysroot roots/)" = "roots/one roots/two " ] || fail "--sysroot: $(complete_to elfpack --sysroot roots/)"
! "$ELFPACK" --print-completion fish > /dev/null 2> err.txt || fail "fish accepted"
grep -q "no completion for the shell 'fish'" err.txt || fail "fish: $(cat err.txt)"

# zsh: valid, and autoloads as a completion function.
"$ELFPACK" --print-completion zsh > _elfpack
if command -v zsh > /dev/null; then
  zsh -n _elfpack || fail "zsh syntax"
  zsh -f -c "fpath=($t \$fpath); autoload -Uz compinit && compinit -u -d $t/zcompdump; [[ \${_comps[elfpack]} == _elfpack ]]" \
    || fail "zsh does not take _elfpack for elfpack"
fi

# cmake --install from the build tree the program came from.
cmake --install "$(dirname "$ELFPACK")" --prefix "$t/prefix" > install.txt
for f in bin/elfpack share/man/man1/elfpack.1 share/bash-completion/completions/elfpack share/zsh/site-functions/_elfpack; do
  [ -f "prefix/$f" ] || fail "not installed: $f ($(cat install.txt))"
done
cmp -s prefix/share/man/man1/elfpack.1 elfpack.1 || fail "the installed page is not the program's"
