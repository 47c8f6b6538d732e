#include "elfpack/verify.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "elfpack/elf_file.h"
#include "elfpack/error.h"
#include "elfpack/libarchive_api.h"
#include "elfpack/mapped_file.h"
#include "elfpack/paths.h"
#include "elfpack/process.h"
#include "elfpack/resolver.h"

namespace elfpack {

namespace {

namespace fs = std::filesystem;

// A scratch directory removed on every way out.
class ScratchRoot {
 public:
  ScratchRoot() {
    std::string pattern = (fs::temp_directory_path() / "elfpack-verify-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw Error("cannot make a directory to verify in: " + std::string(std::strerror(errno)));
    path_ = pattern;
  }
  ~ScratchRoot() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// An entry name that stays inside the directory it is unpacked into.
bool stays_inside(const std::string& name) {
  if (name.empty() || name.starts_with('/')) return false;
  for (std::size_t start = 0; start <= name.size();) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    if (name.compare(start, end - start, "..") == 0 && end - start == 2) return false;
    start = end + 1;
  }
  return true;
}

// A link target, relative to the link's directory, that stays inside the root.
bool link_stays_inside(const std::string& link_path, const std::string& target) {
  if (target.starts_with('/')) return false;
  int depth = 0;
  for (char c : link_path) depth += c == '/';
  for (std::size_t start = 0; start <= target.size();) {
    const std::size_t end = std::min(target.find('/', start), target.size());
    const std::string_view part(target.data() + start, end - start);
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    start = end + 1;
  }
  return true;
}

void unpack_archive(const std::string& archive, const fs::path& into) {
  const LibArchive& la = libarchive();
  struct archive* a = la.archive_read_new();
  la.archive_read_support_format_all(a);
  la.archive_read_support_filter_all(a);
  struct Closer {
    const LibArchive& la;
    struct archive* a;
    ~Closer() { la.archive_read_free(a); }
  } closer{la, a};
  if (la.archive_read_open_filename(a, archive.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw Error(archive + ": cannot read: " + la.archive_error_string(a));
  }
  archive_entry* entry = nullptr;
  while (la.archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    const std::string name = la.archive_entry_pathname(entry);
    if (!stays_inside(name)) throw Error(archive + ": entry '" + name + "' would land outside the bundle; refused");
    const fs::path target = into / name;
    const auto type = la.archive_entry_filetype(entry);
    if (type == AE_IFDIR) {
      fs::create_directories(target);
      continue;
    }
    fs::create_directories(target.parent_path());
    if (type == AE_IFLNK) {
      const std::string link = la.archive_entry_symlink(entry);
      if (!link_stays_inside(name, link)) throw Error(archive + ": link '" + name + "' -> '" + link + "' leaves the bundle; refused");
      fs::create_symlink(link, target);
      continue;
    }
    if (type != AE_IFREG) throw Error(archive + ": entry '" + name + "' is not a file, directory or link; refused");
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, la.archive_entry_perm(entry) & 0777);
    if (fd < 0) throw Error(target.string() + ": cannot create: " + std::strerror(errno));
    const void* block;
    size_t size;
    la_int64_t offset;
    while (la.archive_read_data_block(a, &block, &size, &offset) == ARCHIVE_OK) {
      if (::pwrite(fd, block, size, offset) != static_cast<ssize_t>(size)) {
        ::close(fd);
        throw Error(target.string() + ": cannot write: " + std::strerror(errno));
      }
    }
    ::close(fd);
  }
}

}  // namespace

VerifyReport verify_bundle(const std::string& bundle, const std::vector<std::string>& command) {
  ScratchRoot scratch;
  const fs::path root = scratch.path() / "root";
  const fs::path opt = root / "opt";
  fs::create_directories(opt);
  fs::create_directories(root / "proc");
  std::error_code ec;
  if (fs::is_directory(bundle, ec)) {
    fs::copy(bundle, opt, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) throw Error(bundle + ": cannot copy: " + ec.message());
  } else {
    unpack_archive(bundle, opt);
  }
  if (!fs::is_directory(opt / "lib/elfpack", ec) || !fs::is_directory(opt / "bin", ec)) {
    throw Error(bundle + ": not an elfpack bundle (no bin/ and lib/elfpack/)");
  }

  VerifyReport report;
  bool ok = true;
  // Static: each program's closure through the bundle's lib/ only, as the launcher runs it.
  std::vector<std::string> programs;
  for (const auto& e : fs::directory_iterator(opt / "bin")) programs.push_back(e.path().filename().string());
  std::sort(programs.begin(), programs.end());
  for (const auto& priv : fs::directory_iterator(opt / "lib/elfpack")) {
    if (!fs::is_directory(priv.path() / "exe", ec)) continue;
    const std::string inside = "/opt/lib/elfpack/" + priv.path().filename().string();
    for (const auto& exe : fs::directory_iterator(priv.path() / "exe")) {
      const std::string name = exe.path().filename().string();
      const ElfFacts elf = read_elf(exe.path().string());
      if (!elf.interp) continue;
      LoaderProfile profile;
      profile.root = root.string();
      profile.want = elf.ident;
      profile.family = base_name(*elf.interp).starts_with("ld-musl-") ? LoaderFamily::kMusl : LoaderFamily::kGlibc;
      profile.library_path = inside + "/lib";
      Resolver resolver(profile);
      const Closure c = resolver.resolve(inside + "/exe/" + name, inside + "/" + base_name(*elf.interp));
      // Every symbol version an object needs, from the object the linker will bind it to.
      std::vector<std::string> version_problems;
      for (const auto& o : c.objects) {
        const MappedFile file(o.file);
        for (const auto& [needed_file, version] : read_symbol_versions(file.bytes(), o.file).needed) {
          const LoadedObject* provider = nullptr;
          for (const auto& p : c.objects) {
            if (std::find(p.names.begin(), p.names.end(), needed_file) != p.names.end() || p.elf.soname == needed_file) {
              provider = &p;
              break;
            }
          }
          if (provider == nullptr) continue;  // reported as missing
          const MappedFile provided(provider->file);
          const auto defined = read_symbol_versions(provided.bytes(), provider->file).defined;
          if (std::find(defined.begin(), defined.end(), version) == defined.end()) {
            version_problems.push_back(base_name(o.path) + " needs version " + version + " of " + needed_file +
                                       ", which the bundled " + needed_file + " does not define");
          }
        }
      }
      if (c.missing.empty() && version_problems.empty()) {
        report.text += "ok    " + name + ": " + std::to_string(c.objects.size() - 1) +
                       " objects, all in the bundle, every symbol version provided\n";
      } else {
        for (const auto& problem : version_problems) report.text += "FAIL  " + name + ": " + problem + "\n";
        ok = false;
        for (const auto& m : c.missing) {
          report.text += "FAIL  " + name + ": " + m.name + " (needed by " + base_name(c.objects[m.needed_by].path) +
                         ") is not in the bundle\n";
        }
      }
    }
  }
  // By running: each program (or the command), in the empty root, when this user may chroot.
  for (const auto& name : programs) {
    const fs::path launcher = opt / "bin" / name;
    if (::access(launcher.c_str(), X_OK) != 0) {
      ok = false;
      report.text += "FAIL  " + name + ": bin/" + name + " is not executable\n";
    }
  }
  if (::geteuid() != 0) {
    report.text += "skip  running: needs root (unshare and chroot into the empty root)\n";
  } else {
    std::vector<std::vector<std::string>> runs;
    if (!command.empty()) {
      runs.push_back(command);
    } else {
      for (const auto& name : programs) runs.push_back({"/opt/bin/" + name, "--version"});
    }
    const auto unshare = find_system_tool("unshare");
    const auto chroot = find_system_tool("chroot");
    for (const auto& run : runs) {
      std::vector<std::string> argv{unshare.value_or("/usr/bin/unshare"), "--mount", "--pid", "--fork",
                                    "--mount-proc=" + (root / "proc").string(), chroot.value_or("/usr/sbin/chroot"),
                                    root.string()};
      argv.insert(argv.end(), run.begin(), run.end());
      const ProcessOutput out = run_process(argv, {"PATH=/opt/bin:/usr/local/bin:/usr/bin:/bin", "LANG=en_US.UTF-8",
                                                   "TZ=:UTC", "LD_LIBRARY_PATH=/opt/lib:/opt/lib64"},
                                            /*with_stderr=*/true);
      // Started if the launcher and the linker got it going: 127 is theirs, as are these lines.
      const bool failed = out.exit_status == 127 || out.exit_status < 0 ||
                          out.out.find("error while loading shared libraries") != std::string::npos ||
                          out.out.find("elfpack launcher:") != std::string::npos;
      std::string joined;
      for (const auto& a : run) joined += (joined.empty() ? "" : " ") + a;
      report.text += std::string(failed ? "FAIL  " : "ok    ") + "ran " + joined + " (exit " +
                     std::to_string(out.exit_status) + ")\n";
      if (failed) {
        ok = false;
        report.text += out.out;
      }
    }
  }
  report.passed = ok;
  report.text += ok ? "verify: passed\n" : "verify: FAILED\n";
  return report;
}

}  // namespace elfpack
