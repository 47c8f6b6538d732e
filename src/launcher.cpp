#include "elfpack/launcher.h"

#include <cstring>

#include "elfpack/elf_file.h"
#include "elfpack/error.h"

namespace elfpack {

extern const unsigned char elfpack_launcher_x86_64[];
extern const std::size_t elfpack_launcher_x86_64_size;
extern const unsigned char elfpack_launcher_musl_x86_64[];
extern const std::size_t elfpack_launcher_musl_x86_64_size;
extern const unsigned char elfpack_shim_x86_64[];
extern const std::size_t elfpack_shim_x86_64_size;
extern const unsigned char elfpack_shim_musl_x86_64[];
extern const std::size_t elfpack_shim_musl_x86_64_size;
extern const unsigned char elfpack_bootstrap_x86_64[];
extern const std::size_t elfpack_bootstrap_x86_64_size;

namespace {

constexpr char kMagic[] = {'E', 'P', 'K', '2'};
constexpr unsigned char kFlagArgv0 = 1;
constexpr unsigned char kFlagArgv0InEnvironment = 2;
constexpr uint32_t kPtLoad = 1;

// Offsets in an ELF64 file header and program header.
constexpr std::size_t kEPhoff = 32, kEShoff = 40, kEPhentsize = 54, kEPhnum = 56, kEShnum = 60, kEShstrndx = 62;
constexpr std::size_t kPOffset = 8, kPFilesz = 32, kPMemsz = 40;

template <typename T>
T load(const std::string& bytes, std::size_t off) {
  if (off > bytes.size() || bytes.size() - off < sizeof(T)) throw Error("embedded launcher: truncated ELF header");
  T value;
  std::memcpy(&value, bytes.data() + off, sizeof(T));
  return value;
}

template <typename T>
void store(std::string& bytes, std::size_t off, T value) {
  std::memcpy(bytes.data() + off, &value, sizeof(T));
}

std::string payload(const LauncherConfig& config) {
  std::string p(kMagic, sizeof kMagic);
  p += static_cast<char>((config.pass_argv0 ? kFlagArgv0 : 0) | (config.argv0_in_environment ? kFlagArgv0InEnvironment : 0));
  auto add = [&p](const std::string& s) {
    if (s.empty() || s.find('\0') != std::string::npos) throw Error("launcher path '" + s + "' is empty or holds a NUL");
    p += s;
    p += '\0';
  };
  if (config.base.starts_with('/')) throw Error("launcher base '" + config.base + "' must be relative");
  add(config.base);
  add(config.interp);
  add(config.exe);
  for (const auto& dir : config.library_dirs) add(dir);
  p += '\0';
  // The linker's options: literal when they start with '-', else paths (launchers/launcher.c).
  if (config.inhibit_cache) add("--inhibit-cache");
  if (!config.preload.empty()) {
    if (config.preload.starts_with('-')) throw Error("launcher path '" + config.preload + "' starts with '-'");
    add("--preload");
    add(config.preload);
  }
  p += '\0';
  if (config.argv0_in_environment) add("ELFPACK_ARGV0=");  // the shim's marker, launchers/shim.c
  return p;
}

}  // namespace

std::span<const unsigned char> launcher_template(uint16_t e_machine, bool argv0_in_environment) {
  if (e_machine == kEmX86_64 && argv0_in_environment) return {elfpack_launcher_musl_x86_64, elfpack_launcher_musl_x86_64_size};
  if (e_machine == kEmX86_64) return {elfpack_launcher_x86_64, elfpack_launcher_x86_64_size};
  throw Error("no launcher for ELF machine " + std::to_string(e_machine) + " (elfpack has one for x86_64 (62))");
}

std::optional<std::span<const unsigned char>> shim_template(uint16_t e_machine, bool musl) {
  if (e_machine != kEmX86_64) return std::nullopt;
  if (!musl) return std::span<const unsigned char>(elfpack_shim_x86_64, elfpack_shim_x86_64_size);
  if (elfpack_shim_musl_x86_64_size == 0) return std::nullopt;  // built without musl-gcc
  return std::span<const unsigned char>(elfpack_shim_musl_x86_64, elfpack_shim_musl_x86_64_size);
}

std::span<const unsigned char> bootstrap_template(uint16_t e_machine) {
  if (e_machine == kEmX86_64) return {elfpack_bootstrap_x86_64, elfpack_bootstrap_x86_64_size};
  throw Error("no Lambda bootstrap for ELF machine " + std::to_string(e_machine) + " (elfpack has one for x86_64 (62))");
}

std::string make_launcher(uint16_t e_machine, const LauncherConfig& config) {
  const auto tmpl = launcher_template(e_machine, config.argv0_in_environment);
  std::string bytes(reinterpret_cast<const char*>(tmpl.data()), tmpl.size());
  // The launcher has exactly one PT_LOAD (launchers/launcher.ld); find it.
  const auto phoff = load<uint64_t>(bytes, kEPhoff);
  const auto phentsize = load<uint16_t>(bytes, kEPhentsize);
  const auto phnum = load<uint16_t>(bytes, kEPhnum);
  std::size_t segment = 0;
  for (uint16_t i = 0; i < phnum; ++i) {
    const std::size_t at = phoff + std::size_t{i} * phentsize;
    if (load<uint32_t>(bytes, at) == kPtLoad) segment = at;
  }
  if (segment == 0) throw Error("embedded launcher has no PT_LOAD segment");
  const auto offset = load<uint64_t>(bytes, segment + kPOffset);
  const auto filesz = load<uint64_t>(bytes, segment + kPFilesz);
  if (filesz != load<uint64_t>(bytes, segment + kPMemsz) || offset > bytes.size() || bytes.size() - offset < filesz) {
    throw Error("embedded launcher: its PT_LOAD segment is not what launcher.ld makes");
  }
  bytes.resize(offset + filesz);  // drops the section headers and anything else after the segment
  const std::string extra = payload(config);
  bytes += extra;
  store<uint64_t>(bytes, segment + kPFilesz, filesz + extra.size());
  store<uint64_t>(bytes, segment + kPMemsz, filesz + extra.size());
  store<uint64_t>(bytes, kEShoff, 0);
  store<uint16_t>(bytes, kEShnum, 0);
  store<uint16_t>(bytes, kEShstrndx, 0);
  return bytes;
}

}  // namespace elfpack
