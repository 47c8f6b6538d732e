// The bounds-checked ELF reader. Rules (bloaty's and LLVM ELFFile's): every offset and size comes
// from an untrusted file, so each is checked in subtraction form before use (`size - off < n`,
// which cannot overflow, never `off + n > size`), and fields are copied out with memcpy, never
// read through a pointer cast into the buffer. Both byte orders and both classes are handled.
#include "elfpack/elf/elf_file.h"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <deque>
#include <sstream>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"

namespace elfpack {

std::string machine_name(uint16_t e_machine) {
  switch (e_machine) {  // the gABI's EM_ values
    case kEm386: return "i386";
    case 8: return "MIPS";
    case 20: return "PowerPC";
    case 21: return "PowerPC64";
    case 22: return "s390";
    case 40: return "ARM (32-bit)";
    case 43: return "SPARC V9";
    case kEmX86_64: return "x86_64";
    case kEmAarch64: return "aarch64";
    case 243: return "RISC-V";
    case 258: return "LoongArch";
    default: return "ELF machine " + std::to_string(e_machine);
  }
}

namespace {

constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtDynamic = 2;
constexpr uint32_t kPtInterp = 3;
constexpr int64_t kDtNull = 0;
constexpr int64_t kDtNeeded = 1;
constexpr int64_t kDtStrtab = 5;
constexpr int64_t kDtStrsz = 10;
constexpr int64_t kDtSoname = 14;
constexpr int64_t kDtRpath = 15;
constexpr int64_t kDtRunpath = 29;
constexpr int64_t kDtFlags1 = 0x6ffffffb;
constexpr int64_t kDtHash = 4;
constexpr int64_t kDtSymtab = 6;
constexpr int64_t kDtGnuHash = 0x6ffffef5;
constexpr int64_t kDtVerdef = 0x6ffffffc;
constexpr int64_t kDtVerdefnum = 0x6ffffffd;
constexpr int64_t kDtVerneed = 0x6ffffffe;
constexpr int64_t kDtVerneednum = 0x6fffffff;
constexpr uint8_t kElfDataLsb = 1;
constexpr uint8_t kElfDataMsb = 2;
constexpr uint8_t kEvCurrent = 1;
constexpr uint8_t kOsabiSysv = 0;
constexpr uint8_t kOsabiGnu = 3;

template <typename T>
T byte_swapped(T v) {
  if constexpr (sizeof(T) == 2) return static_cast<T>(__builtin_bswap16(v));
  if constexpr (sizeof(T) == 4) return static_cast<T>(__builtin_bswap32(v));
  if constexpr (sizeof(T) == 8) return static_cast<T>(__builtin_bswap64(v));
  return v;
}

std::string hex(uint64_t v) {
  std::ostringstream out;
  out << "0x" << std::hex << v;
  return out.str();
}

// Two hex digits, as hexdump shows a byte.
std::string hex_byte(unsigned char b) {
  static const char kDigits[] = "0123456789abcdef";
  return {kDigits[b >> 4], kDigits[b & 15]};
}

// Where the reader's bytes come from: a buffer holding the whole file, or the file itself, read
// with pread a window at a time (the resolver needs a few hundred bytes of each library, and
// mapping each whole file costs more than reading those).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // [off, off + n), which the caller has checked lies within size().
  virtual std::span<const unsigned char> bytes(uint64_t off, uint64_t n) const = 0;
};

class BufferSource : public ByteSource {
 public:
  explicit BufferSource(std::span<const unsigned char> data) : data_(data) {}
  uint64_t size() const override { return data_.size(); }
  std::span<const unsigned char> bytes(uint64_t off, uint64_t n) const override { return data_.subspan(off, n); }

 private:
  std::span<const unsigned char> data_;
};

class FileSource : public ByteSource {
 public:
  FileSource(int fd, uint64_t size, const std::string& name) : fd_(fd), size_(size), name_(name) {}
  uint64_t size() const override { return size_; }
  std::span<const unsigned char> bytes(uint64_t off, uint64_t n) const override {
    for (const auto& w : windows_) {
      if (off >= w.offset && off - w.offset <= w.bytes.size() && w.bytes.size() - (off - w.offset) >= n) {
        return std::span<const unsigned char>(w.bytes).subspan(off - w.offset, n);
      }
    }
    // A small request brings its whole aligned window: the fields near it come next.
    constexpr uint64_t kWindow = 4096;
    const uint64_t start = n < kWindow ? off / kWindow * kWindow : off;
    const uint64_t length = n < kWindow ? std::min(size_ - start, std::max(kWindow, off + n - start)) : n;
    Window w{start, std::vector<unsigned char>(length)};
    read_exactly(fd_, w.bytes.data(), length, start, name_, size_);
    windows_.push_back(std::move(w));
    return std::span<const unsigned char>(windows_.back().bytes).subspan(off - start, n);
  }

 private:
  struct Window {
    uint64_t offset;
    std::vector<unsigned char> bytes;
  };
  int fd_;
  uint64_t size_;
  const std::string& name_;
  mutable std::deque<Window> windows_;  // a deque: spans handed out stay valid
};

// Reads fixed-size fields of one byte order from a bounded source.
class FieldReader {
 public:
  FieldReader(const ByteSource& source, bool little_endian, const std::string& name)
      : source_(source), swap_(little_endian != (std::endian::native == std::endian::little)), name_(name) {}

  template <typename T>
  T get(uint64_t off, const char* field) const {
    if (off > size() || size() - off < sizeof(T)) {
      throw Error(name_ + ": " + field + " at offset " + hex(off) + " is past the end of the file (size " +
                  std::to_string(size()) + ")");
    }
    T value;
    std::memcpy(&value, source_.bytes(off, sizeof(T)).data(), sizeof(T));
    return swap_ ? byte_swapped(value) : value;
  }

  // A word of the file's class: 4 bytes for ELFCLASS32, 8 for ELFCLASS64.
  uint64_t word(uint64_t off, bool is64, const char* field) const {
    return is64 ? get<uint64_t>(off, field) : get<uint32_t>(off, field);
  }

  uint64_t size() const { return source_.size(); }
  // [off, off + n), checked by the caller.
  std::span<const unsigned char> bytes(uint64_t off, uint64_t n) const { return source_.bytes(off, n); }
  const std::string& name() const { return name_; }

 private:
  const ByteSource& source_;
  bool swap_;
  const std::string& name_;
};

struct ProgramHeader {
  uint32_t type;
  uint64_t offset, vaddr, filesz;
};

struct FileHeader {
  bool is64;
  uint64_t phoff;
  uint16_t phentsize, phnum;
};

ElfIdent read_ident(std::span<const unsigned char> data, const std::string& name) {
  if (!has_elf_magic(data)) {
    std::string start;
    for (std::size_t i = 0; i < std::min<std::size_t>(data.size(), 4); ++i) start += " " + hex_byte(data[i]);
    throw Error(name + ": not an ELF file (bad magic: starts" + (start.empty() ? " with nothing" : start) +
                ", not 7f 45 4c 46)");
  }
  if (data.size() < 20) {
    throw Error(name + ": truncated ELF header (file size " + std::to_string(data.size()) + ", the header is 52 or 64 bytes)");
  }
  ElfIdent ident;
  ident.elf_class = data[4];
  if (ident.elf_class != kElfClass32 && ident.elf_class != kElfClass64) {
    throw Error(name + ": EI_CLASS " + std::to_string(data[4]) + " is neither 32-bit (1) nor 64-bit (2)");
  }
  if (data[5] != kElfDataLsb && data[5] != kElfDataMsb) {
    throw Error(name + ": EI_DATA " + std::to_string(data[5]) + " is neither little- (1) nor big-endian (2)");
  }
  ident.little_endian = data[5] == kElfDataLsb;
  ident.osabi = data[7];
  const BufferSource source(data);
  const FieldReader reader(source, ident.little_endian, name);
  ident.type = reader.get<uint16_t>(16, "e_type");
  ident.machine = reader.get<uint16_t>(18, "e_machine");
  return ident;
}

FileHeader read_file_header(const FieldReader& reader, const ElfIdent& ident) {
  FileHeader header;
  header.is64 = ident.elf_class == kElfClass64;
  header.phoff = reader.word(header.is64 ? 32 : 28, header.is64, "e_phoff");
  header.phentsize = reader.get<uint16_t>(header.is64 ? 54 : 42, "e_phentsize");
  header.phnum = reader.get<uint16_t>(header.is64 ? 56 : 44, "e_phnum");
  const uint16_t expected_entsize = header.is64 ? 56 : 32;
  if (header.phnum != 0 && header.phentsize != expected_entsize) {
    throw Error(reader.name() + ": e_phentsize " + std::to_string(header.phentsize) + " is not " +
                std::to_string(expected_entsize));
  }
  const uint64_t size = reader.size();
  const uint64_t table_size = uint64_t{header.phnum} * header.phentsize;
  if (header.phoff > size || size - header.phoff < table_size) {
    throw Error(reader.name() + ": program headers (e_phoff " + hex(header.phoff) + ", e_phnum " +
                std::to_string(header.phnum) + ") extend past the end of the file (size " + std::to_string(size) + ")");
  }
  return header;
}

std::vector<ProgramHeader> read_program_headers(const FieldReader& reader, const FileHeader& header) {
  std::vector<ProgramHeader> headers;
  headers.reserve(header.phnum);
  for (uint64_t i = 0; i < header.phnum; ++i) {
    const uint64_t at = header.phoff + i * header.phentsize;  // in range: checked by read_file_header
    ProgramHeader ph;
    ph.type = reader.get<uint32_t>(at, "p_type");
    if (header.is64) {
      ph.offset = reader.get<uint64_t>(at + 8, "p_offset");
      ph.vaddr = reader.get<uint64_t>(at + 16, "p_vaddr");
      ph.filesz = reader.get<uint64_t>(at + 32, "p_filesz");
    } else {
      ph.offset = reader.get<uint32_t>(at + 4, "p_offset");
      ph.vaddr = reader.get<uint32_t>(at + 8, "p_vaddr");
      ph.filesz = reader.get<uint32_t>(at + 16, "p_filesz");
    }
    headers.push_back(ph);
  }
  return headers;
}

// The bytes of a segment's file image, checked against the file size.
std::span<const unsigned char> segment_bytes(const FieldReader& reader, const ProgramHeader& ph, const char* what) {
  const uint64_t size = reader.size();
  if (ph.offset > size || size - ph.offset < ph.filesz) {
    throw Error(reader.name() + ": " + what + " segment (offset " + hex(ph.offset) + ", size " + hex(ph.filesz) +
                ") extends past the end of the file (size " + std::to_string(size) + ")");
  }
  return reader.bytes(ph.offset, ph.filesz);
}

std::string read_interp(const FieldReader& reader, const ProgramHeader& ph) {
  const auto bytes = segment_bytes(reader, ph, "PT_INTERP");
  const void* nul = std::memchr(bytes.data(), 0, bytes.size());
  if (nul == nullptr) throw Error(reader.name() + ": PT_INTERP is not NUL-terminated");
  return std::string(reinterpret_cast<const char*>(bytes.data()),
                     static_cast<const unsigned char*>(nul) - bytes.data());
}

// Maps a virtual address to a file offset through the PT_LOAD segments, as a loader would see it.
std::optional<uint64_t> vaddr_to_offset(const std::vector<ProgramHeader>& headers, uint64_t vaddr) {
  for (const auto& ph : headers) {
    if (ph.type == kPtLoad && vaddr >= ph.vaddr && vaddr - ph.vaddr < ph.filesz) {
      return ph.offset + (vaddr - ph.vaddr);
    }
  }
  return std::nullopt;
}

// The dynamic string table, bounded by DT_STRSZ and the file. Strings are read where they are
// asked for: a library's names are a few of its (often large) table's bytes.
class StringTable {
 public:
  StringTable(const FieldReader& reader, uint64_t offset, uint64_t size) : reader_(reader), offset_(offset), size_(size) {
    if (offset > reader.size() || reader.size() - offset < size) {
      throw Error(reader.name() + ": DT_STRTAB (offset " + hex(offset) + ", DT_STRSZ " + hex(size) +
                  ") extends past the end of the file (size " + std::to_string(reader.size()) + ")");
    }
  }

  std::string at(uint64_t index, const char* tag) const {
    if (index >= size_) {
      throw Error(reader_.name() + ": " + tag + " string offset " + hex(index) + " is outside the string table (DT_STRSZ " +
                  hex(size_) + ")");
    }
    // Most strings end within a few hundred bytes; a longer one is asked for again, whole.
    const uint64_t rest = size_ - index;
    for (const uint64_t n : {std::min<uint64_t>(rest, 512), rest}) {
      const auto bytes = reader_.bytes(offset_ + index, n);
      if (const void* nul = std::memchr(bytes.data(), 0, bytes.size())) {
        return std::string(reinterpret_cast<const char*>(bytes.data()), static_cast<const unsigned char*>(nul) - bytes.data());
      }
    }
    throw Error(reader_.name() + ": " + tag + " string at offset " + hex(index) + " is not NUL-terminated within DT_STRSZ " +
                hex(size_));
  }

 private:
  const FieldReader& reader_;
  uint64_t offset_, size_;
};

struct DynamicEntry {
  int64_t tag;
  uint64_t value;
};

std::vector<DynamicEntry> read_dynamic(const FieldReader& reader, const ProgramHeader& ph, bool is64) {
  const auto bytes = segment_bytes(reader, ph, "PT_DYNAMIC");
  const uint64_t entsize = is64 ? 16 : 8;
  std::vector<DynamicEntry> entries;
  for (uint64_t at = 0; bytes.size() - at >= entsize; at += entsize) {
    const uint64_t off = ph.offset + at;
    DynamicEntry entry;
    entry.tag = is64 ? static_cast<int64_t>(reader.get<uint64_t>(off, "d_tag"))
                     : static_cast<int32_t>(reader.get<uint32_t>(off, "d_tag"));
    entry.value = reader.word(off + entsize / 2, is64, "d_val");
    if (entry.tag == kDtNull) break;
    entries.push_back(entry);
  }
  return entries;
}

void read_dynamic_facts(const FieldReader& reader, const std::vector<ProgramHeader>& headers,
                        const ProgramHeader& dynamic, bool is64, ElfFacts& facts) {
  const auto entries = read_dynamic(reader, dynamic, is64);
  std::optional<uint64_t> strtab_vaddr;
  uint64_t strsz = 0;
  for (const auto& e : entries) {
    if (e.tag == kDtStrtab) strtab_vaddr = e.value;
    if (e.tag == kDtStrsz) strsz = e.value;
    if (e.tag == kDtFlags1) facts.flags_1 = e.value;
  }
  bool uses_strings = false;
  for (const auto& e : entries) {
    uses_strings |= e.tag == kDtNeeded || e.tag == kDtSoname || e.tag == kDtRpath || e.tag == kDtRunpath;
  }
  if (!uses_strings) return;
  if (!strtab_vaddr) throw Error(reader.name() + ": PT_DYNAMIC has string entries but no DT_STRTAB");
  const auto strtab_offset = vaddr_to_offset(headers, *strtab_vaddr);
  if (!strtab_offset) {
    throw Error(reader.name() + ": DT_STRTAB address " + hex(*strtab_vaddr) + " is not inside any PT_LOAD segment");
  }
  const StringTable strings(reader, *strtab_offset, strsz);
  for (const auto& e : entries) {
    switch (e.tag) {
      case kDtNeeded:
        facts.needed.push_back(strings.at(e.value, "DT_NEEDED"));
        // No loader can open "": a DT_STRTAB pointing at the wrong bytes, most likely.
        if (facts.needed.back().empty()) throw Error(reader.name() + ": DT_NEEDED string at offset " + hex(e.value) + " is empty");
        break;
      case kDtSoname: facts.soname = strings.at(e.value, "DT_SONAME"); break;
      case kDtRpath: facts.rpath = strings.at(e.value, "DT_RPATH"); break;
      case kDtRunpath: facts.runpath = strings.at(e.value, "DT_RUNPATH"); break;
      default: break;
    }
  }
}

}  // namespace

bool has_elf_magic(std::span<const unsigned char> data) {
  return data.size() >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
}

namespace {

ElfFacts parse_source(const ByteSource& source, const std::string& name) {
  ElfFacts facts;
  facts.ident = read_ident(source.bytes(0, std::min<uint64_t>(source.size(), 64)), name);
  const FieldReader reader(source, facts.ident.little_endian, name);
  const FileHeader header = read_file_header(reader, facts.ident);
  const auto headers = read_program_headers(reader, header);
  const ProgramHeader* dynamic = nullptr;
  for (const auto& ph : headers) {
    if (ph.type == kPtInterp && !facts.interp) facts.interp = read_interp(reader, ph);
    if (ph.type == kPtDynamic && dynamic == nullptr) dynamic = &ph;
  }
  if (dynamic != nullptr) {
    facts.has_dynamic = true;
    read_dynamic_facts(reader, headers, *dynamic, header.is64, facts);
  }
  return facts;
}

}  // namespace

ElfFacts parse_elf(std::span<const unsigned char> data, const std::string& name) {
  return parse_source(BufferSource(data), name);
}

namespace {

std::vector<std::string> imports_from(const ByteSource& source, const ElfIdent& ident, const std::string& name) {
  const FieldReader reader(source, ident.little_endian, name);
  const FileHeader header = read_file_header(reader, ident);
  const auto headers = read_program_headers(reader, header);
  const ProgramHeader* dynamic = nullptr;
  for (const auto& ph : headers) {
    if (ph.type == kPtDynamic && dynamic == nullptr) dynamic = &ph;
  }
  std::vector<std::string> imports;
  if (dynamic == nullptr) return imports;
  std::optional<uint64_t> strtab, symtab, hash, gnu_hash;
  uint64_t strsz = 0;
  for (const auto& e : read_dynamic(reader, *dynamic, header.is64)) {
    if (e.tag == kDtStrtab) strtab = vaddr_to_offset(headers, e.value);
    if (e.tag == kDtStrsz) strsz = e.value;
    if (e.tag == kDtSymtab) symtab = vaddr_to_offset(headers, e.value);
    if (e.tag == kDtHash) hash = vaddr_to_offset(headers, e.value);
    if (e.tag == kDtGnuHash) gnu_hash = vaddr_to_offset(headers, e.value);
  }
  if (!strtab || !symtab) return imports;
  // The number of symbols: DT_HASH's nchain, or one past the last symbol DT_GNU_HASH reaches.
  uint64_t count = 0;
  if (hash) {
    count = reader.get<uint32_t>(*hash + 4, "DT_HASH nchain");
  } else if (gnu_hash) {
    const uint32_t nbuckets = reader.get<uint32_t>(*gnu_hash, "DT_GNU_HASH nbuckets");
    const uint32_t symoffset = reader.get<uint32_t>(*gnu_hash + 4, "DT_GNU_HASH symoffset");
    const uint32_t bloom_size = reader.get<uint32_t>(*gnu_hash + 8, "DT_GNU_HASH bloom size");
    const uint64_t buckets = *gnu_hash + 16 + uint64_t{bloom_size} * (header.is64 ? 8 : 4);
    uint32_t last = 0;
    for (uint32_t b = 0; b < nbuckets; ++b) last = std::max(last, reader.get<uint32_t>(buckets + uint64_t{b} * 4, "bucket"));
    count = symoffset;
    if (last >= symoffset) {
      const uint64_t chains = buckets + uint64_t{nbuckets} * 4;
      uint64_t i = last;
      while ((reader.get<uint32_t>(chains + (i - symoffset) * 4, "DT_GNU_HASH chain") & 1) == 0) ++i;
      count = i + 1;
    }
  }
  const StringTable strings(reader, *strtab, strsz);
  const uint64_t entry = header.is64 ? 24 : 16;
  for (uint64_t i = 1; i < count; ++i) {
    const uint64_t at = *symtab + i * entry;
    const uint32_t name_offset = reader.get<uint32_t>(at, "st_name");
    const uint16_t shndx = reader.get<uint16_t>(at + (header.is64 ? 6 : 14), "st_shndx");
    if (shndx == 0 && name_offset != 0) imports.push_back(strings.at(name_offset, "symbol name"));
  }
  return imports;
}

}  // namespace

std::vector<std::string> read_imports(std::span<const unsigned char> data, const std::string& name) {
  return imports_from(BufferSource(data), read_ident(data, name), name);
}

SymbolVersions read_symbol_versions(std::span<const unsigned char> data, const std::string& name) {
  const ElfIdent ident = read_ident(data, name);
  const BufferSource source(data);
  const FieldReader reader(source, ident.little_endian, name);
  const FileHeader header = read_file_header(reader, ident);
  const auto headers = read_program_headers(reader, header);
  SymbolVersions versions;
  const ProgramHeader* dynamic = nullptr;
  for (const auto& ph : headers) {
    if (ph.type == kPtDynamic && dynamic == nullptr) dynamic = &ph;
  }
  if (dynamic == nullptr) return versions;
  std::optional<uint64_t> strtab, verdef, verneed;
  uint64_t strsz = 0, verdefnum = 0, verneednum = 0;
  for (const auto& e : read_dynamic(reader, *dynamic, header.is64)) {
    if (e.tag == kDtStrtab) strtab = vaddr_to_offset(headers, e.value);
    if (e.tag == kDtStrsz) strsz = e.value;
    if (e.tag == kDtVerdef) verdef = vaddr_to_offset(headers, e.value);
    if (e.tag == kDtVerdefnum) verdefnum = e.value;
    if (e.tag == kDtVerneed) verneed = vaddr_to_offset(headers, e.value);
    if (e.tag == kDtVerneednum) verneednum = e.value;
  }
  if (!strtab) return versions;
  const StringTable strings(reader, *strtab, strsz);
  // Elf_Verneed {vn_version, vn_cnt, vn_file, vn_aux, vn_next}, Elf_Vernaux {hash, flags, other,
  // name, next}: the same layout in both classes. Counts are bounded by the tags' own counts.
  uint64_t at = verneed.value_or(0);
  for (uint64_t i = 0; verneed && i < verneednum && i < 4096; ++i) {
    const uint16_t count = reader.get<uint16_t>(at + 2, "vn_cnt");
    const std::string file = strings.at(reader.get<uint32_t>(at + 4, "vn_file"), "vn_file");
    uint64_t aux = at + reader.get<uint32_t>(at + 8, "vn_aux");
    for (uint16_t j = 0; j < count; ++j) {
      versions.needed.emplace_back(file, strings.at(reader.get<uint32_t>(aux + 8, "vna_name"), "vna_name"));
      const uint32_t next = reader.get<uint32_t>(aux + 12, "vna_next");
      if (next == 0) break;
      aux += next;
    }
    const uint32_t next = reader.get<uint32_t>(at + 12, "vn_next");
    if (next == 0) break;
    at += next;
  }
  // Elf_Verdef {version, flags, ndx, cnt, hash, aux, next}, Elf_Verdaux {name, next}; the base
  // definition (flags 1) is the object's own name, not a version.
  at = verdef.value_or(0);
  for (uint64_t i = 0; verdef && i < verdefnum && i < 4096; ++i) {
    const uint16_t flags = reader.get<uint16_t>(at + 2, "vd_flags");
    const uint64_t aux = at + reader.get<uint32_t>(at + 12, "vd_aux");
    if ((flags & 1) == 0) versions.defined.push_back(strings.at(reader.get<uint32_t>(aux, "vda_name"), "vda_name"));
    const uint32_t next = reader.get<uint32_t>(at + 16, "vd_next");
    if (next == 0) break;
    at += next;
  }
  return versions;
}

// A file cut short while it was read is that error, not whatever the zeros that stood in for its
// lost pages made the parser say.
ElfFacts parse_elf(const MappedFile& file) {
  try {
    ElfFacts facts = parse_elf(file.bytes(), file.path());
    file.ensure_intact();
    return facts;
  } catch (const Error&) {
    file.ensure_intact();
    throw;
  }
}

ElfFacts read_elf(const std::string& path) { return parse_elf(MappedFile(path)); }

ElfFacts read_elf(int fd, const struct stat& status, const std::string& path, bool with_imports) {
  if (!S_ISREG(status.st_mode)) throw Error(path + ": not a regular file");
  const FileSource source(fd, static_cast<uint64_t>(status.st_size), path);
  ElfFacts facts = parse_source(source, path);
  if (with_imports) facts.imports = imports_from(source, facts.ident, path);
  return facts;
}

// Mirrors glibc elf/dl-load.c open_verify: the order of the checks decides which problems skip a
// candidate (class, machine) and which end the search (everything else).
CandidateCheck check_candidate(std::span<const unsigned char> header, const ElfIdent& want) {
  const bool is64 = want.elf_class == kElfClass64;
  const std::size_t ehdr_size = is64 ? 64 : 52;
  if (header.size() < ehdr_size) return {CandidateVerdict::kHardError, "file too short"};
  if (!has_elf_magic(header)) return {CandidateVerdict::kHardError, "invalid ELF header"};
  if (header[4] != want.elf_class) return {CandidateVerdict::kWrongClassOrMachine, "wrong ELF class"};
  if (header[5] != (want.little_endian ? kElfDataLsb : kElfDataMsb)) {
    return {CandidateVerdict::kHardError, "ELF file data encoding not " +
                                              std::string(want.little_endian ? "little-endian" : "big-endian")};
  }
  if (header[6] != kEvCurrent) return {CandidateVerdict::kHardError, "ELF file version ident does not match current one"};
  if (header[7] != kOsabiSysv && header[7] != kOsabiGnu) return {CandidateVerdict::kHardError, "ELF file OS ABI invalid"};
  if (header[8] > 4) return {CandidateVerdict::kHardError, "ELF file ABI version invalid"};
  for (int i = 9; i < 16; ++i) {
    if (header[i] != 0) return {CandidateVerdict::kHardError, "nonzero padding in e_ident"};
  }
  const BufferSource source(header);
  static const std::string kName = "candidate";
  const FieldReader reader(source, want.little_endian, kName);
  if (reader.get<uint32_t>(20, "e_version") != kEvCurrent) {
    return {CandidateVerdict::kHardError, "ELF file version does not match current one"};
  }
  if (reader.get<uint16_t>(18, "e_machine") != want.machine) {
    return {CandidateVerdict::kWrongClassOrMachine, "wrong machine"};
  }
  const uint16_t type = reader.get<uint16_t>(16, "e_type");
  if (type != kEtDyn && type != kEtExec) return {CandidateVerdict::kHardError, "only ET_DYN and ET_EXEC can be loaded"};
  const uint16_t phentsize = reader.get<uint16_t>(is64 ? 54 : 42, "e_phentsize");
  if (phentsize != (is64 ? 56 : 32)) return {CandidateVerdict::kHardError, "ELF file's phentsize not the expected size"};
  return {CandidateVerdict::kUsable, {}};
}

}  // namespace elfpack
