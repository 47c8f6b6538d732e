#!/usr/bin/env bash
# The browser as a compressed Lambda layer: Chromium printing a page's DOM after its script ran
# (the corpus's chromium-dump-dom command), from `elfpack chromium -o chromium.zip` unzipped (past
# 250 MiB unzipped, so its files are in one payload that the first run expands into /tmp), against
# native chromium and the same bundle uncompressed (a directory); and the payload against the
# standard compressors of the very tree it expands to:
#   cold start  the first run in an empty /tmp (expansion included), median of N;
#   warm start  the run after it (the tree is there), median of N; also `chromium --version`,
#               median of 4N, where the launcher's own checks are a larger share of the run;
#   expansion   the bundle's expander alone (lib/elfpack/<id>/expand TREE /bin/true) against
#               `zstd -dc --long=27 | tar -x` and `brotli -dc | tar -x` of the tree's tar;
#   size        the payload against `tar | zstd -19 --long=27` and `brotli -q 11` of that tar.
# Every run writes to a tmpfs /tmp of its own (a private mount namespace): the expansions, the
# references' and the browser's profile (HOME=/tmp, as on Lambda) all go to memory.
# Wall times are medians; CPU (user + system, of the process and its children) beside them, the
# steadier figure on a busy machine. Needs root (unshare, mount), chromium, zstd and brotli.
# Usage: bench/browser_start.sh [BUILD_DIR=build] [N=5]
#   WORK=DIR  keep the bundles and archives in DIR (not under /tmp) and reuse them when run again;
#             by default a directory under /var/tmp, removed at the end.
#   BROTLI=0  leave brotli out: `brotli -q 11` of this tree takes many minutes of CPU (one thread).
set -euo pipefail
if [ -z "${BROWSER_BENCH_NAMESPACE:-}" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "browser_start.sh: needs root (a private tmpfs /tmp)" >&2; exit 2; }
  BROWSER_BENCH_NAMESPACE=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
build=$(cd "${1:-build}" && pwd)
runs=${2:-5}
elfpack=$build/elfpack
chromium=/usr/bin/chromium
if [ -n "${WORK:-}" ]; then
  work=$(realpath -m "$WORK"); mkdir -p "$work"
  case $work/ in /tmp/*) echo "browser_start.sh: WORK must not be under /tmp (the runs mount their own)" >&2; exit 2 ;; esac
else
  work=$(mktemp -d -p /var/tmp browser-bench.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
mount -t tmpfs -o mode=1777 tmpfs /tmp

cat > "$work/page.html" <<'HTML'
<!DOCTYPE html>
<html><head><title>bench</title></head>
<body><p id="squares">before the script</p>
<script>
document.getElementById('squares').textContent = 'squares: ' + [1, 2, 3].map(x => x * x).join(',');
</script></body></html>
HTML
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage)

# The layer, as a user makes it (default options), and the same bundle uncompressed.
lambda_path=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin
if [ ! -s "$work/chromium.zip" ]; then
  t0=$(date +%s.%N)
  env -i PATH=$lambda_path "$elfpack" chromium -o "$work/chromium.zip" > "$work/pack.log" 2>&1
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' > "$work/pack.seconds"
  rm -rf "$work/layer"
fi
[ -d "$work/layer" ] || unzip -q "$work/chromium.zip" -d "$work/layer"
[ -d "$work/plain" ] || env -i PATH=$lambda_path "$elfpack" -q chromium -o "$work/plain/"
tree=$(grep -o '/tmp/elfpack-[0-9a-f]*-[a-z0-9_]*' "$work/pack.log" | head -n1)
[ -n "$tree" ] || { echo "browser_start.sh: the layer is not compressed: $(cat "$work/pack.log")" >&2; exit 1; }
payload=$(echo "$work"/layer/lib/elfpack/*/payload)
expander=$(echo "$(dirname "$payload")"/expand-*)

# run PROGRAM ARGS...: as Lambda's user would run it, with HOME in /tmp.
run() { env -i PATH=$lambda_path HOME=/tmp LANG=C.UTF-8 "$@"; }
# ms and cpu_ms: the wall time and the CPU time (user + system) of a command, in ms.
ms() { local TIMEFORMAT='%R' t; t=$({ time "$@" >/dev/null 2>&1; } 2>&1); awk '{ printf "%.1f\n", $1 * 1000 }' <<<"$t"; }
cpu_ms() { local TIMEFORMAT='%U %S' t; t=$({ time "$@" >/dev/null 2>&1; } 2>&1); awk '{ printf "%.1f\n", ($1 + $2) * 1000 }' <<<"$t"; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# fresh_tmp [KEEP]: /tmp emptied, but for KEEP (the expanded tree, for a warm start).
fresh_tmp() { find /tmp -mindepth 1 -maxdepth 1 ! -path "${1:-/tmp}" -exec rm -rf {} +; }

dom=(--dump-dom "file://$work/page.html")
fresh_tmp
run "$chromium" "${flags[@]}" "${dom[@]}" > "$work/native.dom" 2>/dev/null
run "$work/layer/bin/chromium" "${flags[@]}" "${dom[@]}" > "$work/layer.dom" 2>/dev/null
cmp -s "$work/native.dom" "$work/layer.dom" || { echo "browser_start.sh: the bundle's DOM differs from native" >&2; exit 1; }
grep -q 'squares: 1,4,9' "$work/layer.dom" || { echo "browser_start.sh: the page's script did not run" >&2; exit 1; }

native=() native_cpu=() plain=() plain_cpu=() cold=() cold_cpu=() warm=() warm_cpu=()
for _ in $(seq "$runs"); do
  fresh_tmp; native+=("$(ms run "$chromium" "${flags[@]}" "${dom[@]}")")
  fresh_tmp; native_cpu+=("$(cpu_ms run "$chromium" "${flags[@]}" "${dom[@]}")")
  fresh_tmp; plain+=("$(ms run "$work/plain/bin/chromium" "${flags[@]}" "${dom[@]}")")
  fresh_tmp; plain_cpu+=("$(cpu_ms run "$work/plain/bin/chromium" "${flags[@]}" "${dom[@]}")")
  fresh_tmp; cold+=("$(ms run "$work/layer/bin/chromium" "${flags[@]}" "${dom[@]}")")
  fresh_tmp "$tree"
  warm+=("$(ms run "$work/layer/bin/chromium" "${flags[@]}" "${dom[@]}")")
  fresh_tmp; cold_cpu+=("$(cpu_ms run "$work/layer/bin/chromium" "${flags[@]}" "${dom[@]}")")
  fresh_tmp "$tree"
  warm_cpu+=("$(cpu_ms run "$work/layer/bin/chromium" "${flags[@]}" "${dom[@]}")")
done
# --version: the launchers' share of a short run (the tree stays in /tmp).
v_plain=() v_warm=() v_plain_cpu=() v_warm_cpu=()
for _ in $(seq $((4 * runs))); do
  fresh_tmp "$tree"
  v_plain+=("$(ms run "$work/plain/bin/chromium" --version)")
  v_warm+=("$(ms run "$work/layer/bin/chromium" --version)")
  v_plain_cpu+=("$(cpu_ms run "$work/plain/bin/chromium" --version)")
  v_warm_cpu+=("$(cpu_ms run "$work/layer/bin/chromium" --version)")
done

# The references: the tree the payload expands to, as a tar, compressed by zstd and brotli (each
# made once in WORK; NAME.seconds is the time it took).
brotli=${BROTLI:-1}
# reference NAME COMMAND...: WORK/NAME made by COMMAND (which reads tree.tar), timed.
reference() {
  local name=$1 t0; shift
  [ -s "$work/$name.seconds" ] && return
  [ -s "$work/tree.tar" ] || { fresh_tmp; "$expander" "$tree" /bin/true x; tar -C "$tree" -cf "$work/tree.tar" .; }
  t0=$(date +%s.%N)
  "$@"
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' > "$work/$name.seconds"
}
reference zstd zstd -q -f -19 --long=27 -T0 "$work/tree.tar" -o "$work/tree.tar.zst"
[ "$brotli" = 0 ] || reference brotli brotli -f -q 11 -o "$work/tree.tar.br" "$work/tree.tar"
rm -f "$work/tree.tar"
expand=() expand_cpu=() zstd_d=() zstd_d_cpu=() brotli_d=() brotli_d_cpu=()
for _ in $(seq "$runs"); do
  fresh_tmp; expand+=("$(ms "$expander" "$tree" /bin/true x)")
  fresh_tmp; expand_cpu+=("$(cpu_ms "$expander" "$tree" /bin/true x)")
  fresh_tmp; mkdir /tmp/x; zstd_d+=("$(ms sh -c "zstd -dc --long=27 '$work/tree.tar.zst' | tar -x -C /tmp/x")")
  fresh_tmp; mkdir /tmp/x; zstd_d_cpu+=("$(cpu_ms sh -c "zstd -dc --long=27 '$work/tree.tar.zst' | tar -x -C /tmp/x")")
  [ "$brotli" = 0 ] && continue
  fresh_tmp; mkdir /tmp/x; brotli_d+=("$(ms sh -c "brotli -dc '$work/tree.tar.br' | tar -x -C /tmp/x")")
  fresh_tmp; mkdir /tmp/x; brotli_d_cpu+=("$(cpu_ms sh -c "brotli -dc '$work/tree.tar.br' | tar -x -C /tmp/x")")
done
fresh_tmp

size() { stat -c %s "$1"; }
m() { median "$@"; }
zd=$(m "${zstd_d[@]}")
unzipped=$(zipinfo -t "$work/chromium.zip" | awk '{ print $3 }')
echo "chromium --dump-dom, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); median of $runs (wall ms, CPU ms)"
echo "  layer: $(size "$work/chromium.zip") bytes zipped, $unzipped unzipped (sum of its entries); packed in $(cat "$work/pack.seconds" 2>/dev/null || echo '?') s"
echo "  $(grep -o 'payload .*expanded)' "$work/pack.log")"
echo "  tar | zstd -19 --long=27: $(size "$work/tree.tar.zst") bytes ($(cat "$work/zstd.seconds") s);" \
  "payload / it: $(ratio "$(size "$payload")" "$(size "$work/tree.tar.zst")")"
[ "$brotli" = 0 ] || echo "  tar | brotli -q 11: $(size "$work/tree.tar.br") bytes ($(cat "$work/brotli.seconds") s);" \
  "payload / it: $(ratio "$(size "$payload")" "$(size "$work/tree.tar.br")")"
echo "  native chromium:        $(m "${native[@]}") ($(m "${native_cpu[@]}"))"
echo "  uncompressed bundle:    $(m "${plain[@]}") ($(m "${plain_cpu[@]}"))"
echo "  layer, cold start:      $(m "${cold[@]}") ($(m "${cold_cpu[@]}")); / zstd -d: $(ratio "$(m "${cold[@]}")" "$zd")"
echo "  layer, warm start:      $(m "${warm[@]}") ($(m "${warm_cpu[@]}")); - uncompressed:" \
  "$(awk -v a="$(m "${warm[@]}")" -v b="$(m "${plain[@]}")" 'BEGIN { printf "%+.1f", a - b }') ms"
echo "  --version, warm layer:  $(m "${v_warm[@]}") ($(m "${v_warm_cpu[@]}")); uncompressed: $(m "${v_plain[@]}") ($(m "${v_plain_cpu[@]}"))"
cold_extra=$(awk -v a="$(m "${cold[@]}")" -v b="$(m "${warm[@]}")" 'BEGIN { printf "%.1f", a - b }')
echo "  cold - warm start:      $cold_extra (the expansion within a cold start); / zstd -d: $(ratio "$cold_extra" "$zd")"
echo "  cold start / (zstd -d + native run): $(ratio "$(m "${cold[@]}")" "$(awk -v a="$zd" -v b="$(m "${native[@]}")" 'BEGIN { print a + b }')")"
echo "  expander alone:         $(m "${expand[@]}") ($(m "${expand_cpu[@]}")); / zstd -d: $(ratio "$(m "${expand[@]}")" "$zd")"
echo "  zstd -dc --long | tar -x: $zd ($(m "${zstd_d_cpu[@]}"))"
[ "$brotli" = 0 ] || echo "  brotli -dc | tar -x:    $(m "${brotli_d[@]}") ($(m "${brotli_d_cpu[@]}"))"
