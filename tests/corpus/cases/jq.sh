# jq filtering JSON: sorting, mapping, grouping, string formats.
packages=(jq)
programs=(jq)
command=(jq -S '{total: (.items | map(.n) | add), by_city: (.items | group_by(.city) | map({(.[0].city): length}) | add), b64: (.name | @base64)}' /var/task/in.json)
setup() { printf '{"name": "corpus", "items": [{"city": "oslo", "n": 3}, {"city": "rome", "n": 5}, {"city": "oslo", "n": 7}]}\n' > "$task/in.json"; }
