#include "elfpack/resolve/loader_profile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>
#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/resolve/ld_cache.h"
#include "elfpack/base/process.h"

namespace elfpack {

namespace {

struct ArchNames {
  const char* multiarch;  // Debian's triplet
  const char* platform;   // AT_PLATFORM the kernel reports
  bool lib64;             // lib64 layout on non-multiarch distributions
};

std::optional<ArchNames> arch_names(const ElfIdent& id) {
  if (id.machine == kEmX86_64 && id.elf_class == kElfClass64) return ArchNames{"x86_64-linux-gnu", "x86_64", true};
  if (id.machine == kEmX86_64 && id.elf_class == kElfClass32) return ArchNames{"x86_64-linux-gnux32", "x86_64", false};
  if (id.machine == kEm386) return ArchNames{"i386-linux-gnu", "i686", false};
  if (id.machine == kEmAarch64) return ArchNames{"aarch64-linux-gnu", "aarch64", true};
  return std::nullopt;
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::optional<std::string> canonical_in_root(const std::string& root, const std::string& path) {
  // Like openat2(RESOLVE_IN_ROOT): components one by one; a symlink's target replaces it, an
  // absolute target starting again at the root, ".." never leaving it. From the first component
  // that does not exist on, the path is kept as it is (the open fails there).
  std::vector<std::string> pending;  // components still to walk, last first
  auto push_front = [&pending](const std::string& text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find('/', start), text.size());
      if (end > start) parts.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    pending.insert(pending.end(), parts.rbegin(), parts.rend());
  };
  push_front(path);
  std::string resolved;  // "/a/b", inside the root
  int links = 0;
  while (!pending.empty()) {
    const std::string part = pending.back();
    pending.pop_back();
    if (part == ".") continue;
    if (part == "..") {
      resolved.erase(std::min(resolved.size(), resolved.rfind('/')));
      continue;
    }
    const std::string next = resolved + "/" + part;
    struct stat st;
    if (::lstat((root + next).c_str(), &st) != 0) {
      // Absent: the open fails here, before anything after it is looked at; keep the rest as is.
      resolved = next;
      for (auto it = pending.rbegin(); it != pending.rend(); ++it) resolved += "/" + *it;
      break;
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > 40) return std::nullopt;  // the kernel's limit: ELOOP
      std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096), '\0');
      const ssize_t n = ::readlink((root + next).c_str(), target.data(), target.size());
      if (n < 0) return std::nullopt;
      target.resize(static_cast<std::size_t>(n));
      if (target.starts_with('/')) resolved.clear();
      push_front(target);
      continue;
    }
    resolved = next;
  }
  return resolved.empty() ? "/" : resolved;
}

std::string in_root(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/") return path;
  const std::string base = root.back() == '/' ? root.substr(0, root.size() - 1) : root;
  const auto canonical = canonical_in_root(base, path);
  // A symlink loop: a name that cannot exist, so opening it fails as the loader's open would.
  if (!canonical) return base + "/\x01symlink-loop";
  return base + (*canonical == "/" ? "" : *canonical);
}

namespace {

// Whether the linker `file` has Debian's multiarch directories compiled into its system_dirs
// (elf/dl-load.c): a cross compiler's sysroot (/usr/aarch64-linux-gnu, everything in lib/) has
// none of them, but its linker searches them first all the same.
bool linker_has_multiarch_dirs(const std::string& file, const std::string& multiarch) {
  try {
    const MappedFile linker(file);
    const auto bytes = linker.bytes();
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return text.find("/usr/lib/" + multiarch + "/") != std::string_view::npos;
  } catch (const Error&) {
    return false;  // no linker to read: the table as it is
  }
}

}  // namespace

// glibc's defaults are compiled into ld.so (elf/dl-load.c system_dirs); Debian patches in the
// multiarch directories before the plain ones and sets $LIB to the multiarch directory.
LoaderProfile glibc_profile_for(const ElfIdent& program, const std::string& root, const std::string& interpreter) {
  LoaderProfile profile;
  profile.root = root;
  profile.want = program;
  profile.cache_path = "/etc/ld.so.cache";
  profile.cache_flags = ld_cache_flags_for(program.machine, program.elf_class);
  const auto names = arch_names(program);
  const std::string multiarch = names ? names->multiarch : "";
  if (names && (is_directory(in_root(root, "/usr/lib/" + multiarch)) ||
                (!interpreter.empty() && linker_has_multiarch_dirs(in_root(root, interpreter), multiarch)))) {
    profile.default_dirs = {"/lib/" + multiarch, "/usr/lib/" + multiarch, "/lib", "/usr/lib"};
    profile.lib_token = "lib/" + multiarch;
  } else if (names && names->lib64) {
    profile.default_dirs = {"/lib64", "/usr/lib64"};
    profile.lib_token = "lib64";
  } else {
    profile.default_dirs = {"/lib", "/usr/lib"};
    profile.lib_token = "lib";
  }
  profile.platform_token = names ? names->platform : "";
  profile.source = "built-in table";
  return profile;
}

namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// The files read_conf_file has read (device, inode), each with the least depth it was read at,
// and what is left of the work include patterns may cause.
struct ReadConfFiles {
  std::map<std::pair<dev_t, ino_t>, int> depth;
  int listings_left = 4096;  // directories listed to match wildcards, for the whole configuration
};
constexpr std::size_t kMaxMatches = 1024;  // files one include pattern may name

// An absolute include pattern with "." and ".." resolved by name, never above "/": ldconfig -r
// reads a root's configuration chrooted into it, where ".." cannot leave it. (Found by fuzzing:
// "include ///../*/../*/../*/x" listed the directories around the root, cubed.)
std::string pattern_inside_root(const std::string& pattern) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    const std::size_t end = std::min(pattern.find('/', start), pattern.size());
    const std::string part = pattern.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& part : parts) out += "/" + part;
  return out.empty() ? "/" : out;
}

// The paths (inside the root) an include pattern names, as ldconfig's glob lists them, sorted;
// but a wildcard never matches "." or ".." (glob's ".*" does, and "/.*/.*/.*" then climbs out
// of the root and multiplies, found by fuzzing), symlinks are followed inside the root, and the
// work is bounded (kMaxMatches per pattern, a listing budget per configuration): a hostile
// "*/*/*/..." over a symlink loop ends instead of growing without limit.
std::vector<std::string> match_in_root(const std::string& root, const std::string& pattern, int& listings_left) {
  std::vector<std::string> paths{""};
  const std::string absolute = pattern_inside_root(pattern);
  std::size_t start = 1;
  while (start < absolute.size() && !paths.empty()) {
    const std::size_t end = std::min(absolute.find('/', start), absolute.size());
    const std::string part = absolute.substr(start, end - start);
    start = end + 1;
    std::vector<std::string> next;
    if (part.find_first_of("*?[\\") == std::string::npos) {
      for (const auto& p : paths) {
        struct stat st;
        if (::stat(in_root(root, p + "/" + part).c_str(), &st) == 0) next.push_back(p + "/" + part);
      }
    } else {
      for (const auto& p : paths) {
        if (listings_left <= 0 || next.size() >= kMaxMatches) break;
        --listings_left;
        std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(in_root(root, p.empty() ? "/" : p).c_str()), ::closedir);
        if (!dir) continue;
        std::vector<std::string> names;
        while (const dirent* e = ::readdir(dir.get())) {
          const std::string name = e->d_name;
          if (name != "." && name != ".." && ::fnmatch(part.c_str(), name.c_str(), FNM_PERIOD) == 0) names.push_back(name);
        }
        std::sort(names.begin(), names.end());
        for (const auto& name : names) {
          if (next.size() < kMaxMatches) next.push_back(p + "/" + name);
        }
      }
    }
    paths = std::move(next);
  }
  if (paths.size() == 1 && paths[0].empty()) return {};  // the pattern "/" names no file
  std::sort(paths.begin(), paths.end());
  return paths;
}

// Follows one file's includes, depth-first, in order.
void read_conf_file(const std::string& root, const std::string& file, std::vector<std::string>& dirs, int depth,
                    ReadConfFiles& read) {
  if (depth > 16) return;  // deeper than any real configuration nests
  const std::string path = in_root(root, file);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return;
  // Reading a file again adds no directory (they are kept once, at their first place) unless its
  // first reading was cut shorter by the depth limit; it only costs time, exponential time when
  // patterns match the including file or each other ("include *.conf *.conf", found by fuzzing).
  const auto [seen, first] = read.depth.try_emplace({st.st_dev, st.st_ino}, depth);
  if (!first) {
    if (depth >= seen->second) return;
    seen->second = depth;
  }
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  for (const auto& entry : parse_ld_so_conf(text.str())) {
    if (!entry.include) {
      if (std::find(dirs.begin(), dirs.end(), entry.value) == dirs.end()) dirs.push_back(entry.value);
      continue;
    }
    std::string pattern = entry.value;
    if (!pattern.starts_with('/')) pattern = file.substr(0, file.rfind('/') + 1) + pattern;
    for (const auto& match : match_in_root(root, pattern, read.listings_left)) {
      read_conf_file(root, match, dirs, depth + 1, read);
    }
  }
}

}  // namespace

// elf/ldconfig.c parse_conf: one directory per line ("dir=TYPE" of old configs kept as dir),
// "include PATTERN..." (relative to the including file's directory), "hwcap" lines ignored.
std::vector<LdSoConfEntry> parse_ld_so_conf(const std::string& text) {
  std::vector<LdSoConfEntry> entries;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const bool include = line.starts_with("include") && line.size() > 7 && (line[7] == ' ' || line[7] == '\t');
    if (include) {
      std::istringstream patterns(line.substr(8));
      std::string pattern;
      while (patterns >> pattern) entries.push_back({true, pattern});
      continue;
    }
    if (line.starts_with("hwcap") && line.size() > 5 && (line[5] == ' ' || line[5] == '\t')) continue;
    std::string dir = trim(line.substr(0, line.find('=')));
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (!dir.empty()) entries.push_back({false, dir});
  }
  return entries;
}

std::vector<std::string> read_ld_so_conf(const std::string& root, const std::string& conf) {
  std::vector<std::string> dirs;
  ReadConfFiles read;
  read_conf_file(root, conf, dirs, 0, read);
  return dirs;
}

std::map<std::string, std::string> parse_list_diagnostics(const std::string& text) {
  std::map<std::string, std::string> values;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto equals = line.find('=');
    if (equals == std::string::npos || equals == 0) continue;
    std::string value = line.substr(equals + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      // elf/dl-diagnostics.c: '\\' and '"' escaped by a backslash, other bytes outside ' '..'~'
      // as three octal digits.
      std::string unquoted;
      for (std::size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] != '\\' || i + 2 >= value.size()) {
          unquoted += value[i];
        } else if (value[i + 1] >= '0' && value[i + 1] <= '7' && i + 4 < value.size()) {
          unquoted += static_cast<char>(std::stoi(value.substr(i + 1, 3), nullptr, 8));
          i += 3;
        } else {
          unquoted += value[++i];
        }
      }
      value = unquoted;
    }
    values[line.substr(0, equals)] = value;
  }
  return values;
}

std::vector<std::string> list_diagnostics_command(const std::string& ld_so) { return {ld_so, "--list-diagnostics"}; }

namespace {

// What each linker said, by path, for the rest of the run: a linker is asked once, however many
// programs, resolutions and steps need its profile.
std::map<std::string, std::optional<std::map<std::string, std::string>>>& linker_answers() {
  static std::map<std::string, std::optional<std::map<std::string, std::string>>> answers;
  return answers;
}

}  // namespace

const std::optional<std::map<std::string, std::string>>* known_list_diagnostics(const std::string& ld_so) {
  const auto it = linker_answers().find(ld_so);
  return it == linker_answers().end() ? nullptr : &it->second;
}

void remember_list_diagnostics(const std::string& ld_so, const std::optional<std::map<std::string, std::string>>& values) {
  linker_answers()[ld_so] = values;
}

std::optional<std::map<std::string, std::string>> run_list_diagnostics(const std::string& ld_so) {
  if (const auto* known = known_list_diagnostics(ld_so)) return *known;
  // An empty environment: LD_ variables would change nothing here, the rest is noise.
  auto values = list_diagnostics_from(run_process(list_diagnostics_command(ld_so)));
  remember_list_diagnostics(ld_so, values);
  return values;
}

std::optional<std::map<std::string, std::string>> list_diagnostics_from(const ProcessOutput& run) {
  if (run.exit_status != 0) return std::nullopt;
  auto values = parse_list_diagnostics(run.out);
  if (!values.contains("version.version")) return std::nullopt;
  return values;
}

std::vector<std::string> legacy_hwcap_subdirs(const std::vector<std::string>& hwcap_names, const std::string& platform) {
  // elf/dl-hwcaps.c (glibc 2.36) _dl_important_hwcaps: the names of the important hwcap bits in
  // bit order, then the platform, then "tls"; every subset, the last name the most significant,
  // from the full set down, each written from its most significant name to its least.
  std::vector<std::string> parts = hwcap_names;
  if (!platform.empty()) parts.push_back(platform);
  parts.push_back("tls");
  std::vector<std::string> subdirs;
  const std::size_t n = parts.size();
  for (std::size_t mask = (std::size_t{1} << n) - 1; mask > 0; --mask) {
    std::string subdir;
    for (std::size_t bit = n; bit-- > 0;) {
      if ((mask & (std::size_t{1} << bit)) != 0) subdir += (subdir.empty() ? "" : "/") + parts[bit];
    }
    subdirs.push_back(subdir);
  }
  return subdirs;
}

namespace {

uint64_t parse_number(const std::map<std::string, std::string>& values, const std::string& key) {
  const auto it = values.find(key);
  return it == values.end() ? 0 : std::strtoull(it->second.c_str(), nullptr, 0);
}

std::string value_of(const std::map<std::string, std::string>& values, const std::string& key) {
  const auto it = values.find(key);
  return it == values.end() ? std::string() : it->second;
}

// The names of x86's hwcap bits (sysdeps/x86/dl-hwcap.h); other architectures have no important
// legacy hwcap names in glibc 2.33..2.36.
std::vector<std::string> hwcap_bit_names(const ElfIdent& id, uint64_t important) {
  static const char* const kX86[] = {"sse2", "x86_64", "avx512_1"};
  std::vector<std::string> names;
  if (id.machine != kEmX86_64 && id.machine != kEm386) return names;
  for (std::size_t bit = 0; bit < std::size(kX86); ++bit) {
    if ((important & (uint64_t{1} << bit)) != 0) names.push_back(kX86[bit]);
  }
  return names;
}

}  // namespace

LoaderProfile profile_from_diagnostics(const std::map<std::string, std::string>& values, const ElfIdent& program,
                                       const std::string& root) {
  LoaderProfile profile = glibc_profile_for(program, root);
  profile.default_dirs.clear();
  for (std::size_t i = 0;; ++i) {
    std::ostringstream key;
    key << "path.system_dirs[0x" << std::hex << i << "]";
    const auto it = values.find(key.str());
    if (it == values.end()) break;
    std::string dir = it->second;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    profile.default_dirs.push_back(dir);
  }
  profile.lib_token = value_of(values, "dl_dst_lib");
  profile.platform_token = value_of(values, "dl_platform");
  // dl_hwcaps_subdirs lists the levels best first; bit i of dl_hwcaps_subdirs_active is the i-th.
  const std::string levels = value_of(values, "dl_hwcaps_subdirs");
  const uint64_t active = parse_number(values, "dl_hwcaps_subdirs_active");
  std::size_t start = 0;
  for (std::size_t i = 0; start < levels.size(); ++i) {
    const std::size_t end = std::min(levels.find(':', start), levels.size());
    if (i < 64 && (active & (uint64_t{1} << i)) != 0) profile.hwcaps_levels.push_back(levels.substr(start, end - start));
    start = end + 1;
  }
  // Legacy hwcap subdirectories were removed in glibc 2.37.
  const std::string version = value_of(values, "version.version");
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) == 2 && (major < 2 || (major == 2 && minor <= 36))) {
    profile.legacy_subdirs = legacy_hwcap_subdirs(hwcap_bit_names(program, parse_number(values, "dl_hwcap_important")),
                                                  profile.platform_token);
  }
  profile.source = "glibc " + version + " --list-diagnostics";
  return profile;
}

bool is_musl_linker(const std::string& interpreter) {
  return interpreter.substr(interpreter.rfind('/') + 1).starts_with("ld-musl-");
}

LoaderProfile musl_profile_for(const ElfIdent& program, const std::string& interpreter, const std::string& root) {
  LoaderProfile profile;
  profile.family = LoaderFamily::kMusl;
  profile.root = root;
  profile.want = program;
  const std::string base = interpreter.substr(interpreter.rfind('/') + 1);  // ld-musl-x86_64.so.1
  const std::string arch = base.substr(8, base.find(".so") - 8);
  // ldso/dynlink.c: the prefix is the linker's name up to its second-to-last '/'.
  std::string prefix;
  if (interpreter.starts_with('/')) {
    const auto last = interpreter.rfind('/');
    const auto before = last == 0 ? std::string::npos : interpreter.rfind('/', last - 1);
    prefix = before == std::string::npos ? "" : interpreter.substr(0, before);
  }
  const std::string path_file = prefix + "/etc/ld-musl-" + arch + ".path";
  std::string system_path;
  const int fd = ::open(in_root(root, path_file).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buffer[4096];
    ssize_t got;
    while ((got = ::read(fd, buffer, sizeof buffer)) > 0) system_path.append(buffer, static_cast<std::size_t>(got));
    ::close(fd);
    profile.source = "musl, system path from " + path_file;
  } else if (errno == ENOENT) {
    system_path = "/lib:/usr/local/lib:/usr/lib";
    profile.source = "musl, built-in system path (no " + path_file + ")";
  } else {
    profile.source = "musl, no system path (" + path_file + " unreadable)";
  }
  profile.default_dirs = parse_musl_path(system_path);
  return profile;
}

std::vector<std::string> parse_musl_path(const std::string& text) {
  // Split on ':' and newlines; empty elements are skipped, nothing else is changed.
  std::vector<std::string> dirs;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find_first_of(":\n", start), text.size());
    if (end > start) dirs.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return dirs;
}

LoaderProfile glibc_profile_from(const std::optional<std::map<std::string, std::string>>& diagnostics,
                                 const ElfIdent& program, const std::string& interpreter, const ResolveOptions& options) {
  LoaderProfile profile;
  if (diagnostics) {
    profile = profile_from_diagnostics(*diagnostics, program, options.sysroot);
    profile.source = interpreter + " (" + profile.source + ")";
  } else {
    profile = glibc_profile_for(program, options.sysroot, interpreter);
  }
  if (!options.host_cpu) {
    profile.hwcaps_levels.clear();
    profile.legacy_subdirs.clear();
  }
  profile.library_path = options.library_path;
  return profile;
}

bool linker_runs_here(const ElfIdent& program) {
#if defined(__x86_64__)
  return (program.machine == kEmX86_64 || program.machine == kEm386) && program.little_endian;
#elif defined(__aarch64__)
  return program.machine == kEmAarch64 && program.elf_class == kElfClass64 && program.little_endian;
#else
  (void)program;
  return false;
#endif
}

bool asks_linker(const ElfIdent& program, const std::string& interpreter, const ResolveOptions& options) {
  return options.run_linker && !interpreter.empty() && !is_musl_linker(interpreter) && linker_runs_here(program);
}

LoaderProfile loader_profile_for(const ElfIdent& program, const std::string& interpreter, const ResolveOptions& options) {
  if (is_musl_linker(interpreter)) {
    LoaderProfile profile = musl_profile_for(program, interpreter, options.sysroot);
    profile.library_path = options.library_path;
    return profile;
  }
  std::optional<std::map<std::string, std::string>> diagnostics;
  if (asks_linker(program, interpreter, options)) diagnostics = run_list_diagnostics(in_root(options.sysroot, interpreter));
  return glibc_profile_from(diagnostics, program, interpreter, options);
}

}  // namespace elfpack
