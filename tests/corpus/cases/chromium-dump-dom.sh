# Chromium, headless, printing a page's DOM after the page's script changed it. /usr/bin/chromium
# is a shell front end that runs commands by name (uname, grep, expr) and execs the browser,
# which reads its resources next to itself and re-runs itself through /proc/self/exe for its
# utility processes. The flags are what Lambda needs, as its users pass them: no sandbox (no user
# namespaces), no GPU, no /dev/shm; HOME=/tmp because Lambda's HOME is not writable (env).
# stderr is not compared: Chromium's log lines carry process ids and times, and say what the
# machine lacks (D-Bus, /dev/shm), which differs between the host and the empty root.
packages=(chromium)
programs=(chromium)
# A .zip layer as a user makes it: past 250 MiB unzipped, so elfpack compresses its files into one
# payload that the run expands into its fresh /tmp (a cold start) before the program starts; the
# layer must be one Lambda takes (run.sh's layer_problem). Compressing some 400 MiB at zstd's
# level 19 takes minutes on two cores shared with another case: a longer pack limit.
pack_timeout=900
env=(HOME=/tmp)
command=(chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --dump-dom file:///var/task/page.html)
setup() {
  cat > "$task/page.html" <<'HTML'
<!DOCTYPE html>
<html><head><title>corpus</title></head>
<body><p id="squares">before the script</p>
<script>
document.getElementById('squares').textContent = 'squares: ' + [1, 2, 3].map(x => x * x).join(',');
const list = document.createElement('ul');
for (const word of ['one', 'two']) {
  const item = document.createElement('li');
  item.textContent = word;
  list.appendChild(item);
}
document.body.appendChild(list);
</script></body></html>
HTML
}
filter_err() { :; }
