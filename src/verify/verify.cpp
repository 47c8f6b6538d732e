#include "elfpack/verify/verify.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "elfpack/elf/elf_file.h"
#include "elfpack/base/error.h"
#include "elfpack/base/interrupt.h"
#include "elfpack/write/libarchive_api.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/base/paths.h"
#include "elfpack/resolve/resolver.h"
#include "verify/bundle_paths.h"
#include "verify/payload_tree.h"

namespace elfpack {

namespace {

namespace fs = std::filesystem;

// A scratch directory removed on every way out.
class ScratchRoot {
 public:
  ScratchRoot() {
    std::string pattern = (fs::temp_directory_path() / "elfpack-verify-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw Error(fs::temp_directory_path().string() + ": cannot make a directory to verify in: " + std::strerror(errno));
    }
    path_ = pattern;
    guard_.reset(path_);  // removed by an interruption's clean-up too
  }
  ~ScratchRoot() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  TemporaryGuard guard_;
};

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
    if (const char* first = la.archive_entry_hardlink(entry); first != nullptr) {
      // An identical file stored once: a hard link to an entry unpacked before it.
      if (!stays_inside(first)) throw Error(archive + ": hard link '" + name + "' -> '" + first + "' leaves the bundle; refused");
      std::error_code error;
      fs::create_hard_link(into / first, target, error);
      if (error) throw Error(target.string() + ": cannot link to " + first + ": " + error.message());
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

// Lambda's environment (see README: "What verify emulates").
const std::vector<std::string> kLambdaEnvironment = {
    "PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
    "LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
    "LANG=en_US.UTF-8",
    "TZ=:/etc/localtime",
    "LAMBDA_TASK_ROOT=/var/task",
    "LAMBDA_RUNTIME_DIR=/var/runtime",
};
constexpr uid_t kLambdaUid = 993;  // Lambda's sbx_user1051
constexpr gid_t kLambdaGid = 990;
constexpr int kRunSeconds = 20;
constexpr int kSetupFailed = 125;
constexpr const char* kSetupMarker = "elfpack verify: cannot ";

struct IsolatedRun {
  enum class Outcome { kExited, kSignalled, kStillRunning, kNoNamespaces, kSetupFailed } outcome = Outcome::kExited;
  int status = 0;   // exit status, or signal number
  std::string out;  // standard output and standard error
};

// The device nodes Lambda's /dev has that programs open by name.
constexpr const char* kLambdaDevices[] = {"null", "zero", "full", "random", "urandom"};

// In the child: says what failed on the output pipe and ends.
[[noreturn]] void setup_failed(const char* what) {
  const std::string line = std::string(kSetupMarker) + what + ": " + std::strerror(errno) + "\n";
  [[maybe_unused]] auto n = ::write(STDOUT_FILENO, line.data(), line.size());
  ::_exit(kSetupFailed);
}

void write_file(const char* path, const std::string& text) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) setup_failed(path);
  ::close(fd);
}

// Runs `command` in `root` as Lambda runs code: in its own mount and PID namespaces (and a user
// namespace when not root), the root read-only but for a fresh /tmp, /proc mounted, working
// directory /var/task, Lambda's environment, an unprivileged uid, standard input empty.
IsolatedRun run_isolated(const fs::path& root, const std::vector<std::string>& command) {
  struct statvfs vfs {};
  if (::statvfs(root.c_str(), &vfs) != 0) throw Error(root.string() + ": " + std::strerror(errno));
  // Flags a remount inside a user namespace must keep (the kernel locks them).
  const unsigned long kept = vfs.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME | ST_RELATIME);
  const std::string tmp = (root / "tmp").string(), proc = (root / "proc").string();
  const bool as_root = ::geteuid() == 0;
  const std::string uid_map = std::to_string(kLambdaUid) + " " + std::to_string(::geteuid()) + " 1\n";
  const std::string gid_map = std::to_string(kLambdaGid) + " " + std::to_string(::getegid()) + " 1\n";
  // The program: a path, or a name looked up in Lambda's PATH inside the root.
  std::string program = command[0];
  if (program.find('/') == std::string::npos) {
    for (const char* dir : {"/var/lang/bin", "/usr/local/bin", "/usr/bin", "/bin", "/opt/bin"}) {
      if (::access((root.string() + dir + "/" + program).c_str(), F_OK) == 0) {
        program = std::string(dir) + "/" + program;
        break;
      }
    }
  }
  std::vector<char*> argv, envp;
  for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : kLambdaEnvironment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw Error(std::string("cannot make a pipe: ") + std::strerror(errno));
  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t outer = ::fork();
  if (outer < 0) throw Error(std::string("cannot fork: ") + std::strerror(errno));
  if (outer == 0) {
    ::pthread_sigmask(SIG_SETMASK, &child_signal_mask(), nullptr);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    ::dup2(null, STDIN_FILENO);
    if (::unshare(CLONE_NEWNS | CLONE_NEWPID | (as_root ? 0 : CLONE_NEWUSER)) != 0) {
      if (as_root) setup_failed("make namespaces");
      ::_exit(kSetupFailed + 1);  // no user namespaces for this user here
    }
    if (!as_root) {
      write_file("/proc/self/setgroups", "deny");
      write_file("/proc/self/uid_map", uid_map);
      write_file("/proc/self/gid_map", gid_map);
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) setup_failed("make mounts private");
    const pid_t init = ::fork();  // process 1 of the new PID namespace
    if (init < 0) setup_failed("fork");
    if (init == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::mount(root.c_str(), root.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) setup_failed("bind the root");
      if (::mount("tmpfs", tmp.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=512m") != 0) setup_failed("mount /tmp");
      if (::mount("proc", proc.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) setup_failed("mount /proc");
      for (const char* node : kLambdaDevices) {
        const std::string host = std::string("/dev/") + node, inside = root.string() + host;
        if (::mount(host.c_str(), inside.c_str(), nullptr, MS_BIND, nullptr) != 0) setup_failed(host.c_str());
      }
      if (::mount(nullptr, root.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | kept, nullptr) != 0) {
        setup_failed("make the root read-only");
      }
      if (::chroot(root.c_str()) != 0) setup_failed("chroot");
      if (::chdir("/var/task") != 0) setup_failed("enter /var/task");
      if (as_root && (::setgroups(0, nullptr) != 0 || ::setgid(kLambdaGid) != 0 || ::setuid(kLambdaUid) != 0)) {
        setup_failed("become an unprivileged user");
      }
      ::execve(program.c_str(), argv.data(), envp.data());
      const std::string line = program + ": cannot run: " + std::strerror(errno) + "\n";
      [[maybe_unused]] auto n = ::write(STDOUT_FILENO, line.data(), line.size());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(STDOUT_FILENO);
    ::close(STDERR_FILENO);
    int status = 0;
    while (::waitpid(init, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) {  // die of the same signal (without a core) so the parent sees it
      const rlimit no_core{0, 0};
      ::setrlimit(RLIMIT_CORE, &no_core);
      ::signal(WTERMSIG(status), SIG_DFL);
      ::kill(::getpid(), WTERMSIG(status));
    }
    ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : kSetupFailed);
  }
  ::close(out[1]);
  if (null >= 0) ::close(null);
  IsolatedRun run;
  bool stopped = false;
  const auto deadline = ::time(nullptr) + kRunSeconds;
  for (;;) {
    pollfd p{out[0], POLLIN, 0};
    const int left = static_cast<int>(deadline - ::time(nullptr));
    const int ready = left > 0 ? ::poll(&p, 1, left * 1000) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {  // still running: it started; stop it (and, with it, its namespace)
      ::kill(outer, SIGKILL);
      stopped = true;
      break;
    }
    char buffer[8192];
    const ssize_t got = ::read(out[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (run.out.size() < (1 << 20)) run.out.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(out[0]);
  int status = 0;
  while (::waitpid(outer, &status, 0) < 0 && errno == EINTR) {
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (stopped) {
    run.outcome = IsolatedRun::Outcome::kStillRunning;
  } else if (WIFSIGNALED(status)) {
    run.outcome = IsolatedRun::Outcome::kSignalled;
    run.status = WTERMSIG(status);
  } else if (code == kSetupFailed + 1) {
    run.outcome = IsolatedRun::Outcome::kNoNamespaces;
  } else if (code == kSetupFailed && run.out.starts_with(kSetupMarker)) {
    run.outcome = IsolatedRun::Outcome::kSetupFailed;
  } else {
    run.status = code;
  }
  return run;
}

// Places outside the bundle that `c`'s objects would be searched in: absolute run-path entries
// (elfpack voids them in its copies), the default directories and /etc/ld.so.preload of a glibc
// linker not closed, and the directories of musl's path file (or its built-in ones without one).
std::vector<std::string> searched_outside(const Closure& c, const fs::path& root) {
  std::vector<std::string> found;
  for (const auto& o : c.objects) {
    for (const auto& [kind, value] : {std::pair{"RPATH", o.elf.rpath}, std::pair{"RUNPATH", o.elf.runpath}}) {
      if (!value) continue;
      for (std::size_t start = 0; start <= value->size();) {
        const std::size_t end = std::min(value->find(':', start), value->size());
        const std::string dir = value->substr(start, end - start);
        if (dir.starts_with('/') && dir.find('\x01') == std::string::npos) {
          found.push_back(base_name(o.path) + " searches " + dir + " (its " + kind + ")");
        }
        start = end + 1;
      }
    }
  }
  if (!c.interpreter) return found;
  const LoadedObject& linker = c.objects[*c.interpreter];
  if (c.family == LoaderFamily::kGlibc) {
    const MappedFile file(linker.file);
    const std::string_view bytes(reinterpret_cast<const char*>(file.bytes().data()), file.bytes().size());
    for (const char* dir : {"/lib/", "/usr/lib/", "/lib64/", "/usr/lib64/", "/lib32/", "/usr/lib32/"}) {
      if (bytes.find('\0' + std::string(dir) + '\0') != std::string_view::npos) {
        found.push_back("the bundled linker searches its default directories (" + std::string(dir) + "...)");
        break;
      }
    }
    if (bytes.find(std::string_view("/etc/ld.so.preload\0", 19)) != std::string_view::npos) {
      found.push_back("the bundled linker reads /etc/ld.so.preload");
    }
  } else {
    // <linker's directory>/../etc/ld-musl-<arch>.path, as musl computes it.
    const std::string name = base_name(linker.path);
    const std::string arch = name.substr(8, name.find(".so") - 8);
    const std::string dir = linker.path.substr(0, linker.path.rfind('/'));
    const fs::path path_file = root.string() + dir.substr(0, dir.rfind('/')) + "/etc/ld-musl-" + arch + ".path";
    std::error_code ec;
    if (!fs::exists(path_file, ec)) {
      found.push_back("the bundled musl linker has no etc/ld-musl-" + arch + ".path: it searches /lib, /usr/local/lib, /usr/lib");
    } else {
      const MappedFile file(path_file.string());
      std::string text(reinterpret_cast<const char*>(file.bytes().data()), file.bytes().size());
      for (char& ch : text) ch = ch == '\n' ? ':' : ch;
      for (std::size_t start = 0; start <= text.size();) {
        const std::size_t end = std::min(text.find(':', start), text.size());
        const std::string entry = text.substr(start, end - start);
        if (entry.starts_with('/') && !entry.starts_with("/opt/lib/elfpack/")) {
          found.push_back("the bundled musl linker searches " + entry + " (its path file)");
        }
        start = end + 1;
      }
    }
  }
  return found;
}

// The bundle's private directories (lib/elfpack/<id>/ under /opt), by their paths on this
// machine and in the root: a compressed bundle's are in its payload, expanded here into the
// root's /tmp where its launchers expand it (the runs mount a fresh /tmp over it).
std::vector<std::pair<fs::path, std::string>> private_dirs(const fs::path& root, const std::string& bundle) {
  std::vector<std::pair<fs::path, std::string>> dirs;
  const auto add_all = [&dirs](const fs::path& host, const std::string& inside) {
    std::vector<std::string> names;
    for (const auto& priv : fs::directory_iterator(host)) names.push_back(priv.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& name : names) dirs.emplace_back(host / name, inside + "/" + name);
  };
  add_all(root / "opt/lib/elfpack", "/opt/lib/elfpack");
  for (std::size_t i = 0, n = dirs.size(); i < n; ++i) {
    const fs::path payload = dirs[i].first / "payload";
    std::error_code ec;
    if (!fs::is_regular_file(payload, ec)) continue;
    std::string arch;  // the tree's name ends with the expander's machine, as payload_tree() makes it
    for (const auto& e : fs::directory_iterator(dirs[i].first)) {
      const std::string name = e.path().filename().string();
      if (name.starts_with("expand-") && (arch.empty() || name.substr(7) < arch)) arch = name.substr(7);
    }
    const fs::path scratch = root / "tmp" / ("payload-" + std::to_string(i));
    const std::string shown = bundle + ": " + dirs[i].second.substr(std::strlen("/opt/")) + "/payload";
    const std::uint64_t digest = expand_payload(payload.string(), shown, scratch);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(digest));
    const std::string tree = std::string("/tmp/elfpack-") + hex + (arch.empty() ? "" : "-" + arch);
    fs::rename(scratch, root.string() + tree);
    if (fs::is_directory(root.string() + tree + "/lib/elfpack", ec)) add_all(root.string() + tree + "/lib/elfpack", tree + "/lib/elfpack");
  }
  return dirs;
}

}  // namespace

VerifyReport verify_bundle(const std::string& bundle, const std::vector<std::string>& command, bool allow_host_libs) {
  ScratchRoot scratch;
  const fs::path root = scratch.path() / "root";
  const fs::path opt = root / "opt";
  fs::create_directories(opt);
  ::umask(022);  // the unprivileged user the programs run as must read the bundle
  for (const char* dir : {"proc", "tmp", "dev", "var/task", "var/runtime", "var/lang/bin"}) fs::create_directories(root / dir);
  // Lambda's /dev: the character devices programs open by name (git and ssh need /dev/null),
  // each an empty file here that the run binds the host's node over; the fd links point at /proc.
  for (const char* node : kLambdaDevices) {
    const int fd = ::open((root / "dev" / node).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error((root / "dev" / node).string() + ": " + std::strerror(errno));
    ::close(fd);
  }
  for (const auto& [name, target] : {std::pair<const char*, const char*>{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
                                     {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}}) {
    fs::create_symlink(target, root / "dev" / name);
  }
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
  for (const auto& [priv, inside] : private_dirs(root, bundle)) {
    if (!fs::is_directory(priv / "exe", ec)) continue;
    for (const auto& exe : fs::directory_iterator(priv / "exe")) {
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
      bool searches_outside = false;
      for (const auto& place : searched_outside(c, root)) {
        report.text += std::string(allow_host_libs ? "note  " : "FAIL  ") + name + ": " + place +
                       ", outside the bundle" + (allow_host_libs ? " (allowed)" : "") + "\n";
        searches_outside = !allow_host_libs;
      }
      ok = ok && !searches_outside;
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
  std::vector<std::vector<std::string>> runs;
  if (!command.empty()) {
    runs.push_back(command);
  } else {
    for (const auto& name : programs) runs.push_back({"/opt/bin/" + name, "--version"});
  }
  for (const auto& run : runs) {
    std::string joined;
    for (const auto& a : run) joined += (joined.empty() ? "" : " ") + a;
    const IsolatedRun result = run_isolated(root, run);
    using Outcome = IsolatedRun::Outcome;
    if (result.outcome == Outcome::kNoNamespaces) {
      report.text += "skip  running: this kernel lets only root make namespaces (run verify as root)\n";
      break;
    }
    if (result.outcome == Outcome::kSetupFailed) throw Error("verify: " + result.out.substr(0, result.out.find('\n')));
    // Started if the launcher and the linker got it going: 127 is theirs, as are these lines.
    const bool failed = (result.outcome == Outcome::kExited && result.status == 127) ||
                        result.out.find("error while loading shared libraries") != std::string::npos ||
                        result.out.find("elfpack launcher:") != std::string::npos ||
                        (result.outcome == Outcome::kSignalled && result.status != SIGPIPE);
    const std::string how = result.outcome == Outcome::kStillRunning ? "still running after " + std::to_string(kRunSeconds) + " s; stopped"
                            : result.outcome == Outcome::kSignalled  ? std::string("killed by ") + ::strsignal(result.status)
                                                                     : "exit " + std::to_string(result.status);
    report.text += std::string(failed ? "FAIL  " : "ok    ") + "ran " + joined + " (" + how + ")\n";
    ok = ok && !failed;
    std::string output = result.out;
    if (!output.empty() && !output.ends_with('\n')) output += '\n';
    for (std::size_t at = 0; at < output.size();) {
      const std::size_t eol = output.find('\n', at);
      report.text += "      | " + output.substr(at, eol - at) + "\n";
      at = eol + 1;
    }
  }
  report.passed = ok;
  report.text += ok ? "verify: passed\n" : "verify: FAILED\n";
  return report;
}

}  // namespace elfpack
