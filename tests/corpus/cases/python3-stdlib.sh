# python3 with its standard library: json, re, collections, hashlib, decimal, fractions, zlib,
# base64, struct, statistics, textwrap, datetime (fixed dates). Nothing normalized.
packages=(python3)
programs=(python3)
command=(python3 /var/task/work.py)
setup() {
  cat > "$task/work.py" <<'PY'
import base64, collections, datetime, decimal, fractions, hashlib, json, re, statistics, struct, textwrap, zlib
words = re.findall(r"\w+", "the quick brown fox jumps over the lazy dog the end")
print(collections.Counter(words).most_common(3))
print(json.dumps({"b": [1, 2.5, None], "a": "é"}, sort_keys=True))
print(hashlib.sha256(b"corpus").hexdigest(), hashlib.md5(b"corpus").hexdigest())
print(decimal.Decimal(1) / decimal.Decimal(7), fractions.Fraction(3, 12) + fractions.Fraction(1, 3))
print(base64.b64encode(zlib.compress(b"a" * 100, 9)).decode())
print(struct.pack("<IhB", 1, -2, 3).hex(), statistics.median([5, 1, 4, 2]))
print(textwrap.fill("lorem ipsum dolor sit amet " * 4, 30))
print(datetime.datetime(2024, 2, 29, 12, 30).strftime("%A %d %B %Y"), datetime.date(2024, 1, 1).isocalendar())
PY
}
