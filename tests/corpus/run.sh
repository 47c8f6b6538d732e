#!/usr/bin/env bash
# The corpus: real programs from Debian's archive, each bundled by elfpack and run from /opt in an
# empty root with Lambda's environment, its output compared with the same command run natively.
#
#   run.sh [--fast] [--only REGEX] [--modes "default trace"] [--jobs N] [--out DIR] [--doc FILE]
#          [--pack-timeout S]  elfpack's time limit per bundle (180 s; a case may ask for more)
#   run.sh [--fast] --packages the Debian packages the cases need (dev.sh installs them)
#
# A case is tests/corpus/cases/NAME.sh (see cases/README.md). Modes: `default` bundles with
# `elfpack PROGRAMS -o b.zip`; `trace` with `elfpack PROGRAMS -o b.zip --trace -- COMMAND` (the
# same command, traced where the native run happens). A case passes in a mode when the bundle's
# stdout, exit status and stderr all equal the native run's (after the case's stated filters),
# and so do the files it is asked to write under /tmp, and a .zip is a layer Lambda takes
# (layer_problem). Needs root (namespaces, chroot, and the
# host's CA store and locale, which it prepares). Environment: ELFPACK (the elfpack binary).
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
https_port=${https_port:-0}  # the cases' commands name it; known once the server runs

one= list_packages=0 table_only=0 fast=0 only= modes="default trace" jobs=2 out= doc= run_timeout=60 pack_timeout=180
while [ $# -gt 0 ]; do
  case $1 in
    --fast) fast=1 ;;
    --only) only=$2; shift ;;
    --modes) modes=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --out) out=$2; shift ;;
    --doc) doc=$2; shift ;;
    --pack-timeout) pack_timeout=$2; shift ;;
    --packages) list_packages=1 ;;
    --table) table_only=1 ;;  # only the table (and --doc) from the results in --out
    --case) one=$2; shift ;;  # internal: run.sh --case NAME (one case, all modes)
    *) echo "usage: run.sh [--fast] [--only REGEX] [--modes \"default trace\"] [--jobs N] [--out DIR] [--doc FILE] [--pack-timeout S] | --packages" >&2; exit 2 ;;
  esac
  shift
done
out=$(realpath -m "${out:-$PWD/corpus-out}")
# The traced command runs with a fresh /tmp mounted over the host's: the bundle it writes must go
# elsewhere.
case $out/ in /tmp/*) echo "corpus: --out must not be under /tmp (the runs mount their own /tmp)" >&2; exit 2 ;; esac

# first_new_line NATIVE_ERR ERR NATIVE_OUT OUT: the bundle's first line of stderr (else of
# stdout) that the native run did not print, cut to 160 characters: what it said on failing.
first_new_line() {
  local line
  line=$(new_line "$1" "$2")
  [ -n "$line" ] || line=$(new_line "$3" "$4")
  echo "${line:-(printed nothing the native run did not)}"
}
# seconds START END: END - START (date +%s.%N) with one decimal (awk: bc is not on a fresh machine).
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# pack_error LOG: elfpack's error from its log, cut to 160 characters. A traced command's output
# shares the log (binary, maybe without a last newline): the error is found where it starts.
pack_error() { grep -a -o 'elfpack: error: .*' "$1" | tail -n1 | cut -c1-160; }
new_line() { diff "$1" "$2" 2>/dev/null | sed -n 's/^> //p' | grep -a -m1 -v '^[[:space:]]*$' | cut -c1-160; }

# is_text FILE: empty, or valid UTF-8 without NUL bytes (an image's raw pixels are not).
is_text() { [ ! -s "$1" ] || { grep -qI . "$1" && iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; }; }

# differs A B WHAT: empty when equal, else what differs and the first differing lines.
differs() {
  cmp -s "$1" "$2" && return 0
  if is_text "$1" && is_text "$2"; then
    local d
    d=$(diff "$1" "$2" | grep -m2 '^[<>]' | tr '\n' ' ' | cut -c1-200)
    echo "$3 differs: ${d:-$(stat -c %s "$1") vs $(stat -c %s "$2") bytes}"
  else
    echo "$3 differs (binary: $(stat -c %s "$1") bytes native, $(stat -c %s "$2") bundled)"
  fi
}

# layer_problem ZIP PACK_LOG: empty when Lambda takes ZIP as a layer: at most 250 MiB unzipped
# (the sum of its entries' sizes, what Lambda counts), and, past the 50 MiB of a direct upload,
# elfpack's log gave the advice to upload it through S3; else what is wrong.
layer_problem() {
  local unzipped zipped
  unzipped=$(zipinfo -t "$1" 2>/dev/null | awk '{ for (i = 2; i <= NF; i++) if ($i == "bytes" && $(i + 1) == "uncompressed,") print $(i - 1) }')
  zipped=$(stat -c %s "$1")
  if [ -z "$unzipped" ]; then
    echo "zipinfo cannot read the layer"
  elif [ "$unzipped" -gt 262144000 ]; then
    echo "the layer is $unzipped bytes unzipped, over Lambda's 262144000"
  elif [ "$zipped" -gt 52428800 ] && ! grep -aq 'upload it to S3' "$2"; then
    echo "the zip is $zipped bytes, over a direct upload's 52428800, and elfpack did not say to upload it through S3"
  fi
}

# run_one NAME: the case's native run, then each mode: bundle, run in the empty root, compare.
# Writes $out/results/NAME.MODE: name|mode|pass|MB|pack s|run s|reason.
run_one() {
  local name=$1 case_file=$here/cases/$1.sh w=$out/$1
  rm -rf "$w"; mkdir -p "$w/task" "$out/results"
  (
    packages=() programs=() command=() files=() env=() bundle=zip
    filter() { cat; }; filter_err() { cat; }; filter_file() { cat "$1"; }; setup() { :; }
    task=$w/task www=$out/www
    local least_pack_timeout=$pack_timeout
    source "$case_file"
    [ "$pack_timeout" -ge "$least_pack_timeout" ] || pack_timeout=$least_pack_timeout  # a case asks for more, never less
    case_env=("${env[@]}")
    for i in "${!programs[@]}"; do programs[i]=$(debian_path "${programs[i]}"); done
    for p in "${packages[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' && continue
      for m in $modes; do echo "$name|$m|FAIL|-|-|-|package $p is not installed (./dev.sh corpus installs it)" > "$out/results/$name.$m"; done
      exit 0
    done
    cd "$w"
    if ! (set -e; setup) >"$w/setup.log" 2>&1; then
      for m in $modes; do echo "$name|$m|FAIL|-|-|-|setup failed: $(tail -n1 "$w/setup.log")" > "$out/results/$name.$m"; done
      exit 0
    fi
    chmod -R a+rX "$w/task"
    mkdir -m 1777 "$w/native.tmp"
    limit=$run_timeout in_place "$w/task" "$w/native.tmp" "$lambda_uid" "${command[@]}" >"$w/native.out" 2>"$w/native.err"
    echo $? > "$w/native.status"
    filter < "$w/native.out" > "$w/native.stdout"
    filter_err < "$w/native.err" > "$w/native.stderr"
    for m in $modes; do
      local zip=$w/$m.zip root=$w/$m.root reason= pass=FAIL mb=- t0 t1 t2 status log
      local packed=b.zip  # the traced run's output, in a directory of its own
      [ "$bundle" = dir ] && zip=$w/$m.dir/ packed=b/
      t0=$(date +%s.%N)
      if [ "$m" = trace ]; then
        # elfpack runs as the case's unprivileged uid, which may not reach the checkout (under
        # /root on a fresh machine): a copy of it, and its output, live in a directory the run
        # sees at /mnt.
        mkdir -m 1777 "$w/trace.packtmp"; mkdir -m 777 "$w/trace.pack"
        install -m 0755 "$ELFPACK" "$w/trace.pack/elfpack"
        limit=$pack_timeout mnt=$w/trace.pack in_place "$w/task" "$w/trace.packtmp" "$lambda_uid" \
          /mnt/elfpack "${programs[@]}" -o "/mnt/$packed" --trace -- "$(debian_path "${command[0]}")" "${command[@]:1}" >"$w/trace.pack.log" 2>&1
        status=$?
        mv "$w/trace.pack/$packed" "$zip" 2>/dev/null
        log=$w/trace.pack.log
      else
        # As the user would, with the PATH the command is looked up in.
        env -i "${lambda_env[@]}" timeout -k 5 "$pack_timeout" "$ELFPACK" "${programs[@]}" -o "$zip" >"$w/$m.pack.log" 2>&1
        status=$?
        log=$w/$m.pack.log
      fi
      t1=$(date +%s.%N)
      if [ "$status" -ne 0 ] || [ ! -e "$zip" ]; then
        [ "$status" -eq 124 ] && reason="elfpack did not finish in ${pack_timeout} s" || reason="elfpack failed (exit $status): $(pack_error "$log")"
        echo "$name|$m|FAIL|-|$(seconds "$t0" "$t1")|-|$reason" > "$out/results/$name.$m"
        continue
      fi
      mkdir -p "$root"/{opt,proc,tmp,var/task,var/runtime,var/lang/bin}
      if [ "$bundle" = dir ]; then
        cp -a "$zip." "$root/opt/"
      else
        unzip -qo "$zip" -d "$root/opt"  # -o: an entry may come again through a link (zoneinfo/posix -> .)
        reason=$(layer_problem "$zip" "$log")
      fi
      cp -a "$w/task/." "$root/var/task/"
      mb=$(du -sm "$root/opt" | cut -f1)
      mkdir -m 1777 "$w/$m.tmp"
      limit=$run_timeout in_empty_root "$root" "$w/$m.tmp" "${command[@]}" >"$w/$m.out" 2>"$w/$m.err"
      echo $? > "$w/$m.status"
      t2=$(date +%s.%N)
      filter < "$w/$m.out" > "$w/$m.stdout"
      filter_err < "$w/$m.err" > "$w/$m.stderr"
      local ns bs
      ns=$(cat "$w/native.status") bs=$(cat "$w/$m.status")
      if [ -n "$reason" ]; then
        :  # the layer itself is wrong
      elif [ "$bs" -eq 124 ] || [ "$bs" -eq 137 ]; then
        reason="still running after ${run_timeout} s; stopped"
      elif [ "$ns" != "$bs" ]; then
        reason="exit $bs (native $ns): $(first_new_line "$w/native.err" "$w/$m.err" "$w/native.out" "$w/$m.out")"
      fi
      [ -n "$reason" ] || reason=$(differs "$w/native.stdout" "$w/$m.stdout" stdout)
      [ -n "$reason" ] || reason=$(differs "$w/native.stderr" "$w/$m.stderr" stderr)
      for f in "${files[@]}"; do
        [ -n "$reason" ] && break
        if [ ! -f "$w/$m.tmp/${f#/tmp/}" ]; then reason="$f not written"; continue; fi
        filter_file "$w/native.tmp/${f#/tmp/}" > "$w/native.file"
        filter_file "$w/$m.tmp/${f#/tmp/}" > "$w/$m.file"
        reason=$(differs "$w/native.file" "$w/$m.file" "$f")
      done
      [ -n "$reason" ] || pass=pass
      echo "$name|$m|$pass|$mb|$(seconds "$t0" "$t1")|$(seconds "$t1" "$t2")|$reason" \
        | tr -d '\r' > "$out/results/$name.$m"
    done
  )
}

if [ -n "$one" ]; then
  [ -f "$out/https.port" ] && https_port=$(cat "$out/https.port")
  run_one "$one"
  exit 0
fi

# The cases to run.
names=()
for c in "$here"/cases/*.sh; do
  n=$(basename "$c" .sh)
  if [ "$fast" -eq 1 ] && ! grep -qx "$n" <(sed 's/#.*//; s/[[:space:]]//g' "$here/fast.list"); then continue; fi
  [ -n "$only" ] && ! [[ $n =~ $only ]] && continue
  names+=("$n")
done
if [ "$list_packages" -eq 1 ]; then
  for n in "${names[@]}"; do (source "$here/cases/$n.sh"; printf '%s\n' "${packages[@]}"); done | sort -u
  exit 0
fi

# make_table: the table of $out/results for the cases in names, printed and kept in
# $out/table.md (and in --doc FILE, with how it was made).
make_table() {
  table=$out/table.md
  {
    echo "| program | mode | pass | MB | pack s | run s | why it fails |"
    echo "|---|---|---|---|---|---|---|"
    for n in "${names[@]}"; do
      for m in $modes; do
        if [ -f "$out/results/$n.$m" ]; then
          IFS='|' read -r a b c d e f g < "$out/results/$n.$m"
          g=${g//|/\\|}
          echo "| $a | $b | $c | $d | $e | $f | ${g//\`/\'} |"
        else
          echo "| $n | $m | FAIL | - | - | - | no result (the case's run ended early) |"
        fi
      done
    done
  } > "$table"
  summary=""
  for m in $modes; do
    p=$(cat "$out"/results/*."$m" 2>/dev/null | awk -F'|' '$3=="pass"' | wc -l)
    summary+="$m: $p/${#names[@]} pass. "
  done
  cat "$table"
  echo "corpus: $summary"
  if [ -n "$doc" ]; then
    {
      echo "# The corpus: real programs run from their bundles"
      echo
      echo "The latest run of \`./dev.sh corpus\` (tests/corpus/; how a case is defined and compared:"
      echo "tests/corpus/cases/README.md). Each program from Debian's archive is bundled by elfpack, run"
      echo "from \`/opt\` in an empty root with Lambda's environment, and compared with the same command"
      echo "run natively: stdout, exit status and stderr must all be equal. \`default\`: \`elfpack PROGRAMS"
      echo "-o b.zip\`; \`trace\`: the same with \`--trace -- COMMAND\`. MB: the bundle unpacked (a layer"
      echo "past Lambda's 250 MiB is compressed: MB is then its zip unpacked, and the run, in a fresh \`/tmp\`,"
      echo "includes the payload's expansion)."
      echo
      echo "Run on $(date -u +%Y-%m-%d) with elfpack $(git -C "$here" rev-parse --short HEAD 2>/dev/null), Debian $(cat /etc/debian_version 2>/dev/null)."
      echo "**$summary**"
      echo
      cat "$table"
    } > "$doc"
  fi
}
if [ "$table_only" -eq 1 ]; then make_table; exit 0; fi

: "${ELFPACK:?set ELFPACK to the elfpack binary}"
ELFPACK=$(realpath "$ELFPACK")
[ "$(id -u)" -eq 0 ] || { echo "corpus: needs root (namespaces, chroot, the host's CA store and locale)" >&2; exit 2; }
mkdir -p "$out"
rm -rf "$out/results"
check_runner "$out/runner-check" "$here/../.." || exit 1
prepare_locale || exit 1
prepare_ca || exit 1
mkdir -p "$out/www"
# What the TLS cases fetch.
printf 'hello over TLS from the corpus\n' > "$out/www/hello.txt"
printf '{"name": "corpus", "items": [1, 2, 3]}\n' > "$out/www/data.json"
start_https "$out/www" || exit 1
cp "$out/www.port" "$out/https.port"
trap 'kill $https_pid 2>/dev/null || true' EXIT

echo "corpus: ${#names[@]} cases, modes: $modes, $jobs at a time; work in $out" >&2
export ELFPACK modes out run_timeout pack_timeout
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} bash "$0" --out "$out" --modes "$modes" --pack-timeout "$pack_timeout" --case {}

make_table
# Passes only when every case passes in every mode.
! grep -q '|FAIL|' "$out"/results/* 2>/dev/null && [ "$(ls "$out/results" | wc -l)" -eq $(( ${#names[@]} * $(wc -w <<<"$modes") )) ]
