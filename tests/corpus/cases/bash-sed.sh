# Two programs in one bundle: bash running a script that pipes into sed (found on PATH).
packages=(bash sed)
programs=(bash sed)
command=(bash /var/task/work.sh)
setup() {
  printf 'set -e\nfor w in alpha beta gamma; do echo "$w ${#w}"; done | sed -E "s/^(.)/\\\\U\\\\1/"\necho $((6 * 7)) "${BASH_VERSINFO[0]}"\n' > "$task/work.sh"
}
