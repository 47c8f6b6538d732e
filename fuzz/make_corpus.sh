#!/bin/sh
# Regenerates the fuzz seeds: fuzz/corpus/<target>/gen-*. Files named otherwise (regress-*: inputs
# that crashed a parser once, kept as regression tests) are left alone.
#   fuzz/make_corpus.sh
# Needs cc, python3 and ldconfig; uses cc -m32, musl-gcc and strace when they are there (Debian:
# gcc-12-multilib, musl-tools, strace). The seeds are small on purpose: libFuzzer's input size limit
# defaults to the largest seed, and small inputs run faster.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}

for target in elf ld_cache ld_so_conf ld_so_conf_tree musl_path strace_log payload package_json; do
  mkdir -p "$corpus/$target"
  rm -f "$corpus/$target"/gen-*
done

# --- ELF files: tiny real ones (both classes, both hash styles, versioned symbols, musl, static),
# and single-field corruptions of them.
cd "$work"
cat > lib.c <<'EOF'
int fz_value(void) { return 42; }
EOF
cat > prog.c <<'EOF'
#include <stdio.h>
int fz_value(void);
int main(void) { printf("%d\n", fz_value()); return 0; }
EOF
cat > static.c <<'EOF'
void _start(void) { __asm__ volatile("mov $60, %eax\n xor %edi, %edi\n syscall"); }
EOF
echo 'FZ_1 { global: fz_value; local: *; };' > lib.map
# No build id, no separate code pages: a few kilobytes each.
small="-Os -s -Wl,-z,noseparate-code -Wl,--build-id=none"
mkdir -p elf
$cc $small -shared -fPIC -o elf/lib64.so lib.c -Wl,-soname,libfz.so.1 -Wl,--version-script=lib.map \
  -Wl,-rpath,/opt/fz -Wl,--disable-new-dtags
ln -s elf/lib64.so libfz.so
$cc $small -o elf/prog64 prog.c -L. -lfz '-Wl,-rpath,$ORIGIN/../lib' -Wl,--enable-new-dtags
$cc $small -shared -fPIC -o elf/lib64-sysv.so lib.c -Wl,--hash-style=sysv -Wl,-soname,libsysv.so
$cc $small -static -nostdlib -o elf/static64 static.c
if $cc $small -m32 -shared -fPIC -o elf/lib32.so lib.c -Wl,-soname,libfz32.so -Wl,--hash-style=both 2>/dev/null; then
  $cc $small -m32 -o elf/prog32 prog.c elf/lib32.so 2>/dev/null || true
fi
if command -v musl-gcc >/dev/null; then musl-gcc $small -o elf/prog-musl static.c -nostartfiles || true; fi

python3 - "$work/elf" "$corpus/elf" <<'EOF'
import os, struct, sys

src, out = sys.argv[1], sys.argv[2]

class Elf:
    def __init__(self, data):
        self.d = bytearray(data)
        self.is64 = data[4] == 2
        self.e = '<' if data[5] == 1 else '>'
        w = 'Q' if self.is64 else 'I'
        self.w = w
        self.phoff_at = 32 if self.is64 else 28
        self.phentsize_at = 54 if self.is64 else 42
        self.phnum_at = 56 if self.is64 else 44
        self.phoff = self.get(w, self.phoff_at)
        self.phentsize = self.get('H', self.phentsize_at)
        self.phnum = self.get('H', self.phnum_at)
        # Program header field offsets: (type, offset, vaddr, filesz).
        self.ph_fields = (0, 8, 16, 32) if self.is64 else (0, 4, 8, 16)
        self.phs = []
        for i in range(self.phnum):
            at = self.phoff + i * self.phentsize
            t, o, v, s = (self.get('I' if f == 0 else w, at + f) for f in self.ph_fields)
            self.phs.append(dict(at=at, type=t, offset=o, vaddr=v, filesz=s))
        self.dyn = []
        for ph in self.phs:
            if ph['type'] == 2:
                size = 16 if self.is64 else 8
                for at in range(ph['offset'], ph['offset'] + ph['filesz'] - size + 1, size):
                    tag = self.get(w, at)
                    if tag == 0:
                        break
                    self.dyn.append(dict(at=at, tag=tag, val_at=at + size // 2, val=self.get(w, at + size // 2)))

    def get(self, fmt, at):
        return struct.unpack_from(self.e + fmt, self.d, at)[0]

    def put(self, fmt, at, value):
        d = bytearray(self.d)
        struct.pack_into(self.e + fmt, d, at, value)
        return d

    def ph(self, type_):
        return next((p for p in self.phs if p['type'] == type_), None)

    def tag(self, tag):
        return [e for e in self.dyn if e['tag'] == tag]

    def offset_of(self, vaddr):
        for p in self.phs:
            if p['type'] == 1 and p['vaddr'] <= vaddr < p['vaddr'] + p['filesz']:
                return p['offset'] + vaddr - p['vaddr']
        return None

def variants(e):
    d, w = e.d, e.w
    big = (1 << (64 if e.is64 else 32)) - 1
    yield 'bad-magic', b'\x7fELG' + d[4:]
    yield 'class-0', d[:4] + b'\x00' + d[5:]
    yield 'class-other', d[:4] + bytes([3 - d[4]]) + d[5:]
    yield 'data-0', d[:5] + b'\x00' + d[6:]
    yield 'data-swapped', d[:5] + bytes([3 - d[5]]) + d[6:]
    yield 'truncated-header', d[:20]
    yield 'truncated-phdrs', d[:e.phoff + e.phentsize]
    yield 'truncated-half', d[:len(d) // 2]
    yield 'phoff-past-end', e.put(w, e.phoff_at, len(d) - 8)
    yield 'phoff-wraps', e.put(w, e.phoff_at, big - 7)
    yield 'phnum-max', e.put('H', e.phnum_at, 0xffff)
    yield 'phentsize-1', e.put('H', e.phentsize_at, 1)
    yield 'phentsize-0', e.put('H', e.phentsize_at, 0)
    dyn = e.ph(2)
    if dyn:
        yield 'dynamic-past-end', e.put(w, dyn['at'] + e.ph_fields[1], len(d) - 4)
        yield 'dynamic-offset-wraps', e.put(w, dyn['at'] + e.ph_fields[1], big - 7)
        yield 'dynamic-size-past-end', e.put(w, dyn['at'] + e.ph_fields[3], len(d))
        yield 'dynamic-size-odd', e.put(w, dyn['at'] + e.ph_fields[3], 9)
    interp = e.ph(3)
    if interp:
        end = interp['offset'] + interp['filesz'] - 1
        yield 'interp-no-nul', d[:end] + b'/' + d[end + 1:]
        yield 'interp-past-end', e.put(w, interp['at'] + e.ph_fields[1], len(d) - 2)
        yield 'interp-size-0', e.put(w, interp['at'] + e.ph_fields[3], 0)
    strtab, strsz = e.tag(5), e.tag(10)
    if strtab and strsz:
        off = e.offset_of(strtab[0]['val'])
        if off is not None:
            size = strsz[0]['val']
            yield 'strtab-unterminated', d[:off] + d[off:off + size].replace(b'\x00', b'A') + d[off + size:]
            yield 'strsz-1', e.put(w, strsz[0]['val_at'], 1)
            yield 'strsz-past-end', e.put(w, strsz[0]['val_at'], len(d))
            yield 'strtab-unmapped', e.put(w, strtab[0]['val_at'], 0xdead0000)
    for tag, name in ((1, 'needed'), (14, 'soname'), (15, 'rpath'), (29, 'runpath')):
        entries = e.tag(tag)
        if entries and strsz:
            yield name + '-at-strsz', e.put(w, entries[0]['val_at'], strsz[0]['val'])
            yield name + '-offset-max', e.put(w, entries[0]['val_at'], big)
    for tag, name in ((0x6ffffffe, 'verneed'), (0x6ffffffc, 'verdef')):
        entries = e.tag(tag)
        if entries:
            yield name + '-unmapped', e.put(w, entries[0]['val_at'], 0xdead0000)
            off = e.offset_of(entries[0]['val'])
            if off is not None:
                # vn_cnt / vd_flags+... , vn_aux / vd_aux, vn_next / vd_next: counts and links.
                yield name + '-count-max', e.put('H', off + 2, 0xffff)
                yield name + '-aux-past-end', e.put('I', off + (8 if tag == 0x6ffffffe else 12), len(d))
                yield name + '-next-past-end', e.put('I', off + (12 if tag == 0x6ffffffe else 16), len(d))
    for tag, name in ((0x6ffffffd, 'verdefnum'), (0x6fffffff, 'verneednum')):
        entries = e.tag(tag)
        if entries:
            yield name + '-max', e.put(w, entries[0]['val_at'], big)
    gnu = e.tag(0x6ffffef5)
    if gnu:
        off = e.offset_of(gnu[0]['val'])
        if off is not None:
            yield 'gnu-hash-nbuckets-max', e.put('I', off, 0xffffffff)
            yield 'gnu-hash-bloom-max', e.put('I', off + 8, 0xffffffff)
            yield 'gnu-hash-symoffset-0', e.put('I', off + 4, 0)
    sysv = e.tag(4)
    if sysv:
        off = e.offset_of(sysv[0]['val'])
        if off is not None:
            yield 'hash-nchain-max', e.put('I', off + 4, 0xffffffff)
    load = e.ph(1)
    if load:
        yield 'load-size-max', e.put(w, load['at'] + e.ph_fields[3], big)

for name in sorted(os.listdir(src)):
    data = open(os.path.join(src, name), 'rb').read()
    open(os.path.join(out, 'gen-' + name), 'wb').write(data)
    # Every corruption of the main fixtures; the others are there for their structure.
    if name in ('prog64', 'lib64.so', 'lib32.so', 'lib64-sysv.so'):
        for what, mutated in variants(Elf(data)):
            open(os.path.join(out, 'gen-%s-%s' % (name, what)), 'wb').write(mutated)
EOF

# --- ld.so.cache: real caches made by ldconfig (new, compat = old + new, old) over a root with a
# glibc-hwcaps subdirectory and names whose digit runs compare as numbers; then corruptions.
root=$work/root
mkdir -p "$root/etc" "$root/lib" "$root/usr/lib/glibc-hwcaps/x86-64-v3" "$root/opt/x"
cp elf/lib64.so "$root/lib/libfz.so.1"
cp elf/lib64.so "$root/usr/lib/glibc-hwcaps/x86-64-v3/libfz.so.1"
for n in libnum.so.9 libnum.so.10 libnum.so.010 libnum.so.99999999999999999999; do
  $cc $small -shared -fPIC -o "$root/opt/x/$n" lib.c -Wl,-soname,$n
done
[ -f elf/lib32.so ] && cp elf/lib32.so "$root/opt/x/libfz32.so"
echo /opt/x > "$root/etc/ld.so.conf"
mkdir -p caches
for format in new compat old; do
  ldconfig -r "$root" -c $format -C /etc/ld.so.cache.$format
  cp "$root/etc/ld.so.cache.$format" caches/$format
done

python3 - "$work/caches" "$corpus/ld_cache" <<'EOF'
import os, struct, sys

src, out = sys.argv[1], sys.argv[2]
NEW = b'glibc-ld.so.cache1.1'

def put(d, fmt, at, value):
    d = bytearray(d)
    struct.pack_into('<' + fmt, d, at, value)
    return d

def new_variants(d, base):
    # Header: magic+version[20], nlibs@20, len_strings@24, flags@28, extension_offset@32; 48 bytes.
    nlibs = struct.unpack_from('<I', d, base + 20)[0]
    first = base + 48
    yield 'bad-magic', d[:base] + b'X' + d[base + 1:]
    yield 'truncated-header', d[:base + 40]
    yield 'truncated-entries', d[:first + 24 * nlibs - 4]
    yield 'nlibs-max', put(d, 'I', base + 20, 0xffffffff)
    yield 'nlibs-one-more', put(d, 'I', base + 20, nlibs + 1)
    yield 'nlibs-0', put(d, 'I', base + 20, 0)
    yield 'endian-big', put(d, 'B', base + 28, 3)
    yield 'endian-bad', put(d, 'B', base + 28, 7)
    yield 'key-past-end', put(d, 'I', first + 4, len(d))
    yield 'key-max', put(d, 'I', first + 4, 0xffffffff)
    yield 'value-past-end', put(d, 'I', first + 8, len(d) - base)
    # A string that runs to the end of the file without a NUL.
    yield 'value-unterminated', put(d + b'/lib/no-nul', 'I', first + 8, len(d) - base)
    yield 'hwcap-index-max', put(d, 'Q', first + 16, (1 << 62) | 0xffffffff)
    yield 'hwcap-index-1', put(d, 'Q', first + 16, (1 << 62) | 1)
    yield 'flags-1', put(d, 'i', first, 1)
    ext = struct.unpack_from('<I', d, base + 32)[0]
    yield 'extension-past-end', put(d, 'I', base + 32, len(d) - 4)
    yield 'extension-max', put(d, 'I', base + 32, 0xffffffff)
    if ext and ext + 8 <= len(d):
        yield 'extension-count-max', put(d, 'I', ext + 4, 0xffffffff)
        sections = struct.unpack_from('<I', d, ext + 4)[0]
        for i in range(sections):
            at = ext + 8 + 16 * i
            if struct.unpack_from('<I', d, at)[0] == 1:
                yield 'hwcaps-size-odd', put(d, 'I', at + 12, 3)
                yield 'hwcaps-size-max', put(d, 'I', at + 12, 0xfffffffc)
                yield 'hwcaps-offset-past-end', put(d, 'I', at + 8, len(d))
                offset = struct.unpack_from('<I', d, at + 8)[0]
                yield 'hwcaps-string-past-end', put(d, 'I', offset, len(d))

def old_variants(d):
    # Header: "ld.so-1.7.0" padded to 12, nlibs@12; 12-byte entries (flags, key, value).
    yield 'old-bad-magic', b'ld.so-1.6.0' + d[11:]
    yield 'old-truncated', d[:14]
    yield 'old-nlibs-max', put(d, 'I', 12, 0xffffffff)
    yield 'old-nlibs-0', put(d, 'I', 12, 0)
    yield 'old-key-max', put(d, 'I', 16 + 4, 0xffffffff)
    yield 'old-value-past-end', put(d, 'I', 16 + 8, len(d))

for name in sorted(os.listdir(src)):
    d = open(os.path.join(src, name), 'rb').read()
    open(os.path.join(out, 'gen-' + name), 'wb').write(d)
    if d.startswith(NEW):
        muts = new_variants(d, 0)
    elif name == 'old':
        muts = old_variants(d)
    else:  # compat: the new format after the old entries
        base = d.find(NEW)
        muts = [('compat-' + n, m) for n, m in new_variants(d, base)] + \
               [('compat-' + n, m) for n, m in old_variants(d)]
    for what, mutated in muts:
        open(os.path.join(out, 'gen-%s-%s' % (name, what)), 'wb').write(mutated)
EOF

# --- ld.so.conf texts (one file) and trees (files separated by NUL bytes, in the order
# etc/ld.so.conf, etc/ld.so.conf.d/a.conf, etc/ld.so.conf.d/b.conf, etc/other.conf).
conf=$corpus/ld_so_conf
printf 'include /etc/ld.so.conf.d/*.conf\n' > "$conf/gen-debian"
printf '# libc default configuration\n/usr/local/lib\n' > "$conf/gen-libc-conf"
printf '# comment\n/opt/first/  \ninclude ld.so.conf.d/*.conf\nhwcap 0 nosegneg\n' > "$conf/gen-mixed"
printf '/opt/a=libc6 # old style\n/opt/b=\n=/opt/c\n' > "$conf/gen-old-style"
printf 'include\tone.conf two/*.conf   /abs/[a-c].conf\ninclude\ninclude \nincludes /x\n' > "$conf/gen-includes"
printf '\t /opt/tabs\t \r\n///\n/opt/trailing///\nhwcap\nhwcap\tx\n#only\n\n' > "$conf/gen-whitespace"
printf '/opt/no-newline-at-end' > "$conf/gen-no-newline"
printf '/opt/a\0/opt/b\n\377\376\n' > "$conf/gen-binary"

tree=$corpus/ld_so_conf_tree
printf 'include ld.so.conf.d/*.conf\n/opt/top\0/opt/a\n\0/opt/b\ninclude ../other.conf\n\0/opt/other\n' > "$tree/gen-layout"
printf '/opt/top\ninclude ld.so.conf\n' > "$tree/gen-self-include"
printf 'include ld.so.conf.d/a.conf\0include ../ld.so.conf\n/opt/a\n' > "$tree/gen-cycle"
printf 'include /etc/*.conf\n/opt/top\0/opt/a\0\0/opt/other\n' > "$tree/gen-glob-etc"
printf 'include ld.so.conf.d/up/ld.so.conf.d/*.conf\0/opt/a\0/opt/b\n' > "$tree/gen-symlink"
printf 'include ld.so.conf.d/[ab].conf /etc/missing/*.conf\0/opt/a\0/opt/b\n' > "$tree/gen-brackets"

# --- musl path files.
musl=$corpus/musl_path
printf '/lib/x86_64-linux-musl\n/usr/lib/x86_64-linux-musl\n' > "$musl/gen-debian"
printf '/lib:/usr/local/lib:/usr/lib' > "$musl/gen-colons"
printf '::/a::\n\n/b:\n:' > "$musl/gen-empty-elements"
printf '/opt/with space\t/x\r\n/opt/\0nul\n' > "$musl/gen-odd-bytes"
: > "$musl/gen-empty"

# --- package.json files: npm's shapes, and escapes.
pj=$corpus/package_json
printf '{"name": "js-yaml", "version": "4.1.0", "bin": {"js-yaml": "bin/js-yaml.js"},\n "dependencies": {"argparse": "^2.0.1"}, "devDependencies": {"mocha": "^8.2.1"}}\n' > "$pj/gen-npm"
printf '{"optionalDependencies": {"@scope/x": "1 - 2"}, "peerDependencies": {"y": "*"}, "files": ["a", 1, -2.5e+3, true, false, null]}' > "$pj/gen-kinds"
printf '{"dependencies": {"\\u00e9\\ud83d\\ude00\\ud800x": "1", "a\\"b\\\\\\/\\n": "2"}}' > "$pj/gen-escapes"
printf '[[[{"dependencies": {}}]], {}, "x"]' > "$pj/gen-nested"
printf '{"dependencies": {"a": 1,}}' > "$pj/gen-bad"

# --- strace logs: a real one if strace works here, and hand-made ones with the odd cases.
log=$corpus/strace_log
if command -v strace >/dev/null && strace -f -e trace=file -o "$work/real.log" sh -c 'cat /etc/hostname /nonexistent; ls / >/dev/null' >/dev/null 2>&1 ||
   [ -s "$work/real.log" ]; then
  head -c 4096 "$work/real.log" > "$log/gen-real"
fi
cat > "$log/gen-basic" <<'EOF'
4242 execve("/usr/bin/rig", ["rig"], 0x7ffc /* 3 vars */) = 0
4242 access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)
4242 openat(AT_FDCWD, "/usr/share/rig/locdata.idx", O_RDONLY) = 3
4242 newfstatat(3, "", {st_mode=S_IFREG|0644, ...}, AT_EMPTY_PATH) = 0
4242 stat("/etc/a file\twith \"quotes\" \303\251", {...}) = 0
4242 --- SIGCHLD {si_signo=SIGCHLD} ---
4242 +++ exited with 0 +++
EOF
cat > "$log/gen-split" <<'EOF'
[pid  101] openat(AT_FDCWD, "/opt/a.so", O_RDONLY|O_CLOEXEC <unfinished ...>
[pid  102] openat(AT_FDCWD, "/opt/b", O_RDONLY <unfinished ...>
[pid  102] <... openat resumed>) = -1 ENOENT (No such file or directory)
[pid  101] <... openat resumed>) = 5
[pid 103] <... openat resumed>) = 7
[pid 104 openat(AT_FDCWD, "/x", O_RDONLY) = 3
12:00:00.123456 openat(AT_FDCWD, "/opt/c", O_RDONLY) = 6
1700000000.123456 stat("/opt/d", {...}) = 0
77 12:00:00 execve("/bin/e", [], []) = 0
EOF
cat > "$log/gen-escapes" <<'EOF'
open("\x2f\x65\x74\x63", O_RDONLY) = 3
open("\x2", O_RDONLY) = 3
open("\0\1\377\400/octal", O_RDONLY) = 3
open("\n\t\r\v\f\q\\", O_RDONLY) = 3
openat(AT_FDCWD, "/very/long/path/that/strace/cut"..., O_RDONLY) = 4
readlinkat(AT_FDCWD, "/proc/self/exe", "/usr/bin/x", 4096) = 10
openat(3, "rel", O_RDONLY) = 5
faccessat2(5, "", F_OK, AT_EMPTY_PATH) = 0
statx(3</etc>, "", AT_EMPTY_PATH, STATX_ALL, {...}) = 0
execve("/bin/q", ["q"], 0x0 /* 0 vars */) = ?
EOF
printf 'openat(AT_FDCWD, "/unterminated, O_RDONLY) = 3\n' > "$log/gen-unterminated"
printf 'open("/ends-in-backslash\\' > "$log/gen-truncated-escape"
printf 'open("/a", O_RDONLY) = 3\r\nopen("/b", O_RDONLY) = 3' > "$log/gen-crlf-no-newline"

# --- Payloads of compressed bundles (launchers/expand/payload_format.h): a directory, files, a
# link, a hard link, frames made by zstd (the reader checks sizes and paths, not digests), and a cut copy.
python3 - "$corpus/payload" <<'EOF'
import struct, subprocess, sys
out = sys.argv[1]
def entry(kind, mode, path, size, extra=b""):
    p = path.encode()
    return struct.pack("<BBHIQ", kind, 0, mode, len(p), size) + p + b"\0" + extra
def payload(entries, contents, frame_size):
    index = b"".join(entries)
    content = b"".join(contents)
    frames = [content[i:i + frame_size] for i in range(0, len(content), frame_size)]
    coded = [subprocess.run(["zstd", "-q", "-c", "-1"], input=f, capture_output=True, check=True).stdout for f in frames]
    table = b"".join(struct.pack("<QQQ", len(c), len(f), 0) for c, f in zip(coded, frames))
    head = b"EPZ1" + struct.pack("<IQQQIIQ", 0, 0, len(content), len(index), len(entries), len(frames), 0)
    return head + index + table + b"".join(coded)
files = [b"launcher bytes", b"x" * 300, b"library"]
entries = [entry(0, 0o755, "bin", 0), entry(1, 0o755, "bin/prog", len(files[0])), entry(0, 0o755, "lib", 0),
           entry(1, 0o644, "lib/a", len(files[1])), entry(2, 0o777, "lib/a.so", 1, b"a\0"),
           entry(1, 0o644, "lib/b", len(files[2])), entry(3, 0o644, "lib/c", 5, b"lib/b\0")]
whole = payload(entries, files, 128)
open(out + "/gen-three-frames", "wb").write(whole)
open(out + "/gen-one-frame", "wb").write(payload(entries, files, 4096))
open(out + "/gen-empty", "wb").write(payload([entry(0, 0o700, "d", 0)], [], 128))
open(out + "/gen-cut", "wb").write(whole[:len(whole) // 2])
EOF

cd "$corpus"
echo "make_corpus.sh: $(find . -type f | wc -l) seeds, $(du -sk . | cut -f1) KB in $corpus" >&2
