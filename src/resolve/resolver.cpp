// The closure walk. Each step names the glibc function it mirrors (glibc 2.36, elf/dl-load.c and
// elf/dl-deps.c); tests/unit/resolver_test.cpp checks each rule against the real loader.
#include "elfpack/resolve/resolver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <utility>

#include "elfpack/base/error.h"
#include "elfpack/base/paths.h"
#include "elfpack/resolve/ld_cache.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/base/process.h"

namespace elfpack {

const char* to_string(FoundBy rule) {
  switch (rule) {
    case FoundBy::kProgram: return "program";
    case FoundBy::kInterpreter: return "interpreter";
    case FoundBy::kPathName: return "path name";
    case FoundBy::kRpath: return "rpath";
    case FoundBy::kLibraryPath: return "library path";
    case FoundBy::kRunpath: return "runpath";
    case FoundBy::kCache: return "cache";
    case FoundBy::kLdSoConf: return "ld.so.conf";
    case FoundBy::kDefaultDirs: return "default dirs";
  }
  return "?";
}

namespace {

bool is_identifier_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// glibc elf/dl-load.c is_dst: the length of the token `ref` at `input` (just after the '$'),
// counting braces, or 0 when `input` is not that token.
std::size_t token_length(std::string_view input, std::string_view ref) {
  const bool curly = !input.empty() && input[0] == '{';
  if (curly) input.remove_prefix(1);
  if (!input.starts_with(ref)) return 0;
  const char next = input.size() > ref.size() ? input[ref.size()] : '\0';
  if (curly && next != '}') return 0;
  if (!curly && is_identifier_char(next)) return 0;
  return ref.size() + (curly ? 2 : 0);
}

std::string current_directory() {
  std::array<char, PATH_MAX> buffer{};
  if (::getcwd(buffer.data(), buffer.size()) == nullptr) throw Error(std::string("cannot get the current directory: ") + std::strerror(errno));
  return buffer.data();
}

std::string absolute(const std::string& path) {
  return path.starts_with('/') ? path : join_path(current_directory(), path);
}

// A path inside a sysroot: relative ones are taken from its '/'.
std::string absolute_in_root(const std::string& path) {
  return path.starts_with('/') ? path : "/" + path;
}

// A file kept open from the check of a candidate to the reading of its facts, so each library
// is opened once (glibc likewise maps the file it verified).
struct OpenFile {
  int fd = -1;
  struct stat st {};
  OpenFile() = default;
  OpenFile(OpenFile&& other) noexcept : fd(std::exchange(other.fd, -1)), st(other.st) {}
  OpenFile& operator=(OpenFile&& other) noexcept {
    if (this != &other) {
      if (fd >= 0) ::close(fd);
      fd = std::exchange(other.fd, -1);
      st = other.st;
    }
    return *this;
  }
  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
};

std::string join_list(const std::vector<std::string>& dirs) {
  std::string out;
  for (const auto& d : dirs) out += (out.empty() ? "" : ":") + (d.empty() ? std::string(".") : d);
  return out;
}

}  // namespace

// glibc elf/dl-load.c _dl_dst_substitute.
std::optional<std::string> expand_tokens(const std::string& input, const TokenValues& tokens) {
  std::string out;
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] != '$') {
      out += input[i];
      continue;
    }
    const std::string_view rest = std::string_view(input).substr(i + 1);
    const std::string* value = nullptr;
    std::size_t length = 0;
    if ((length = token_length(rest, "ORIGIN")) != 0) {
      if (!tokens.origin) return std::nullopt;
      value = &*tokens.origin;
    } else if ((length = token_length(rest, "PLATFORM")) != 0) {
      if (tokens.platform.empty()) return std::nullopt;
      value = &tokens.platform;
    } else if ((length = token_length(rest, "LIB")) != 0) {
      value = &tokens.lib;
    }
    if (value == nullptr) {
      out += '$';  // not a token glibc knows: kept literally
      continue;
    }
    out += *value;
    i += length;
  }
  return out;
}

// glibc elf/dl-load.c fillin_rpath.
std::vector<std::string> split_search_path(const std::string& list, const char* separators, const TokenValues& tokens) {
  std::vector<std::string> dirs;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = list.find_first_of(separators, start);
    const std::string element = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::optional<std::string> dir = std::string();
    if (!element.empty()) {
      dir = expand_tokens(element, tokens);
      if (dir && dir->empty()) dir.reset();
      while (dir && dir->size() > 1 && dir->back() == '/') dir->pop_back();
    }
    if (dir && std::find(dirs.begin(), dirs.end(), *dir) == dirs.end()) dirs.push_back(*dir);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return dirs;
}

std::vector<std::string> Closure::describe_missing() const {
  std::vector<std::string> lines;
  for (const auto& m : missing) {
    std::string line = m.name + ": " + m.reason;
    if (!m.where.empty()) line += " (" + m.where + ")";
    line += " (needed by " + objects[m.needed_by].path;
    if (!m.searched.empty()) {
      line += "; searched ";
      for (std::size_t i = 0; i < m.searched.size(); ++i) line += (i ? "; " : "") + m.searched[i];
    }
    lines.push_back(line + ")");
  }
  return lines;
}

// One program's breadth-first walk (glibc elf/dl-deps.c _dl_map_object_deps).
class ClosureWalk {
 public:
  ClosureWalk(Resolver& resolver) : r_(resolver), p_(resolver.profile_) {}

  Closure run(const std::string& program, const std::string& run_by, const std::string& file) {
    closure_.family = p_.family;
    add_program(program, file);
    // LD_LIBRARY_PATH: ':' and ';' separate, tokens expand against the program (elf/dl-load.c
    // _dl_init_paths); an empty value means none.
    if (p_.library_path && !p_.library_path->empty()) library_path_ = split_search_path(*p_.library_path, ":;", tokens_for(0, *p_.library_path));
    // The linker that runs it: the one given (`ld.so PROGRAM` runs PROGRAM whatever its
    // PT_INTERP says), else its PT_INTERP.
    if (!run_by.empty()) {
      add_interpreter(run_by);
    } else if (closure_.objects[0].elf.interp) {
      add_interpreter(*closure_.objects[0].elf.interp);
    }
    for (std::size_t i = 0; i < closure_.objects.size(); ++i) {
      const std::vector<std::string> needed = closure_.objects[i].elf.needed;
      for (const auto& name : needed) {
        if (p_.family == LoaderFamily::kMusl) {
          map_object_musl(name, i);
        } else {
          map_object(name, i);
        }
      }
    }
    return std::move(closure_);
  }

 private:
  enum class Probe { kAbsent, kSkipped, kUsable, kBad };
  struct Search {
    std::optional<std::string> found;
    OpenFile file;  // the found file, open
    std::string bad_reason, bad_path;
    std::vector<std::string> searched;
  };

  // Parsed once per file per run, however many programs load it.
  const ElfFacts& facts_for(const std::string& file, const struct stat& st, int fd) {
    const auto key = std::make_pair(st.st_dev, st.st_ino);
    auto it = r_.facts_.find(key);
    if (it == r_.facts_.end()) {
      ElfFacts facts;
      if (fd >= 0) {
        facts = read_elf(fd, st, file, r_.options_.imports);
      } else {  // the interpreter, or a program: opened here, read like the libraries
        const int own = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (own < 0) throw Error(file + ": cannot open: " + std::strerror(errno));
        struct stat status;
        try {
          if (::fstat(own, &status) != 0) throw Error(file + ": cannot stat: " + std::strerror(errno));
          facts = read_elf(own, status, file, r_.options_.imports);
        } catch (...) {
          ::close(own);
          throw;
        }
        ::close(own);
      }
      it = r_.facts_.emplace(key, std::move(facts)).first;
    }
    return it->second;
  }

  // Every name an object answers to (elf/dl-misc.c _dl_name_match_p: the name it was opened by,
  // the names it was asked for, its DT_SONAME) and its file, for reuse; the first object wins.
  void remember_name(const std::string& name, std::size_t index) { loaded_names_.try_emplace(name, index); }

  std::size_t add_object(LoadedObject object) {
    const std::size_t index = closure_.objects.size();
    if (index != 0) remember_name(object.path, index);
    if (object.elf.soname) remember_name(*object.elf.soname, index);
    for (const auto& n : object.names) remember_name(n, index);
    loaded_files_.try_emplace(std::make_pair(object.dev, object.ino), index);
    closure_.objects.push_back(std::move(object));
    return index;
  }

  LoadedObject make_object(const std::string& path, FoundBy rule, std::optional<std::size_t> loader,
                           const OpenFile* open = nullptr, const std::string& file = "") {
    LoadedObject object;
    object.path = path;
    object.file = file.empty() ? in_root(p_.root, path) : file;
    struct stat st;
    if (open != nullptr) {
      st = open->st;
    } else if (::stat(object.file.c_str(), &st) != 0) {
      throw Error(object.file + ": " + std::strerror(errno));
    }
    object.dev = st.st_dev;
    object.ino = st.st_ino;
    object.elf = facts_for(object.file, st, open != nullptr ? open->fd : -1);
    object.found_by = rule;
    object.loader = loader;
    return object;
  }

  void add_program(const std::string& program, const std::string& file) {
    LoadedObject main = make_object(program, FoundBy::kProgram, std::nullopt, nullptr, file);
    // $ORIGIN of the program is the directory of /proc/self/exe: symlinks resolved (inside the root).
    if (p_.root.empty() || p_.root == "/" || !file.empty()) {
      char* real = ::realpath(main.file.c_str(), nullptr);
      if (real == nullptr) throw Error(main.file + ": " + std::strerror(errno));
      origin_of_main_ = directory_of(real);
      std::free(real);
    } else {
      const auto canonical = canonical_in_root(p_.root, absolute_in_root(program));
      if (!canonical) throw Error(main.file + ": too many levels of symbolic links");
      origin_of_main_ = directory_of(*canonical);
    }
    add_object(std::move(main));
  }

  void add_interpreter(const std::string& interp) {
    struct stat st;
    if (::stat(in_root(p_.root, interp).c_str(), &st) != 0) {
      throw Error(closure_.objects[0].path + ": its interpreter " + interp + " (PT_INTERP): " + std::strerror(errno));
    }
    closure_.interpreter = add_object(make_object(interp, FoundBy::kInterpreter, std::nullopt));
  }

  // The token values for expanding `text` in object `index`; $LIB and $PLATFORM are looked up
  // only when `text` uses them (they may need the linker's own values).
  TokenValues tokens_for(std::size_t index, const std::string& text) const {
    const bool mentions_lib_or_platform = text.find("LIB") != std::string::npos || text.find("PLATFORM") != std::string::npos;
    TokenValues t;
    t.origin = index == 0 ? origin_of_main_ : directory_of(absolute(closure_.objects[index].path));
    if (mentions_lib_or_platform) {
      t.lib = r_.profile().lib_token;
      t.platform = r_.profile().platform_token;
    }
    return t;
  }

  // glibc elf/dl-misc.c _dl_name_match_p, with the DT_SONAME comparison of _dl_map_object.
  std::optional<std::size_t> already_loaded(const std::string& name) const {
    const auto it = loaded_names_.find(name);
    if (it == loaded_names_.end()) return std::nullopt;
    return it->second;
  }

  // glibc _dl_map_object_from_fd: a file already loaded under another name is that object.
  std::optional<std::size_t> same_file(const OpenFile& file) const {
    const auto it = loaded_files_.find(std::make_pair(file.st.st_dev, file.st.st_ino));
    if (it == loaded_files_.end()) return std::nullopt;
    return it->second;
  }

  // glibc elf/dl-load.c open_verify, on one candidate path. A usable file is kept open in `keep`.
  Probe probe(const std::string& path, std::string& reason, OpenFile* keep = nullptr) const {
    const std::string file = in_root(p_.root, path);
    OpenFile open;
    open.fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (open.fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR || errno == EACCES) return Probe::kAbsent;
      reason = std::strerror(errno);
      return Probe::kBad;
    }
    std::array<unsigned char, 64> header{};
    const ssize_t got = ::pread(open.fd, header.data(), header.size(), 0);
    const int read_errno = errno;
    if (got < 0) {
      // Reading a directory fails with EISDIR: glibc's read fails likewise and ends the search.
      reason = std::strerror(read_errno);
      return Probe::kBad;
    }
    const CandidateCheck check = check_candidate({header.data(), static_cast<std::size_t>(got)}, p_.want);
    if (check.verdict == CandidateVerdict::kWrongClassOrMachine) return Probe::kSkipped;
    if (check.verdict == CandidateVerdict::kHardError) {
      reason = check.reason;
      return Probe::kBad;
    }
    if (keep != nullptr) {
      if (::fstat(open.fd, &open.st) != 0) {
        reason = std::strerror(errno);
        return Probe::kBad;
      }
      *keep = std::move(open);
    }
    return Probe::kUsable;
  }

  // Whether a directory exists, asked once per run (glibc keeps the same per-directory status).
  bool directory_exists(const std::string& dir) const {
    auto [it, inserted] = r_.directories_.try_emplace(dir, false);
    if (inserted) {
      struct stat st;
      it->second = ::stat(in_root(p_.root, dir.empty() ? "." : dir).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }
    return it->second;
  }

  // One candidate; true when the search is over (found, or a bad file that ends it).
  bool try_candidate(const std::string& candidate, Search& search) const {
    switch (probe(candidate, search.bad_reason, &search.file)) {
      case Probe::kUsable: search.found = candidate; return true;
      case Probe::kBad: search.bad_path = candidate; return true;
      case Probe::kAbsent:
      case Probe::kSkipped: break;
    }
    return false;
  }

  // glibc elf/dl-load.c open_path over one list of directories: in each, the active
  // glibc-hwcaps subdirectories, the legacy hwcap subdirectories, then the directory itself.
  bool search_dirs(const std::vector<std::string>& dirs, const std::string& name, Search& search) const {
    for (const auto& dir : dirs) {
      if (!directory_exists(dir)) continue;
      for (const auto& level : r_.profile().hwcaps_levels) {
        const std::string sub = join_path(dir.empty() ? "." : dir, "glibc-hwcaps/" + level);
        if (directory_exists(sub) && try_candidate(join_path(dir, "glibc-hwcaps/" + level + "/" + name), search)) return true;
      }
      for (const auto& legacy : r_.profile().legacy_subdirs) {
        const std::string sub = join_path(dir.empty() ? "." : dir, legacy);
        if (directory_exists(sub) && try_candidate(join_path(dir, legacy + "/" + name), search)) return true;
      }
      if (try_candidate(join_path(dir, name), search)) return true;
    }
    return false;
  }

  // glibc elf/dl-load.c _dl_map_object: the search for a name without a slash.
  Search search(const std::string& name, std::size_t loader, FoundBy& rule) const {
    Search s;
    const auto& l = closure_.objects[loader].elf;
    if (!l.runpath) {
      // The RPATH of the loader, its loader, and so on up to the program; an object with a
      // DT_RUNPATH has no DT_RPATH (elf/get-dynamic-info.h drops it).
      for (std::optional<std::size_t> i = loader; i; i = closure_.objects[*i].loader) {
        const auto& o = closure_.objects[*i];
        if (!o.elf.rpath || o.elf.runpath || o.elf.rpath->empty()) continue;
        const auto dirs = split_search_path(*o.elf.rpath, ":", tokens_for(*i, *o.elf.rpath));
        s.searched.push_back("RPATH of " + o.path + ": " + join_list(dirs));
        if (search_dirs(dirs, name, s)) { rule = FoundBy::kRpath; return s; }
      }
    }
    if (!library_path_.empty()) {
      s.searched.push_back("library path: " + join_list(library_path_));
      if (search_dirs(library_path_, name, s)) { rule = FoundBy::kLibraryPath; return s; }
    }
    if (l.runpath && !l.runpath->empty()) {
      const auto dirs = split_search_path(*l.runpath, ":", tokens_for(loader, *l.runpath));
      s.searched.push_back("RUNPATH of " + closure_.objects[loader].path + ": " + join_list(dirs));
      if (search_dirs(dirs, name, s)) { rule = FoundBy::kRunpath; return s; }
    }
    const bool nodeflib = (l.flags_1 & kDf1Nodeflib) != 0;
    if (r_.cache_ && p_.cache_flags) {
      s.searched.push_back("cache " + p_.cache_path);
      auto hit = r_.cache_->has_hwcaps() ? r_.cache_->lookup(name, *p_.cache_flags, r_.profile().hwcaps_levels)
                                          : r_.cache_->lookup(name, *p_.cache_flags);
      // With DF_1_NODEFLIB a cache hit inside a default directory is not used.
      if (hit && nodeflib) {
        for (const auto& d : r_.profile().default_dirs) {
          if (hit->starts_with(d + "/")) hit.reset();
          if (!hit) break;
        }
      }
      if (hit) {
        switch (probe(*hit, s.bad_reason, &s.file)) {
          case Probe::kUsable: s.found = *hit; rule = FoundBy::kCache; return s;
          case Probe::kBad: s.bad_path = *hit; rule = FoundBy::kCache; return s;
          default: break;
        }
      }
    }
    if (!r_.cache_ && !r_.conf_dirs_.empty()) {
      // No cache in the root: the directories ldconfig would have indexed, in its order.
      s.searched.push_back("ld.so.conf (no cache): " + join_list(r_.conf_dirs_));
      if (search_dirs(r_.conf_dirs_, name, s)) { rule = FoundBy::kLdSoConf; return s; }
    }
    if (!nodeflib) {
      const auto& defaults = r_.profile().default_dirs;
      s.searched.push_back("default dirs: " + join_list(defaults));
      if (search_dirs(defaults, name, s)) { rule = FoundBy::kDefaultDirs; return s; }
    }
    return s;
  }

  void map_object(const std::string& needed, std::size_t loader) {
    if (auto i = already_loaded(needed)) return note_name(*i, needed);
    Search s;
    FoundBy rule = FoundBy::kPathName;
    if (needed.find('/') != std::string::npos) {
      // A name with a slash is opened as given, after token expansion; no search.
      const auto path = expand_tokens(needed, tokens_for(loader, needed));
      if (path) {
        switch (probe(*path, s.bad_reason, &s.file)) {
          case Probe::kUsable: s.found = *path; break;
          case Probe::kBad: s.bad_path = *path; break;
          default: break;
        }
      }
    } else {
      s = search(needed, loader, rule);
    }
    if (!s.found) {
      MissingLibrary m{needed, loader, s.bad_path.empty() ? "not found" : s.bad_reason, s.bad_path, s.searched};
      closure_.missing.push_back(std::move(m));
      return;
    }
    // A file already loaded under another name is reused (glibc _dl_map_object_from_fd).
    if (auto i = same_file(s.file)) return note_name(*i, needed);
    LoadedObject object = make_object(*s.found, rule, loader, &s.file);
    object.names.push_back(needed);
    if (!s.searched.empty()) object.found_in = s.searched.back();
    add_object(std::move(object));
  }

  // musl ldso/dynlink.c fixup_rpath: $ORIGIN and ${ORIGIN} only (matched as prefixes, as musl
  // does); any other '$' voids the whole run path. The origin is the directory of the name the
  // object was opened by (of /proc/self/exe for the program).
  std::optional<std::string> musl_run_path(std::size_t index) const {
    const auto& elf = closure_.objects[index].elf;
    const std::optional<std::string>& original = elf.runpath ? elf.runpath : elf.rpath;
    if (!original) return std::nullopt;
    std::string origin;
    if (index == 0) {
      origin = origin_of_main_;
    } else {
      const std::string& name = closure_.objects[index].path;
      const auto slash = name.rfind('/');
      origin = slash == std::string::npos ? "." : name.substr(0, slash);
    }
    std::string out;
    for (std::size_t i = 0; i < original->size(); ++i) {
      if ((*original)[i] != '$') {
        out += (*original)[i];
        continue;
      }
      const std::string_view rest = std::string_view(*original).substr(i);
      if (!rest.starts_with("$ORIGIN") && !rest.starts_with("${ORIGIN}")) return std::nullopt;
      out += origin;
      i += rest.starts_with("${") ? 8 : 6;
    }
    return out;
  }

  // musl ldso/dynlink.c path_open: split on ':' and newlines, empty elements skipped, each
  // candidate dir + "/" + name; the first that opens is taken (no class or machine check); an
  // error other than ENOENT/ENOTDIR/EACCES/ENAMETOOLONG ends the search.
  bool search_musl(const std::string& list, const std::string& name, Search& search) const {
    std::size_t start = 0;
    while (start < list.size()) {
      const std::size_t end = std::min(list.find_first_of(":\n", start), list.size());
      if (end > start && try_musl_candidate(list.substr(start, end - start) + "/" + name, search)) return true;
      start = end + 1;
    }
    return false;
  }

  bool try_musl_candidate(const std::string& candidate, Search& search) const {
    std::string reason;
    switch (probe(candidate, reason, &search.file)) {
      case Probe::kAbsent: return false;
      case Probe::kUsable: search.found = candidate; return true;
      // It opened, so musl maps it; a file it cannot map fails the load.
      case Probe::kSkipped: reason = "not a loadable object of this class and machine"; break;
      case Probe::kBad: break;
    }
    search.bad_reason = reason;
    search.bad_path = candidate;
    return true;
  }

  // musl ldso/dynlink.c load_library.
  void map_object_musl(const std::string& needed, std::size_t loader) {
    // The C library's names, and the linker's own name, are the linker itself.
    static constexpr std::string_view kReserved[] = {"c.", "pthread.", "rt.", "m.", "dl.", "util.", "xnet."};
    bool self = closure_.interpreter && needed == closure_.objects[*closure_.interpreter].path;
    if (needed.starts_with("lib")) {
      for (const auto r : kReserved) self = self || std::string_view(needed).substr(3).starts_with(r);
    }
    if (self && closure_.interpreter) return note_name(*closure_.interpreter, needed);
    Search s;
    FoundBy rule = FoundBy::kPathName;
    if (needed.find('/') != std::string::npos) {
      try_musl_candidate(needed, s);
    } else {
      for (std::size_t i = 1; i < closure_.objects.size(); ++i) {
        if (closure_.objects[i].shortname == needed) return note_name(i, needed);
      }
      if (p_.library_path && !p_.library_path->empty()) {
        s.searched.push_back("library path: " + *p_.library_path);
        if (search_musl(*p_.library_path, needed, s)) rule = FoundBy::kLibraryPath;
      }
      // The run path (DT_RUNPATH, else DT_RPATH) of the loader, its loader, and so on: inherited.
      for (std::optional<std::size_t> i = loader; !s.found && s.bad_path.empty() && i; i = closure_.objects[*i].loader) {
        const auto dirs = musl_run_path(*i);
        if (!dirs) continue;
        const auto& o = closure_.objects[*i];
        s.searched.push_back(std::string(o.elf.runpath ? "RUNPATH" : "RPATH") + " of " + o.path + ": " + *dirs);
        if (search_musl(*dirs, needed, s)) rule = o.elf.runpath ? FoundBy::kRunpath : FoundBy::kRpath;
      }
      if (!s.found && s.bad_path.empty()) {
        std::string system;
        for (const auto& d : p_.default_dirs) system += (system.empty() ? "" : ":") + d;
        s.searched.push_back("system path: " + system);
        if (search_musl(system, needed, s)) rule = FoundBy::kDefaultDirs;
      }
    }
    if (!s.found) {
      closure_.missing.push_back({needed, loader, s.bad_path.empty() ? "not found" : s.bad_reason, s.bad_path, s.searched});
      return;
    }
    const bool searched = needed.find('/') == std::string::npos;
    if (auto i = same_file(s.file)) {
      auto& o = closure_.objects[*i];
      if (o.shortname.empty() && searched) o.shortname = base_name(*s.found);
      return note_name(*i, needed);
    }
    LoadedObject object = make_object(*s.found, rule, loader, &s.file);
    object.names.push_back(needed);
    if (searched) object.shortname = base_name(*s.found);
    if (!s.searched.empty()) object.found_in = s.searched.back();
    add_object(std::move(object));
  }

  void note_name(std::size_t index, const std::string& name) {
    auto& names = closure_.objects[index].names;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    remember_name(name, index);
  }

  Resolver& r_;
  const LoaderProfile& p_;
  Closure closure_;
  std::string origin_of_main_;
  std::vector<std::string> library_path_;
  std::unordered_map<std::string, std::size_t> loaded_names_;
  std::map<std::pair<dev_t, ino_t>, std::size_t> loaded_files_;
};

Resolver::Resolver(LoaderProfile profile) : profile_(std::move(profile)) { load_cache(); }

Resolver::Resolver(const ElfIdent& program, const std::string& interpreter, const ResolveOptions& options)
    : program_(program), interpreter_(interpreter), options_(options) {
  if (!asks_linker(program, interpreter, options) || known_list_diagnostics(in_root(options.sysroot, interpreter))) {
    profile_ = loader_profile_for(program, interpreter, options);  // nothing to run (again)
  } else {
    // The fields every search needs and the table gets right: root, class, cache.
    profile_ = glibc_profile_for(program, options.sysroot);
    profile_.library_path = options.library_path;
    pending_ = true;
    diagnostics_ = std::make_unique<Process>(list_diagnostics_command(in_root(options.sysroot, interpreter)));
  }
  load_cache();
}

const LoaderProfile& Resolver::profile() const {
  if (pending_) {
    const auto values = list_diagnostics_from(diagnostics_->wait());
    remember_list_diagnostics(in_root(options_.sysroot, interpreter_), values);
    profile_ = glibc_profile_from(values, program_, interpreter_, options_);
    diagnostics_.reset();
    pending_ = false;
  }
  return profile_;
}

void Resolver::load_cache() {
  if (!profile_.cache_path.empty()) {
    if (auto cache = LdCache::load(in_root(profile_.root, profile_.cache_path))) {
      cache_ = std::make_unique<LdCache>(std::move(*cache));
    } else {
      conf_dirs_ = read_ld_so_conf(profile_.root);
    }
  }
}

Resolver::~Resolver() {
  if (pending_ && options_.keep_linker_answer) profile();  // waits, and remembers the answer
}

Closure Resolver::resolve(const std::string& program, const std::string& run_by, const std::string& file) {
  ClosureWalk walk(*this);
  return walk.run(program, run_by, file);
}

}  // namespace elfpack
