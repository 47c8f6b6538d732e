# python3 with text codecs and XML: encodings (cp1252, cp437, koi8_r, utf-16), unicodedata,
# locale's preferred encoding under Lambda's LANG, xml.etree with pyexpat. Nothing normalized.
packages=(python3)
programs=(python3)
command=(python3 /var/task/work.py)
setup() {
  cat > "$task/work.py" <<'PY'
import locale, sys, unicodedata, xml.etree.ElementTree as ET
s = "Grüße, Straße — naïve café"
for enc in ("cp1252", "cp437", "utf-16-le", "latin-1"):
    print(enc, s.encode(enc, "replace").hex()[:40])
print("привет".encode("koi8_r").hex(), s.upper(), unicodedata.name("—"), unicodedata.normalize("NFD", "é").encode().hex())
print(locale.getpreferredencoding(), sys.getfilesystemencoding(), sys.stdout.encoding)
root = ET.fromstring("<a x='1'><b>text</b><b>more</b></a>")
print([b.text for b in root.iter("b")], ET.tostring(root, encoding="unicode"))
PY
}
