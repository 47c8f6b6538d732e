// What the program's libraries assume of the machine (design §8, "environment"): the compiled
// locale for the LANG Lambda sets (en_US.UTF-8), time-zone data, the CA store at the paths the
// TLS library was built with, fontconfig's configuration and fonts, and configuration a library's
// package wrote at install (libpaper's paper size). Decided once over every ELF object the bundle
// runs: the programs', the plugins' and the helpers' closures. Files that glibc opens through its
// own internal calls, which the shim cannot see, are reached through the variables glibc honours
// (LOCPATH, TZDIR), which the shim sets for the bundle's programs only; everything else is served
// at its own path.
#include "runtime/package_manager.h"
#include "runtime/sources.h"
#include "elfpack/runtime/runtime_files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include <xxhash.h>

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
// Where fontconfig writes its caches for the bundle's fonts: + the id of the set of fonts.
constexpr const char* kFontCacheDir = "/tmp/fontconfig-cache-";

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
  // A regular file (or a link to one) that any user may read, as Lambda's user must.
  bool is_readable_file(const std::string& path) const {
    struct stat st;
    return ::stat(in_root(sysroot_, path).c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IROTH) != 0;
  }
  std::uintmax_t size_of(const std::string& path) const {
    struct stat st;
    return ::stat(in_root(sysroot_, path).c_str(), &st) == 0 ? static_cast<std::uintmax_t>(st.st_size) : 0;
  }
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

// What the ELF objects the bundle runs (programs, helpers, plugins and their closures) use of
// the machine, each object looked at once however many closures load it.
struct EnvironmentUses {
  std::set<std::string> glibc_imports;   // the undefined symbols of the objects glibc's linker loads
  std::set<std::string> tls_libraries;   // the sonames of the TLS libraries among them
  std::vector<const LoadedObject*> tls_objects;  // the objects of the closures that hold one
  // libfontconfig and the programs, helpers and plugins whose closures hold it: their packages'
  // dependencies name the fonts
  std::set<std::string> font_users;
};

EnvironmentUses environment_uses(const std::vector<const Closure*>& closures) {
  static const char* const kTls[] = {"libssl.so", "libcrypto.so", "libgnutls.so", "libnss3.so", "libwolfssl.so", "libmbedtls.so"};
  EnvironmentUses uses;
  std::set<std::string> read, scanned;  // the files whose imports were read, and those taken for the CA scan
  for (const Closure* closure : closures) {
    if (closure->objects.empty()) continue;
    // An NSS module (glibc's convention, nss/nss_module.c: libnss_SERVICE.so.2) runs inside the
    // program's locale and time zone, which glibc loaded it for: it does not choose them from
    // the environment (systemd's imports setlocale to ask whether the locale is UTF-8), so its
    // imports do not ask for the locale or the zones; its TLS library or fonts would count.
    const bool nss_module = base_name(closure->objects.front().path).starts_with("libnss_");
    bool tls = false;
    for (const auto& o : closure->objects) {
      const std::string soname = o.elf.soname.value_or("");
      for (const char* lib : kTls) {
        if (!soname.starts_with(lib)) continue;
        uses.tls_libraries.insert(soname);
        tls = true;
      }
      if (soname.starts_with("libfontconfig.so")) {
        uses.font_users.insert(o.path);
        uses.font_users.insert(closure->objects.front().path);
      }
      if (closure->family != LoaderFamily::kGlibc || nss_module || !read.insert(o.file).second) continue;
      if (o.elf.imports) {
        uses.glibc_imports.insert(o.elf.imports->begin(), o.elf.imports->end());
      } else {
        const MappedFile file(o.file);
        for (auto& s : read_imports(file.bytes(), o.file)) uses.glibc_imports.insert(std::move(s));
      }
    }
    for (const auto& o : closure->objects) {
      if (tls && scanned.insert(o.file).second) uses.tls_objects.push_back(&o);
    }
  }
  return uses;
}

// Whether `c` can be part of a path as programs and scripts write them.
bool is_path_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' || c == '-' || c == '+';
}

// Whether a path can start at `at` of `text`: at its start, or after a byte that does not belong
// to a path. In a binary mostly a NUL; but a string of .rodata may follow a number without one
// (libpaper's "/etc/papersize" follows the bytes of a double, "\0\0R@").
bool starts_string(std::string_view text, std::size_t at) { return at == 0 || !is_path_char(text[at - 1]); }

// Whether `path` is compiled into `data`: a string of its own, NUL-terminated.
bool compiled_in(std::span<const unsigned char> data, std::string_view path) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  for (std::size_t at = text.find(path); at != std::string_view::npos; at = text.find(path, at + 1)) {
    if (starts_string(text, at) && at + path.size() < text.size() && text[at + path.size()] == '\0') return true;
  }
  return false;
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
      if (!starts_string(text, at)) continue;
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

// The CA store of the TLS libraries the bundle loads, at the paths compiled into the objects of
// the closures that hold one (the library itself, curl's CA bundle beside it): CA files and CA
// directories ("certs"), and OpenSSL's configuration; never a private key directory.
void add_ca_store(const EnvironmentUses& uses, Bringer& bringer, RuntimeFiles& result) {
  static const std::vector<std::string_view> kRoots = {"/etc/ssl/", "/etc/pki/", "/usr/lib/ssl/", "/usr/local/ssl/",
                                                       "/etc/ca-certificates", "/usr/share/ca-certificates"};
  if (uses.tls_libraries.empty()) return;
  std::string tls;
  for (const auto& soname : uses.tls_libraries) tls += (tls.empty() ? "" : ", ") + soname;
  std::set<std::string> paths;
  for (const auto* o : uses.tls_objects) {
    const MappedFile file(o->file);
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

// Configuration of the machine that a library's own package wrote at install instead of shipping
// it, so that dpkg lists no such file (libpaper's /etc/papersize, the paper size chosen through
// debconf, which Ghostscript's pages follow): a file under /etc that a maintainer script of the
// package owning an object of the closures names, whose path is compiled into one of that
// package's objects, and that any user may read. What other packages' scripts write
// (/etc/machine-id by systemd's, not libsystemd's) is the machine's, not the library's, and stays.
void add_installed_configuration(const std::vector<const Closure*>& closures,
                                 const std::map<std::string, std::string>& package_of, const PackageManager& manager,
                                 Bringer& bringer, RuntimeFiles& result) {
  std::map<std::string, std::vector<const LoadedObject*>> objects_of;  // package -> its objects, each once
  std::set<std::string> seen;
  for (const Closure* closure : closures) {
    for (const auto& o : closure->objects) {
      const auto it = package_of.find(o.file);
      if (it != package_of.end() && seen.insert(o.file).second) objects_of[it->second].push_back(&o);
    }
  }
  for (const auto& [package, objects] : objects_of) {
    const std::string scripts = manager.maintainer_scripts(package);
    std::set<std::string> named;
    for (std::size_t at = scripts.find("/etc/"); at != std::string::npos; at = scripts.find("/etc/", at + 1)) {
      if (!starts_string(scripts, at)) continue;
      std::size_t end = at;
      while (end < scripts.size() && is_path_char(scripts[end])) ++end;
      std::string path = scripts.substr(at, end - at);
      while (path.ends_with('.')) path.pop_back();  // the end of a sentence in a message
      if (bringer.is_readable_file(path)) named.insert(path);
    }
    for (const auto& path : named) {
      for (const auto* o : objects) {
        const MappedFile file(o->file);
        if (!compiled_in(file.bytes(), path)) continue;
        const std::string soname = o->elf.soname.value_or(base_name(o->path));
        if (bringer.bring(path, "environment: configuration " + soname + " reads, written by " + package +
                                    "'s maintainer scripts") > 0) {
          result.notes.push_back("configuration: " + path + " (read by " + soname + ", written by " + package +
                                 "'s maintainer scripts)");
        }
        break;
      }
    }
  }
}

// The installed packages among the alternatives of `package`'s dependencies that any of several
// satisfy ("fonts-dejavu-core | ... | fonts-urw-base35"), by their lists' names.
std::vector<std::string> installed_alternatives(const std::string& package, const PackageManager& manager) {
  const auto* all = manager.installed();
  if (all == nullptr) return {};
  const auto self = all->find(package.substr(0, package.find(':')));
  if (self == all->end()) return {};
  std::vector<std::string> found;
  for (const auto& group : self->second.depends) {
    for (const auto& alternative : group) {
      const auto it = all->find(alternative);
      if (group.size() > 1 && it != all->end()) found.push_back(it->second.listed);
    }
  }
  return found;
}

// fontconfig's configuration (/etc/fonts, its conf.d links taken as the files they name) and
// the fonts of the packages that the programs' packages and libfontconfig's package depend on,
// directly or through one more package (fontconfig-config's fonts-dejavu-core): the fonts their
// distribution meant them to have, not every font of this machine. Of a dependency that any of
// several font packages satisfies, every installed one: natively fontconfig sees them all, and
// its configuration picks among them by the family a document names (a PDF's Helvetica: the
// metric-compatible Nimbus Sans of fonts-urw-base35, not the first alternative's DejaVu Sans).
// --exclude-package: none of those packages' fonts, nor the fonts of what they depend on.
void add_fonts(const std::vector<std::string>& packages, const std::vector<std::string>& excluded,
               const PackageManager& manager, Bringer& bringer, std::map<std::string, RuntimeFile>& kept,
               std::set<std::string>& whole, RuntimeFiles& result) {
  std::size_t count = bringer.bring("/etc/fonts", "environment: fontconfig's configuration");
  const auto is_excluded = [&](const std::string& p) {
    return std::find(excluded.begin(), excluded.end(), p.substr(0, p.find(':'))) != excluded.end();
  };
  const auto ships_fonts = [&](const std::string& p) {
    if (is_excluded(p)) return false;
    const auto files = manager.files(p);
    return std::any_of(files.begin(), files.end(), [](const std::string& f) { return f.starts_with(kFontDir); });
  };
  std::set<std::string> seen, fonts;
  std::vector<std::string> level = packages;
  for (int step = 0; step < 3 && !level.empty(); ++step) {
    std::vector<std::string> next;
    for (const auto& p : level) {
      if (!seen.insert(p).second || is_excluded(p)) continue;
      if (ships_fonts(p)) fonts.insert(p);
      for (const auto& a : installed_alternatives(p, manager)) {
        if (!fonts.contains(a) && ships_fonts(a)) fonts.insert(a);
      }
      for (auto& d : manager.dependencies(p)) next.push_back(std::move(d));
    }
    level = std::move(next);
  }
  std::string names, font_set;  // font_set: each font's path and size
  std::set<std::string> font_dirs;
  for (const auto& p : fonts) {
    const std::string why = "environment: fonts of package " + p + " (for fontconfig)";
    for (const auto& f : manager.files(p)) {
      if (is_documentation(f) || bringer.is_directory(f)) continue;
      count += bringer.bring(f, why);
      if (!f.starts_with(kFontDir)) continue;
      font_dirs.insert(directory_of(f));
      font_set += f + '\0' + std::to_string(bringer.size_of(f)) + '\n';
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
    // is the place Lambda lets it write, where a warm start finds it again. Named after the set
    // of fonts: another bundle in the same /tmp with other fonts at the same directories and the
    // same fixed mtimes must not take this one's cache as valid for its own.
    char set_id[17];
    std::snprintf(set_id, sizeof set_id, "%016llx",
                  static_cast<unsigned long long>(XXH3_64bits(font_set.data(), font_set.size())));
    conf += std::string("  <cachedir>") + kFontCacheDir + set_id + "</cachedir>\n";
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

void add_environment(const std::vector<const Closure*>& closures, const CollectOptions& options, RuntimeFiles& runtime) {
  static const std::set<std::string> kLocale = {"setlocale", "newlocale"};
  static const std::set<std::string> kTime = {"tzset", "localtime", "localtime_r", "mktime", "timelocal", "ctime", "ctime_r"};
  if (!options.detect) return;  // --no-detect: only what is asked for
  std::map<std::string, RuntimeFile> kept;
  for (auto& f : runtime.files) kept.emplace(f.path, std::move(f));
  runtime.files.clear();
  std::set<std::string> whole(runtime.served_whole.begin(), runtime.served_whole.end());
  Bringer bringer(options.sysroot, kept);
  const EnvironmentUses uses = environment_uses(closures);
  const auto any_of = [&](const std::set<std::string>& names) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& s) { return uses.glibc_imports.contains(s); });
  };
  add_ca_store(uses, bringer, runtime);
  if (any_of(kLocale)) add_locale(options.sysroot, bringer, kept, runtime);
  add_zoneinfo(bringer, kept, any_of(kTime), runtime);
  const auto managers = package_managers(options.sysroot);
  if (!managers.empty()) add_installed_configuration(closures, runtime.package_of, *managers.front(), bringer, runtime);
  if (!uses.font_users.empty() && !managers.empty()) {
    std::vector<std::string> asked(uses.font_users.begin(), uses.font_users.end());
    for (const auto& u : uses.font_users) {
      if (auto c = canonical_in_root(options.sysroot == "/" ? "" : options.sysroot, u)) asked.push_back(*c);
    }
    std::sort(asked.begin(), asked.end());
    asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
    std::vector<std::string> packages;
    for (const auto& [path, package] : managers.front()->owners(asked)) packages.push_back(package);
    add_fonts(packages, options.exclude_packages, *managers.front(), bringer, kept, whole, runtime);
  }
  settle_links(kept, options.sysroot, runtime.notes);
  for (auto& [path, f] : kept) runtime.files.push_back(std::move(f));
  runtime.served_whole.assign(whole.begin(), whole.end());
  set_prefixes(runtime, options.sysroot);
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
