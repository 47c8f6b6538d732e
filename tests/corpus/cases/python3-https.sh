# python3's urllib and ssl fetching JSON from the corpus's local HTTPS server (127.0.0.1, test
# CA trusted in the system CA store); the default context verifies it. Nothing normalized.
packages=(python3)
programs=(python3)
command=(python3 /var/task/work.py "https://127.0.0.1:$https_port/data.json")
setup() {
  cat > "$task/work.py" <<'PY'
import json, ssl, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], context=ssl.create_default_context()) as r:
    print(r.status, json.load(r))
PY
}
