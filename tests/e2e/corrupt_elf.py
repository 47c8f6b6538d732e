"""Single-field corruptions of a small ELF64 file, for the corrupt-input test (not a test itself).

Usage: corrupt_elf.py INPUT OUT_DIR RANDOM_COUNT
Writes OUT_DIR/<field>=<value> files, each INPUT with one field changed (or cut short), and
OUT_DIR/random-<n> files with one byte of the headers or dynamic section changed (seeded, so every
run makes the same ones). Prints one line per file: its name and the word the error message must
contain ('-' where any clean error, or success, is right).
"""
import os
import random
import struct
import sys

source, out_dir, random_count = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(source, "rb").read())
assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "a little-endian ELF64 file is needed"
os.makedirs(out_dir, exist_ok=True)

e_phoff, = struct.unpack_from("<Q", data, 32)
e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
phdrs = []
for i in range(e_phnum):
    off = e_phoff + i * e_phentsize
    p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align = struct.unpack_from("<IIQQQQQQ", data, off)
    phdrs.append(dict(at=off, type=p_type, offset=p_offset, vaddr=p_vaddr, filesz=p_filesz))
PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
dynamic = next(p for p in phdrs if p["type"] == PT_DYNAMIC)
interp = next((p for p in phdrs if p["type"] == PT_INTERP), None)
entries = []
for at in range(dynamic["offset"], dynamic["offset"] + dynamic["filesz"], 16):
    tag, val = struct.unpack_from("<qQ", data, at)
    entries.append((at, tag, val))
    if tag == 0:
        break
DT_NEEDED, DT_STRTAB, DT_STRSZ = 1, 5, 10
made = []


def write(name, blob, expect):
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(blob)
    made.append((name, expect))


def patched(offset, fmt, value):
    blob = bytearray(data)
    struct.pack_into(fmt, blob, offset, value)
    return blob


write("magic=ELG", patched(3, "<B", ord("G")), "bad magic: starts 7f 45 4c 47, not 7f 45 4c 46")
for v in (0, 3, 255):
    write("EI_CLASS=%d" % v, patched(4, "<B", v), "EI_CLASS")
for v in (0, 2, 7):
    write("EI_DATA=%d" % v, patched(5, "<B", v), "-" if v == 2 else "EI_DATA")
for v in (len(data), len(data) - 8, 2**63, 2**64 - 1):
    write("e_phoff=%#x" % v, patched(32, "<Q", v), "program headers")
for v in (0xFFFF, 0x1000):
    write("e_phnum=%#x" % v, patched(56, "<H", v), "program headers")
for v in (0, 1, 55, 57, 0xFFFF):
    write("e_phentsize=%d" % v, patched(54, "<H", v), "e_phentsize")
for v in (len(data), 2**63):
    write("PT_DYNAMIC.p_offset=%#x" % v, patched(dynamic["at"] + 8, "<Q", v), "PT_DYNAMIC")
write("PT_DYNAMIC.p_filesz=huge", patched(dynamic["at"] + 32, "<Q", 2**62), "PT_DYNAMIC")
if interp is not None:
    nul = interp["offset"] + interp["filesz"] - 1
    write("PT_INTERP=no-NUL", patched(nul, "<B", ord("X")), "PT_INTERP")
    write("PT_INTERP.p_offset=%#x" % len(data), patched(interp["at"] + 8, "<Q", len(data)), "PT_INTERP")
for at, tag, val in entries:
    if tag == DT_STRTAB:
        write("DT_STRTAB=0", patched(at + 8, "<Q", 0), "DT_STRTAB")
        write("DT_STRTAB=huge", patched(at + 8, "<Q", 2**63), "DT_STRTAB")
    elif tag == DT_STRSZ:
        write("DT_STRSZ=huge", patched(at + 8, "<Q", 2**62), "DT_STRTAB")
        write("DT_STRSZ=1", patched(at + 8, "<Q", 1), "DT_")
    elif tag == DT_NEEDED:
        write("DT_NEEDED=past-strtab", patched(at + 8, "<Q", 2**40), "DT_NEEDED")
        write("DT_NEEDED=strsz", patched(at + 8, "<Q", next(v for _, t, v in entries if t == DT_STRSZ)), "DT_NEEDED")
for size in (0, 4, 16, 63, 64, e_phoff + e_phentsize - 1, len(data) // 2, len(data) - 1):
    write("truncated=%d" % size, bytes(data[:size]), "-")
# One random byte of the ELF header, the program headers or the dynamic section.
rng = random.Random(20261123)
regions = [(0, 64), (e_phoff, e_phoff + e_phnum * e_phentsize), (dynamic["offset"], dynamic["offset"] + dynamic["filesz"])]
for n in range(random_count):
    lo, hi = regions[n % len(regions)]
    blob = bytearray(data)
    at = rng.randrange(lo, hi)
    blob[at] = rng.randrange(256)
    write("random-%03d" % n, blob, "-")
for name, expect in made:
    print(name, expect)
