#include "elfpack/layout/launcher.h"

#include <cstring>

#include "elfpack/elf/elf_file.h"
#include "elfpack/base/error.h"

namespace elfpack {

// The embedded parts (launchers/embed.cmake); a part this build could not make has size 0.
#define ELFPACK_EMBEDDED(name)              \
  extern const unsigned char name[];        \
  extern const std::size_t name##_size;
ELFPACK_EMBEDDED(elfpack_launcher_x86_64)
ELFPACK_EMBEDDED(elfpack_launcher_musl_x86_64)
ELFPACK_EMBEDDED(elfpack_launcher_script_x86_64)
ELFPACK_EMBEDDED(elfpack_launcher_musl_script_x86_64)
ELFPACK_EMBEDDED(elfpack_shim_x86_64)
ELFPACK_EMBEDDED(elfpack_shim_musl_x86_64)
ELFPACK_EMBEDDED(elfpack_bootstrap_x86_64)
ELFPACK_EMBEDDED(elfpack_launcher_aarch64)
ELFPACK_EMBEDDED(elfpack_launcher_musl_aarch64)
ELFPACK_EMBEDDED(elfpack_launcher_script_aarch64)
ELFPACK_EMBEDDED(elfpack_launcher_musl_script_aarch64)
ELFPACK_EMBEDDED(elfpack_shim_aarch64)
ELFPACK_EMBEDDED(elfpack_shim_musl_aarch64)
ELFPACK_EMBEDDED(elfpack_bootstrap_aarch64)
ELFPACK_EMBEDDED(elfpack_launcher_compressed_x86_64)
ELFPACK_EMBEDDED(elfpack_launcher_musl_compressed_x86_64)
ELFPACK_EMBEDDED(elfpack_launcher_script_compressed_x86_64)
ELFPACK_EMBEDDED(elfpack_launcher_musl_script_compressed_x86_64)
ELFPACK_EMBEDDED(elfpack_launcher_compressed_aarch64)
ELFPACK_EMBEDDED(elfpack_launcher_musl_compressed_aarch64)
ELFPACK_EMBEDDED(elfpack_launcher_script_compressed_aarch64)
ELFPACK_EMBEDDED(elfpack_launcher_musl_script_compressed_aarch64)
#undef ELFPACK_EMBEDDED
// The expanders, included whole by the assembler (launchers/CMakeLists.txt): start and end.
extern "C" const unsigned char elfpack_expander_x86_64[], elfpack_expander_x86_64_end[];
extern "C" const unsigned char elfpack_expander_aarch64[], elfpack_expander_aarch64_end[];

namespace {

constexpr char kMagic[] = {'E', 'P', 'K', '2'};
constexpr char kScriptMagic[] = {'E', 'P', 'K', '3'};  // payload v2, the launcher of scripts
constexpr unsigned char kFlagArgv0 = 1;
constexpr unsigned char kFlagArgv0InEnvironment = 2;
constexpr unsigned char kFlagCompressed = 4;
constexpr std::size_t kEMachine = 18;
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
  const bool script = !config.script_arguments.empty();
  std::string p = script ? std::string(kScriptMagic, sizeof kScriptMagic) : std::string(kMagic, sizeof kMagic);
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
  if (script) {
    if (config.script_arguments.size() > 255) {
      throw Error("a script's interpreter would get " + std::to_string(config.script_arguments.size()) +
                  " arguments before the user's; its launcher takes 255 at most");
    }
    p += static_cast<char>(config.script_arguments.size());
    for (const auto& argument : config.script_arguments) {
      if (argument.find('\0') != std::string::npos) throw Error("script argument '" + argument + "' holds a NUL");
      p += argument;
      p += '\0';
    }
  }
  if (config.argv0_in_environment) add("ELFPACK_ARGV0=");  // the shim's marker, launchers/shim/identity.c
  return p;
}

// What elfpack carries for one architecture: the program's e_machine picks it.
struct ArchParts {
  uint16_t machine;
  const char* built_by;  // what the build needs to make them, for the message when they are absent
  std::span<const unsigned char> launcher, launcher_musl, launcher_script, launcher_musl_script, shim, shim_musl,
      bootstrap, expander;
  // The same four launchers for compressed bundles (ELFPACK_COMPRESSED), in the same order.
  std::span<const unsigned char> compressed[4];
};

std::span<const ArchParts> all_arch_parts() {
  static const ArchParts kParts[] = {
      {kEmX86_64, "the host compiler",
       {elfpack_launcher_x86_64, elfpack_launcher_x86_64_size},
       {elfpack_launcher_musl_x86_64, elfpack_launcher_musl_x86_64_size},
       {elfpack_launcher_script_x86_64, elfpack_launcher_script_x86_64_size},
       {elfpack_launcher_musl_script_x86_64, elfpack_launcher_musl_script_x86_64_size},
       {elfpack_shim_x86_64, elfpack_shim_x86_64_size},
       {elfpack_shim_musl_x86_64, elfpack_shim_musl_x86_64_size},
       {elfpack_bootstrap_x86_64, elfpack_bootstrap_x86_64_size},
       {elfpack_expander_x86_64, elfpack_expander_x86_64_end},
       {{elfpack_launcher_compressed_x86_64, elfpack_launcher_compressed_x86_64_size},
        {elfpack_launcher_musl_compressed_x86_64, elfpack_launcher_musl_compressed_x86_64_size},
        {elfpack_launcher_script_compressed_x86_64, elfpack_launcher_script_compressed_x86_64_size},
        {elfpack_launcher_musl_script_compressed_x86_64, elfpack_launcher_musl_script_compressed_x86_64_size}}},
      {kEmAarch64, "gcc-aarch64-linux-gnu",
       {elfpack_launcher_aarch64, elfpack_launcher_aarch64_size},
       {elfpack_launcher_musl_aarch64, elfpack_launcher_musl_aarch64_size},
       {elfpack_launcher_script_aarch64, elfpack_launcher_script_aarch64_size},
       {elfpack_launcher_musl_script_aarch64, elfpack_launcher_musl_script_aarch64_size},
       {elfpack_shim_aarch64, elfpack_shim_aarch64_size},
       {elfpack_shim_musl_aarch64, elfpack_shim_musl_aarch64_size},
       {elfpack_bootstrap_aarch64, elfpack_bootstrap_aarch64_size},
       {elfpack_expander_aarch64, elfpack_expander_aarch64_end},
       {{elfpack_launcher_compressed_aarch64, elfpack_launcher_compressed_aarch64_size},
        {elfpack_launcher_musl_compressed_aarch64, elfpack_launcher_musl_compressed_aarch64_size},
        {elfpack_launcher_script_compressed_aarch64, elfpack_launcher_script_compressed_aarch64_size},
        {elfpack_launcher_musl_script_compressed_aarch64, elfpack_launcher_musl_script_compressed_aarch64_size}}},
  };
  return kParts;
}

const ArchParts* arch_parts(uint16_t e_machine) {
  for (const auto& parts : all_arch_parts()) {
    if (parts.machine == e_machine) return &parts;
  }
  return nullptr;
}

// `part` of the architecture's parts, or an Error naming the architecture: one elfpack has no
// launchers for, or one this build was made without.
std::span<const unsigned char> required(uint16_t e_machine, std::span<const unsigned char> ArchParts::*part,
                                        const std::string& what) {
  const ArchParts* parts = arch_parts(e_machine);
  if (parts != nullptr && !(parts->*part).empty()) return parts->*part;
  const std::string name = machine_name(e_machine);
  if (parts != nullptr) {
    throw Error("no " + what + " for " + name + " in this build (built without " + parts->built_by + ")");
  }
  std::string have;
  for (const uint16_t m : launcher_machines()) have += (have.empty() ? "" : " and ") + machine_name(m);
  throw Error("no " + what + " for " + name + " (e_machine " + std::to_string(e_machine) + "): this elfpack has them for " +
              have + " programs");
}

}  // namespace

std::vector<uint16_t> launcher_machines() {
  std::vector<uint16_t> machines;
  for (const auto& parts : all_arch_parts()) {
    if (!parts.launcher.empty()) machines.push_back(parts.machine);
  }
  return machines;
}

std::span<const unsigned char> launcher_template(uint16_t e_machine, bool argv0_in_environment, bool script) {
  static constexpr std::span<const unsigned char> ArchParts::*kVariants[2][2] = {
      {&ArchParts::launcher, &ArchParts::launcher_script}, {&ArchParts::launcher_musl, &ArchParts::launcher_musl_script}};
  return required(e_machine, kVariants[argv0_in_environment][script], "launcher");
}

std::optional<std::span<const unsigned char>> shim_template(uint16_t e_machine, bool musl) {
  const ArchParts* parts = arch_parts(e_machine);
  if (parts == nullptr) return std::nullopt;
  const auto bytes = musl ? parts->shim_musl : parts->shim;
  if (bytes.empty()) return std::nullopt;  // built without musl-gcc, or without this architecture
  return bytes;
}

std::span<const unsigned char> expander_template(uint16_t e_machine) {
  const ArchParts* parts = arch_parts(e_machine);
  if (parts != nullptr && parts->expander.empty() && !parts->launcher.empty()) {  // the cross compiler, not libzstd.a
    throw Error("no expander of compressed bundles for " + machine_name(e_machine) + " in this build (built without " +
                machine_name(e_machine) + "'s libzstd.a: on Debian, libzstd-dev:" +
                (e_machine == kEmAarch64 ? "arm64" : "amd64") + ")");
  }
  return required(e_machine, &ArchParts::expander, "expander of compressed bundles");
}

std::span<const unsigned char> bootstrap_template(uint16_t e_machine) {
  return required(e_machine, &ArchParts::bootstrap, "Lambda bootstrap");
}

namespace {

// The offset of the program header of the PT_LOAD segment whose file image ends last.
std::size_t last_loaded_segment(const std::string& bytes) {
  const auto phoff = load<uint64_t>(bytes, kEPhoff);
  const auto phentsize = load<uint16_t>(bytes, kEPhentsize);
  const auto phnum = load<uint16_t>(bytes, kEPhnum);
  std::size_t segment = 0;
  uint64_t end = 0;
  for (uint16_t i = 0; i < phnum; ++i) {
    const std::size_t at = phoff + std::size_t{i} * phentsize;
    if (load<uint32_t>(bytes, at) != kPtLoad) continue;
    const auto offset = load<uint64_t>(bytes, at + kPOffset);
    const auto filesz = load<uint64_t>(bytes, at + kPFilesz);
    if (offset > bytes.size() || bytes.size() - offset < filesz)
      throw Error("embedded launcher or bootstrap: a PT_LOAD segment past its end");
    if (filesz > 0 && offset + filesz >= end) {
      segment = at;
      end = offset + filesz;
    }
  }
  if (segment == 0) throw Error("embedded launcher or bootstrap: no PT_LOAD segment with file bytes");
  return segment;
}

// Cuts a part after its last file-backed segment: the section headers, the section names and
// anything else no segment maps are of no use to the kernel, which reads program headers only.
void drop_section_headers(std::string& bytes, std::size_t segment) {
  bytes.resize(load<uint64_t>(bytes, segment + kPOffset) + load<uint64_t>(bytes, segment + kPFilesz));
  store<uint64_t>(bytes, kEShoff, 0);
  store<uint16_t>(bytes, kEShnum, 0);
  store<uint16_t>(bytes, kEShstrndx, 0);
}

}  // namespace

std::string make_launcher(uint16_t e_machine, const LauncherConfig& config) {
  const auto tmpl = launcher_template(e_machine, config.argv0_in_environment, !config.script_arguments.empty());
  std::string bytes(reinterpret_cast<const char*>(tmpl.data()), tmpl.size());
  // The launcher has exactly one PT_LOAD (launchers/launcher.ld).
  const std::size_t segment = last_loaded_segment(bytes);
  const auto filesz = load<uint64_t>(bytes, segment + kPFilesz);
  if (filesz != load<uint64_t>(bytes, segment + kPMemsz)) {
    throw Error("embedded launcher: its PT_LOAD segment is not what launcher.ld makes");
  }
  drop_section_headers(bytes, segment);
  const std::string extra = payload(config);
  bytes += extra;
  store<uint64_t>(bytes, segment + kPFilesz, filesz + extra.size());
  store<uint64_t>(bytes, segment + kPMemsz, filesz + extra.size());
  return bytes;
}

std::string compressed_launcher(const std::string& launcher, const std::string& tree, const std::string& expander) {
  const auto machine = load<uint16_t>(launcher, kEMachine);
  const ArchParts* parts = arch_parts(machine);
  if (parts == nullptr) throw Error("compressed launcher: not a launcher of a known machine");
  // The payload follows the template's one segment, cut as make_launcher cuts it: which of the
  // four variants it is says where, and which compressed variant takes its place.
  const std::span<const unsigned char> variants[] = {parts->launcher, parts->launcher_musl, parts->launcher_script,
                                                     parts->launcher_musl_script};
  std::size_t at = 0;
  std::string replacement;
  for (std::size_t v = 0; v < 4 && at == 0; ++v) {
    const std::string tmpl(reinterpret_cast<const char*>(variants[v].data()), variants[v].size());
    if (tmpl.empty()) continue;
    const std::size_t segment = last_loaded_segment(tmpl);
    const std::size_t cut = load<uint64_t>(tmpl, segment + kPOffset) + load<uint64_t>(tmpl, segment + kPFilesz);
    // Its code: what follows the program headers (which make_launcher changed), up to the cut.
    const std::size_t code = load<uint64_t>(tmpl, kEPhoff) + std::size_t{load<uint16_t>(tmpl, kEPhnum)} * load<uint16_t>(tmpl, kEPhentsize);
    if (code < cut && launcher.size() > cut + 5 && launcher.compare(cut, 3, "EPK") == 0 &&
        launcher[cut + 3] == (v >= 2 ? kScriptMagic[3] : kMagic[3]) &&
        launcher.compare(code, cut - code, tmpl, code, cut - code) == 0) {
      at = cut;
      replacement.assign(reinterpret_cast<const char*>(parts->compressed[v].data()), parts->compressed[v].size());
    }
  }
  if (at != 0 && replacement.empty()) throw Error("no launcher of compressed bundles for " + machine_name(machine) + " in this build");
  const auto flags = static_cast<unsigned char>(at == 0 ? 0 : launcher[at + 4]);
  const std::size_t base_end = at == 0 ? std::string::npos : launcher.find('\0', at + 5);
  if (base_end == std::string::npos || (flags & kFlagCompressed) != 0) {
    throw Error("compressed launcher: not a configured launcher of this elfpack");
  }
  const std::string base = launcher.substr(at + 5, base_end - at - 5);
  if (!base.starts_with("../")) throw Error("compressed launcher: its base '" + base + "' is not beside bin/");
  if (!tree.starts_with('/') || tree.find('\0') != std::string::npos || expander.empty() ||
      expander.find('\0') != std::string::npos) {
    throw Error("compressed launcher: bad tree '" + tree + "' or expander '" + expander + "'");
  }
  std::string bytes = replacement;
  const std::size_t segment = last_loaded_segment(bytes);
  const auto filesz = load<uint64_t>(bytes, segment + kPFilesz);
  drop_section_headers(bytes, segment);
  const std::size_t start = bytes.size();
  bytes += launcher.substr(at, 4);
  bytes += static_cast<char>(flags | kFlagCompressed);
  bytes += tree + '\0' + expander + '\0' + base.substr(3);
  bytes += launcher.substr(base_end);
  store<uint64_t>(bytes, segment + kPFilesz, filesz + (bytes.size() - start));
  store<uint64_t>(bytes, segment + kPMemsz, filesz + (bytes.size() - start));
  return bytes;
}

std::string make_bootstrap(uint16_t e_machine) {
  const auto tmpl = bootstrap_template(e_machine);
  std::string bytes(reinterpret_cast<const char*>(tmpl.data()), tmpl.size());
  drop_section_headers(bytes, last_loaded_segment(bytes));
  return bytes;
}

}  // namespace elfpack
