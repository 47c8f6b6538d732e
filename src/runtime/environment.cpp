// What the program's libraries assume of the machine (design §8, "environment"): the compiled
// locale for the LANG Lambda sets (en_US.UTF-8), time-zone data, the CA store at the paths the
// TLS library was built with, fontconfig's configuration and fonts. Files that glibc opens through
// its own internal calls, which the shim cannot see, are reached through the variables glibc
// honours (LOCPATH, TZDIR), which the shim sets for the bundle's programs only; everything else is
// served at its own path.
#include "runtime/package_manager.h"
#include "runtime/sources.h"
#include "elfpack/runtime/runtime_files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/base/paths.h"
#include "elfpack/resolve/loader_profile.h"
#include "elfpack/runtime/locale_archive.h"

namespace elfpack {

namespace {

// glibc's compiled-in locale directory (complocaledir) and time-zone directory (TZDIR), as
// Debian, Fedora and Arch build it.
constexpr const char* kLocaleDir = "/usr/lib/locale";
constexpr const char* kZoneDir = "/usr/share/zoneinfo";
// The locale Lambda's environment names (LANG=en_US.UTF-8), by the name glibc normalises it to
// (_nl_normalize_codeset: "UTF-8" -> "utf8"), which is the one it tries first.
constexpr const char* kLambdaLocale = "en_US.utf8";
// Where Debian's font packages put fonts, and the configuration file that names the bundle's.
constexpr const char* kFontDir = "/usr/share/fonts/";
constexpr const char* kFontDirsConf = "/etc/fonts/conf.d/05-elfpack-font-dirs.conf";

// What one walk brings: `path` in the root (a file, a link, or a directory taken whole), with
// `why`. A link keeps its target as it reads (settle_links makes it relative, or a copy); a link
// to a directory brings that directory too, since nothing else would. Returns the files added.
class Bringer {
 public:
  Bringer(const std::string& sysroot, std::map<std::string, RuntimeFile>& kept) : sysroot_(sysroot), kept_(kept) {}

  std::size_t bring(const std::string& path, const std::string& why, bool by_path = true) {
    if (!seen_.insert(path).second) return 0;
    // The entry itself, not what it leads to: in_root resolves a last link too.
    const std::string file =
        sysroot_ == "/" ? path : join_path(in_root(sysroot_, directory_of(path)), base_name(path));
    struct stat st;
    if (::lstat(file.c_str(), &st) != 0) return 0;
    if (S_ISLNK(st.st_mode)) {
      std::string target(4096, '\0');
      const ssize_t n = ::readlink(file.c_str(), target.data(), target.size());
      if (n <= 0) return 0;
      target.resize(static_cast<std::size_t>(n));
      RuntimeFile f{path, file, why};
      f.link = target;
      f.by_path = by_path;
      kept_.emplace(path, f);
      struct stat to;
      const auto canonical = canonical_in_root(sysroot_ == "/" ? "" : sysroot_, path);
      if (canonical && ::stat(file.c_str(), &to) == 0 && S_ISDIR(to.st_mode)) return 1 + bring(*canonical, why, by_path);
      return 1;
    }
    if (S_ISREG(st.st_mode)) {
      RuntimeFile f{path, file, why};
      f.by_path = by_path;
      return kept_.emplace(path, f).second ? 1 : 0;
    }
    if (!S_ISDIR(st.st_mode)) return 0;
    std::size_t count = 0;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(file.c_str()), ::closedir);
    while (dir) {
      const dirent* e = ::readdir(dir.get());
      if (e == nullptr) break;
      const std::string name = e->d_name;
      if (name != "." && name != "..") count += bring(join_path(path, name), why, by_path);
    }
    return count;
  }

  bool exists(const std::string& path) const { return ::access(in_root(sysroot_, path).c_str(), F_OK) == 0; }
  bool is_directory(const std::string& path) const {
    struct stat st;
    return ::stat(in_root(sysroot_, path).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

 private:
  std::string sysroot_;
  std::map<std::string, RuntimeFile>& kept_;
  std::set<std::string> seen_;
};

// The locale data for Lambda's LANG, under LOCPATH: with LOCPATH set, glibc's setlocale reads
// locale directories only, never the archive (locale/findlocale.c, _nl_find_locale), trying the
// normalised name (en_US.utf8) among the others. From this machine's locale directory, else
// taken out of its locale archive, else C.utf8's data under that name (the same character set;
// English messages and formats differ little from it).
void add_locale(const std::string& sysroot, Bringer& bringer, std::map<std::string, RuntimeFile>& kept,
                RuntimeFiles& result) {
  const std::string target = std::string(kLocaleDir) + "/" + kLambdaLocale;
  const std::string why = "environment: locale en_US.UTF-8 (Lambda's LANG), read by glibc through LOCPATH";
  std::size_t count = 0;
  std::string from;
  for (const char* name : {"en_US.utf8", "en_US.UTF-8"}) {
    const std::string dir = std::string(kLocaleDir) + "/" + name;
    if (count == 0 && bringer.exists(dir + "/LC_CTYPE")) {
      // Brought under its own name, which LOCPATH's search finds as well as the normalised one.
      count = bringer.bring(dir, why, false);
      from = dir;
    }
  }
  const std::string archive = in_root(sysroot, std::string(kLocaleDir) + "/locale-archive");
  if (count == 0 && ::access(archive.c_str(), R_OK) == 0) {
    const MappedFile mapped(archive);
    std::optional<std::map<std::string, std::string>> files;
    try {
      files = read_archived_locale(mapped.bytes(), kLambdaLocale, archive);
      if (!files) files = read_archived_locale(mapped.bytes(), "en_US.UTF-8", archive);
    } catch (const Error& e) {  // the program runs without it: a note, not a failed bundle
      result.notes.push_back(std::string("locale: ") + e.what());
    }
    for (auto& [name, bytes] : files ? *files : std::map<std::string, std::string>{}) {
      RuntimeFile f{target + "/" + name, archive, why};
      f.contents = std::move(bytes);
      f.by_path = false;
      kept.emplace(f.path, std::move(f));
      ++count;
    }
    if (count > 0) from = std::string(kLocaleDir) + "/locale-archive";
  }
  const std::string c_utf8 = std::string(kLocaleDir) + "/C.utf8";
  if (count == 0 && bringer.exists(c_utf8 + "/LC_CTYPE")) {
    std::map<std::string, RuntimeFile> data;
    Bringer into(sysroot, data);
    into.bring(c_utf8, why + " (C.utf8's data: this machine has no en_US locale)", false);
    for (auto& [path, f] : data) {
      f.path = target + path.substr(c_utf8.size());
      kept.emplace(f.path, f);
      ++count;
    }
    result.notes.push_back("locale: no en_US locale on this machine (locale-gen en_US.UTF-8 makes one): C.utf8 serves "
                           "as en_US.UTF-8 (UTF-8 characters, C's formats and messages)");
    from = c_utf8;
  }
  if (count == 0) {
    result.notes.push_back("locale: neither en_US.UTF-8 nor C.utf8 is on this machine: setlocale for Lambda's LANG will fail");
    return;
  }
  result.environment["LOCPATH"] = kLocaleDir;
  if (from != c_utf8) result.notes.push_back("locale: en_US.UTF-8 from " + from + " (" + std::to_string(count) + " files); LOCPATH set to it");
}

// Time-zone data: glibc reads TZ's zone file itself (time/tzfile.c, __tzfile_read: a relative
// name under TZDIR), so TZDIR leads it to the bundle's copy; other readers (Python's zoneinfo)
// open the same paths, which the shim serves.
void add_zoneinfo(Bringer& bringer, const std::map<std::string, RuntimeFile>& kept, bool wanted, RuntimeFiles& result) {
  const std::string prefix = std::string(kZoneDir) + "/";
  const bool carried = std::any_of(kept.begin(), kept.end(), [&](const auto& k) { return k.first.starts_with(prefix); });
  if (!wanted && !carried) return;
  const std::size_t count = bringer.bring(kZoneDir, "environment: time-zone data for TZ, read by glibc through TZDIR");
  if (count == 0 && !carried) return;
  result.environment["TZDIR"] = kZoneDir;
  result.notes.push_back(std::string("time zones: ") + kZoneDir + " (" + std::to_string(count) + " files); TZDIR set to it");
}

// The NUL-terminated strings of `data` that start with one of `roots` (paths compiled into a
// library), and OPENSSLDIR's value from OpenSSL's version text (OPENSSLDIR: "/usr/lib/ssl").
std::set<std::string> compiled_paths(std::span<const unsigned char> data, const std::vector<std::string_view>& roots,
                                     std::string& openssldir) {
  std::set<std::string> found;
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  const auto string_at = [&](std::size_t at) {
    const std::size_t end = text.find('\0', at);
    return end == std::string_view::npos || end - at > 1024 ? std::string_view() : text.substr(at, end - at);
  };
  for (const auto root : roots) {
    for (std::size_t at = text.find(root); at != std::string_view::npos; at = text.find(root, at + 1)) {
      if (at > 0 && text[at - 1] != '\0') continue;
      const std::string_view s = string_at(at);
      const bool plain = std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 127 && c != '%'; });
      if (!s.empty() && plain) found.emplace(s);
    }
  }
  constexpr std::string_view kOpenssldir = "OPENSSLDIR: \"";
  if (const auto at = text.find(kOpenssldir); at != std::string_view::npos) {
    const std::string_view s = string_at(at + kOpenssldir.size());
    if (s.ends_with('"')) openssldir = s.substr(0, s.size() - 1);
  }
  return found;
}

// The CA store of a closure with a TLS library, at the paths compiled into it and into the
// closure's other objects (curl's CA bundle): CA files and CA directories ("certs"), and
// OpenSSL's configuration; never a private key directory.
void add_ca_store(const Closure& closure, Bringer& bringer, RuntimeFiles& result) {
  static const std::vector<std::string_view> kRoots = {"/etc/ssl/", "/etc/pki/", "/usr/lib/ssl/", "/usr/local/ssl/",
                                                       "/etc/ca-certificates", "/usr/share/ca-certificates"};
  std::set<std::string> paths;
  std::string tls;
  for (const auto& o : closure.objects) {
    const std::string soname = o.elf.soname.value_or("");
    for (const char* lib : {"libssl.so", "libcrypto.so", "libgnutls.so", "libnss3.so", "libwolfssl.so", "libmbedtls.so"}) {
      if (soname.starts_with(lib) && tls.find(soname) == std::string::npos) tls += (tls.empty() ? "" : ", ") + soname;
    }
  }
  if (tls.empty()) return;
  for (const auto& o : closure.objects) {
    const MappedFile file(o.file);
    std::string openssldir;
    for (const auto& p : compiled_paths(file.bytes(), kRoots, openssldir)) paths.insert(p);
    if (!openssldir.empty()) {
      for (const char* name : {"/openssl.cnf", "/cert.pem", "/certs"}) paths.insert(openssldir + name);
    }
  }
  const std::string why = "environment: CA store of " + tls + " (a path compiled into it)";
  std::size_t count = 0;
  std::string brought;
  for (const auto& p : paths) {
    if (p.find("/private") != std::string::npos) continue;
    if (!bringer.exists(p)) continue;
    const bool dir = bringer.is_directory(p);
    if (dir && !base_name(p).ends_with("certs")) continue;  // only CA directories, not /usr/lib/ssl whole
    if (!dir && !(p.ends_with(".pem") || p.ends_with(".crt") || p.ends_with(".cnf"))) continue;
    if (const std::size_t n = bringer.bring(p, why); n > 0) {
      count += n;
      brought += (brought.empty() ? "" : ", ") + p;
    }
  }
  if (count > 0) result.notes.push_back("CA store of " + tls + ": " + brought + " (" + std::to_string(count) + " files)");
}

// fontconfig's configuration (/etc/fonts, its conf.d links taken as the files they name) and
// the fonts of the packages that the programs' packages and libfontconfig's package depend on,
// directly or through one more package (fontconfig-config's fonts-dejavu-core): the fonts their
// distribution meant them to have, not every font of this machine.
void add_fonts(const std::vector<std::string>& packages, const PackageManager& manager, Bringer& bringer,
               std::map<std::string, RuntimeFile>& kept, std::set<std::string>& whole, RuntimeFiles& result) {
  std::size_t count = bringer.bring("/etc/fonts", "environment: fontconfig's configuration");
  std::set<std::string> seen, fonts;
  std::vector<std::string> level = packages;
  for (int step = 0; step < 3 && !level.empty(); ++step) {
    std::vector<std::string> next;
    for (const auto& p : level) {
      if (!seen.insert(p).second) continue;
      const auto files = manager.files(p);
      if (std::any_of(files.begin(), files.end(), [](const std::string& f) { return f.starts_with("/usr/share/fonts/"); })) {
        fonts.insert(p);
      }
      for (auto& d : manager.dependencies(p)) next.push_back(std::move(d));
    }
    level = std::move(next);
  }
  std::string names;
  std::set<std::string> font_dirs;
  for (const auto& p : fonts) {
    const std::string why = "environment: fonts of package " + p + " (for fontconfig)";
    for (const auto& f : manager.files(p)) {
      if (is_documentation(f) || bringer.is_directory(f)) continue;
      count += bringer.bring(f, why);
      if (f.starts_with(kFontDir)) font_dirs.insert(directory_of(f));
    }
    names += (names.empty() ? "" : ", ") + p;
  }
  // fontconfig looks for fonts below the directories its configuration names (/usr/share/fonts),
  // which the bundle carries only part of, and which a target may not have: a configuration file
  // of the bundle's own /etc/fonts names the directories it carries, and a cache directory.
  if (!font_dirs.empty()) {
    std::string conf = "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n"
                       "<!-- Written by elfpack: the font directories the bundle carries. -->\n<fontconfig>\n";
    for (const auto& d : font_dirs) conf += "  <dir>" + d + "</dir>\n";
    // The caches of this machine are not valid for the bundle's copies (fontconfig compares a
    // directory's mtime with its cache's), so fontconfig scans them once and writes a cache; /tmp
    // is the place Lambda lets it write, where a warm start finds it again.
    conf += "  <cachedir>/tmp/fontconfig-cache</cachedir>\n";
    conf += "</fontconfig>\n";
    RuntimeFile f{kFontDirsConf, "", "environment: the font directories the bundle carries, for fontconfig"};
    f.contents = conf;
    kept.emplace(f.path, f);
    ++count;
  }
  // Each served whole, so that fontconfig's listing of it finds the package's fonts (and only
  // those: other packages' fonts in the same directory of the target are hidden).
  whole.insert(font_dirs.begin(), font_dirs.end());
  result.notes.push_back("fontconfig: /etc/fonts and the fonts of " + (names.empty() ? std::string("no package") : names) +
                         " (" + std::to_string(count) + " files)");
}

// The closure's undefined symbols, all objects together.
std::set<std::string> closure_imports(const Closure& closure) {
  std::set<std::string> symbols;
  for (const auto& o : closure.objects) {
    if (o.elf.imports) {
      symbols.insert(o.elf.imports->begin(), o.elf.imports->end());
    } else {
      const MappedFile file(o.file);
      for (auto& s : read_imports(file.bytes(), o.file)) symbols.insert(std::move(s));
    }
  }
  return symbols;
}

// "a/b/c" relative to directory "a/d": "../b/c"; both absolute and free of "." and "..".
std::string relative_to(const std::string& dir, const std::string& path) {
  std::vector<std::string_view> from, to;
  const auto split = [](std::string_view s, std::vector<std::string_view>& out) {
    for (std::size_t at = 0; at < s.size();) {
      const std::size_t end = std::min(s.find('/', at), s.size());
      if (end > at) out.push_back(s.substr(at, end - at));
      at = end + 1;
    }
  };
  split(dir, from);
  split(path, to);
  std::size_t common = 0;
  while (common < from.size() && common < to.size() && from[common] == to[common]) ++common;
  std::string out;
  for (std::size_t i = common; i < from.size(); ++i) out += "../";
  for (std::size_t i = common; i < to.size(); ++i) out += std::string(to[i]) + (i + 1 < to.size() ? "/" : "");
  return out.empty() ? "." : out;
}

}  // namespace

void add_environment(const std::vector<Program>& programs, const CollectOptions& options,
                     const std::vector<std::unique_ptr<PackageManager>>& managers,
                     std::map<std::string, RuntimeFile>& kept, std::set<std::string>& whole, RuntimeFiles& result) {
  static const std::set<std::string> kLocale = {"setlocale", "newlocale"};
  static const std::set<std::string> kTime = {"tzset", "localtime", "localtime_r", "mktime", "timelocal", "ctime", "ctime_r"};
  if (options.closures == nullptr || !options.detect) return;  // --no-detect: only what is asked for
  Bringer bringer(options.sysroot, kept);
  bool locale = false, zones = false, fonts = false;
  std::vector<std::string> font_users;  // files whose packages' fonts fontconfig gets
  for (std::size_t p = 0; p < programs.size() && p < options.closures->size(); ++p) {
    const Closure& closure = (*options.closures)[p];
    if (closure.objects.empty()) continue;
    if (closure.family == LoaderFamily::kGlibc) {
      const auto symbols = closure_imports(closure);
      locale |= std::any_of(kLocale.begin(), kLocale.end(), [&](const std::string& s) { return symbols.contains(s); });
      zones |= std::any_of(kTime.begin(), kTime.end(), [&](const std::string& s) { return symbols.contains(s); });
    }
    add_ca_store(closure, bringer, result);
    for (const auto& o : closure.objects) {
      if (o.elf.soname.value_or("").starts_with("libfontconfig.so")) {
        fonts = true;
        font_users.push_back(o.path);
        font_users.push_back(programs[p].path);
      }
    }
  }
  if (locale) add_locale(options.sysroot, bringer, kept, result);
  add_zoneinfo(bringer, kept, zones, result);
  if (fonts && !managers.empty()) {
    std::vector<std::string> asked = font_users;
    for (const auto& u : font_users) {
      if (auto c = canonical_in_root(options.sysroot == "/" ? "" : options.sysroot, u)) asked.push_back(*c);
    }
    std::sort(asked.begin(), asked.end());
    asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
    std::vector<std::string> packages;
    for (const auto& [path, package] : managers.front()->owners(asked)) packages.push_back(package);
    add_fonts(packages, *managers.front(), bringer, kept, whole, result);
  }
}

void settle_links(std::map<std::string, RuntimeFile>& kept, const std::string& sysroot, std::vector<std::string>& notes) {
  const std::string root = sysroot == "/" ? "" : sysroot;
  std::set<std::string> dirs;  // directories that hold something brought
  for (const auto& [path, f] : kept) {
    for (std::string d = directory_of(path); d != "/" && dirs.insert(d).second; d = directory_of(d)) {
    }
  }
  std::vector<std::string> dropped;
  for (auto it = kept.begin(); it != kept.end();) {
    RuntimeFile& f = it->second;
    if (f.link.empty() || f.contents) {
      ++it;
      continue;
    }
    // The target with its directory's links resolved as on this machine, its last name kept.
    const std::string lexical = f.link.starts_with('/') ? f.link : directory_of(f.path) + "/" + f.link;
    const auto parent = canonical_in_root(root, directory_of(lexical));
    const std::string target = parent ? join_path(*parent, base_name(lexical)) : lexical;
    if (kept.contains(target) || dirs.contains(target)) {
      f.link = relative_to(directory_of(f.path), target);
      ++it;
      continue;
    }
    // Not brought: the file it leads to, as a copy.
    struct stat st;
    const auto canonical = canonical_in_root(root, f.path);
    if (canonical && ::stat(in_root(sysroot, *canonical).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      f.file = in_root(sysroot, *canonical);
      f.link.clear();
      ++it;
    } else {
      dropped.push_back(f.path + " -> " + f.link);
      it = kept.erase(it);
    }
  }
  if (!dropped.empty()) {
    notes.push_back(std::to_string(dropped.size()) + " links left out, leading nowhere the bundle goes (first: " +
                    dropped.front() + ")");
  }
}

std::optional<std::string> drop_environment_kind(RuntimeFiles& runtime) {
  struct Kind {
    const char* name;
    std::vector<std::string_view> reasons;  // how the reasons of its files start
    const char* variable;
  };
  static const Kind kKinds[] = {
      {"fonts", {"environment: font", "environment: the font directories"}, nullptr},
      {"time zones", {"environment: time-zone"}, "TZDIR"},
      {"the en_US.UTF-8 locale", {"environment: locale"}, "LOCPATH"},
      {"the CA store", {"environment: CA store"}, nullptr},
  };
  for (const auto& kind : kKinds) {
    const auto of_kind = [&](const RuntimeFile& f) {
      return std::any_of(kind.reasons.begin(), kind.reasons.end(), [&](std::string_view r) { return f.why.starts_with(r); });
    };
    std::uintmax_t bytes = 0;
    std::size_t count = 0;
    for (const auto& f : runtime.files) {
      if (!of_kind(f)) continue;
      ++count;
      struct stat st;
      if (f.contents) {
        bytes += f.contents->size();
      } else if (f.link.empty() && ::stat(f.file.c_str(), &st) == 0) {
        bytes += static_cast<std::uintmax_t>(st.st_size);
      }
    }
    if (count == 0) continue;
    std::erase_if(runtime.files, of_kind);
    if (kind.variable != nullptr) runtime.environment.erase(kind.variable);
    // A prefix serves what is left under it, or goes.
    std::erase_if(runtime.prefixes, [&](const std::string& p) {
      const auto under = [&](const RuntimeFile& f) { return f.path == p || f.path.starts_with(p + "/"); };
      return std::none_of(runtime.files.begin(), runtime.files.end(), under) &&
             std::none_of(runtime.libraries.begin(), runtime.libraries.end(), under) &&
             std::none_of(runtime.helpers.begin(), runtime.helpers.end(), under);
    });
    char size[32];
    std::snprintf(size, sizeof size, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return std::string(kind.name) + ", " + size;
  }
  return std::nullopt;
}

}  // namespace elfpack
