#include "elfpack/layout/launcher.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "elfpack/elf/elf_file.h"
#include "elfpack/base/error.h"

namespace elfpack {
namespace {

namespace fs = std::filesystem;
const std::string kFixtures = ELFPACK_FIXTURE_DIR;

struct ProcessResult {
  int status = -1;
  std::string out, err;
};

std::string drain(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return text;
}

// Runs `path` with exactly `argv` and `env`, capturing stdout and stderr.
ProcessResult run_exactly(const std::string& path, std::vector<std::string> argv, std::vector<std::string> env) {
  int out[2], err[2];
  EXPECT_EQ(::pipe(out), 0);
  EXPECT_EQ(::pipe(err), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    std::vector<char*> a, e;
    for (auto& s : argv) a.push_back(s.data());
    for (auto& s : env) e.push_back(s.data());
    a.push_back(nullptr);
    e.push_back(nullptr);
    ::execve(path.c_str(), a.data(), e.data());
    ::_exit(99);
  }
  ::close(out[1]);
  ::close(err[1]);
  ProcessResult r;
  r.err = drain(err[0]);
  r.out = drain(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void write_file(const fs::path& path, const std::string& bytes, fs::perms perms) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
  fs::permissions(path, perms);
}

// qemu-aarch64-static on PATH, or "".
std::string aarch64_emulator() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, end - start) + "/qemu-aarch64-static";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

bool has_launcher(uint16_t machine) {
  const auto machines = launcher_machines();
  return std::find(machines.begin(), machines.end(), machine) != machines.end();
}

// A bundle-like tree: bin/launcher, fake/interp (echo_args standing in for ld.so), fake/exe.
// Each test runs for every architecture elfpack has a launcher for: the aarch64 launcher under
// qemu-user, which hands the launcher's execve of the (x86_64) fake linker to the kernel.
class Launcher : public ::testing::TestWithParam<uint16_t> {
 protected:
  void SetUp() override {
    if (GetParam() == kEmAarch64) {
      if (!has_launcher(kEmAarch64)) GTEST_SKIP() << "this elfpack was built without gcc-aarch64-linux-gnu";
      emulator_ = aarch64_emulator();
      if (emulator_.empty()) GTEST_SKIP() << "qemu-aarch64-static is not installed (apt-get install qemu-user-static)";
    }
    dir_ = fs::temp_directory_path() / ("elfpack-launcher-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "fake");
    fs::copy_file(kFixtures + "/echo_args", dir_ / "fake/interp");
    write_file(dir_ / "fake/exe", "not run by the fake linker", fs::perms::owner_all);
    config_.base = "..";
    config_.interp = "fake/interp";
    config_.exe = "fake/exe";
    config_.library_dirs = {"lib/one", "/absolute/two"};
    config_.pass_argv0 = true;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string install(const LauncherConfig& config) {
    const fs::path path = dir_ / "bin/launcher";
    fs::remove(path);
    write_file(path, make_launcher(GetParam(), config), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    return path.string();
  }

  // Runs the launcher at `path` with `argv` and `env`, through the emulator when it needs one
  // (qemu's -0 sets argv[0]; it passes its environment on unchanged).
  ProcessResult run(const std::string& path, std::vector<std::string> argv, std::vector<std::string> env) {
    if (emulator_.empty()) return run_exactly(path, std::move(argv), std::move(env));
    std::vector<std::string> emulated{emulator_, "-0", argv.empty() ? "" : argv[0], path};
    if (!argv.empty()) emulated.insert(emulated.end(), argv.begin() + 1, argv.end());
    return run_exactly(emulator_, emulated, std::move(env));
  }

  fs::path dir_;
  LauncherConfig config_;
  std::string emulator_;  // qemu-aarch64-static for the aarch64 launcher
};

INSTANTIATE_TEST_SUITE_P(Architectures, Launcher, ::testing::Values(kEmX86_64, kEmAarch64),
                         [](const auto& info) { return machine_name(info.param); });

TEST_P(Launcher, ExecsTheLinkerWithTheBundlePaths) {
  const std::string launcher = install(config_);
  const ProcessResult r = run(launcher, {"/typed/name", "two words", "", "-x"}, {"FIX_ENV=kept", "OTHER=1"});
  const std::string bin = dir_.string() + "/bin";
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "argv[0]=" + bin + "/../fake/interp\n"
                   "argv[1]=--library-path\n"
                   "argv[2]=" + bin + "/../lib/one:/absolute/two\n"
                   "argv[3]=--inhibit-cache\n"
                   "argv[4]=--argv0\n"
                   "argv[5]=/typed/name\n"
                   "argv[6]=" + bin + "/../fake/exe\n"
                   "argv[7]=two words\n"
                   "argv[8]=\n"
                   "argv[9]=-x\n"
                   "FIX_ENV=kept\n"
                   "LD_LIBRARY_PATH=(unset)\n");
  EXPECT_EQ(r.err, "");
}

TEST_P(Launcher, FlagsAreHonoured) {
  config_.pass_argv0 = false;
  config_.inhibit_cache = false;
  const ProcessResult r = run(install(config_), {"name"}, {});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.find("--argv0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("--inhibit-cache"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("argv[3]=" + dir_.string() + "/bin/../fake/exe\n"), std::string::npos) << r.out;
}

TEST_P(Launcher, PreloadsTheShimWhenConfigured) {
  config_.preload = "lib/shim.so";
  const ProcessResult r = run(install(config_), {"name"}, {});
  EXPECT_EQ(r.status, 0) << r.err;
  const std::string bin = dir_.string() + "/bin";
  EXPECT_NE(r.out.find("argv[3]=--inhibit-cache\nargv[4]=--preload\nargv[5]=" + bin + "/../lib/shim.so\nargv[6]=--argv0\n"
                       "argv[7]=name\nargv[8]=" + bin + "/../fake/exe\n"),
            std::string::npos)
      << r.out;
}

// musl's linker has no --argv0: the musl launcher puts a marker and argv[0] first in the
// environment for the shim, which restores argv[0] and removes both (launchers/shim/identity.c).
TEST_P(Launcher, HandsArgv0ToTheShimInTheEnvironmentForMusl) {
  config_.pass_argv0 = false;
  config_.inhibit_cache = false;
  config_.preload = "shim-musl.so";
  config_.argv0_in_environment = true;
  ProcessResult r = run(install(config_), {"/typed/name", "x"}, {"FIX_DUMP_ENV=1", "A=1"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("--argv0"), std::string::npos) << r.out;
  // First in the environment; the rest follows (in the order given, but qemu-user reorders it).
  EXPECT_NE(r.out.find("argv[6]=x\nenv=ELFPACK_ARGV0=\nenv=/typed/name\nenv="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nenv=FIX_DUMP_ENV=1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nenv=A=1\n"), std::string::npos) << r.out;
  if (emulator_.empty()) {
    EXPECT_NE(r.out.find("env=/typed/name\nenv=FIX_DUMP_ENV=1\nenv=A=1\nFIX_ENV"), std::string::npos) << r.out;
  }
  // The glibc launcher never does (it passes --argv0 to glibc's linker instead).
  config_.argv0_in_environment = false;
  r = run(install(config_), {"/typed/name"}, {"FIX_DUMP_ENV=1"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("ELFPACK_ARGV0"), std::string::npos) << r.out;
}

// A script's launcher: the interpreter gets argv[0] as the #! line names it, the #! arguments
// (literal, even an empty one) and the script's path, then the user's arguments; the launcher's
// own argv[0] is dropped, as Linux drops it for a #! script.
TEST_P(Launcher, ScriptLauncherRunsTheInterpreterOnTheScript) {
  config_.script_arguments = {"/usr/bin/perl", "-w", "", "/usr/local/bin/tool"};
  const ProcessResult r = run(install(config_), {"/opt/bin/tool", "a", "b c"}, {"FIX_ENV=kept"});
  const std::string bin = dir_.string() + "/bin";
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "argv[0]=" + bin + "/../fake/interp\n"
                   "argv[1]=--library-path\n"
                   "argv[2]=" + bin + "/../lib/one:/absolute/two\n"
                   "argv[3]=--inhibit-cache\n"
                   "argv[4]=--argv0\n"
                   "argv[5]=/usr/bin/perl\n"
                   "argv[6]=" + bin + "/../fake/exe\n"
                   "argv[7]=-w\n"
                   "argv[8]=\n"
                   "argv[9]=/usr/local/bin/tool\n"
                   "argv[10]=a\n"
                   "argv[11]=b c\n"
                   "FIX_ENV=kept\n"
                   "LD_LIBRARY_PATH=(unset)\n");
  // Only argv[0] (env's NAME) and the script: nothing between the executable and the script.
  config_.script_arguments = {"python3", "/srv/app.py"};
  config_.pass_argv0 = false;
  const ProcessResult plain = run(install(config_), {"app.py"}, {});
  EXPECT_EQ(plain.status, 0) << plain.err;
  EXPECT_NE(plain.out.find("argv[3]=--inhibit-cache\nargv[4]=" + bin + "/../fake/exe\nargv[5]=/srv/app.py\nFIX_ENV"),
            std::string::npos)
      << plain.out;
}

// musl's linker has no --argv0: the script's launcher for musl hands the interpreter's argv[0]
// (not its own) to the shim.
TEST_P(Launcher, ScriptLauncherForMuslHandsTheInterpretersArgv0ToTheShim) {
  config_.pass_argv0 = false;
  config_.inhibit_cache = false;
  config_.preload = "shim-musl.so";
  config_.argv0_in_environment = true;
  config_.script_arguments = {"/bin/sh", "-e", "/usr/bin/front"};
  const ProcessResult r = run(install(config_), {"/opt/bin/front", "x"}, {"FIX_DUMP_ENV=1"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("argv[6]=-e\nargv[7]=/usr/bin/front\nargv[8]=x\nenv=ELFPACK_ARGV0=\nenv=/bin/sh\nenv="),
            std::string::npos)
      << r.out;
}

TEST_P(Launcher, PathsAreRelativeToTheRealFileNotTheSymlink) {
  const std::string launcher = install(config_);
  fs::create_directories(dir_ / "elsewhere/deeper");
  fs::create_symlink("../../bin/launcher", dir_ / "elsewhere/deeper/link");
  const ProcessResult r = run((dir_ / "elsewhere/deeper/link").string(), {"link"}, {});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("argv[0]=" + dir_.string() + "/bin/../fake/interp\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("argv[5]=link\n"), std::string::npos) << r.out;
}

TEST_P(Launcher, MissingExecutableIsOneLineAndStatus127) {
  config_.exe = "fake/missing";
  const ProcessResult r = run(install(config_), {"x"}, {});
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "elfpack launcher: " + dir_.string() + "/bin/../fake/missing: No such file or directory\n");
}

TEST_P(Launcher, MissingLinkerIsOneLineAndStatus127) {
  config_.interp = "fake/no-linker";
  const ProcessResult r = run(install(config_), {"x"}, {});
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.err, "elfpack launcher: " + dir_.string() + "/bin/../fake/no-linker: No such file or directory\n");
}

TEST_P(Launcher, UnconfiguredTemplateRefusesToRun) {
  const auto tmpl = launcher_template(GetParam());
  write_file(dir_ / "bin/raw", std::string(reinterpret_cast<const char*>(tmpl.data()), tmpl.size()), fs::perms::owner_all);
  const ProcessResult r = run((dir_ / "bin/raw").string(), {"raw"}, {});
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.err, "elfpack launcher: raw: not configured by elfpack\n");
}

TEST_P(Launcher, IsSmallAndDropsSectionHeaders) {
  LauncherConfig typical;
  typical.base = "../lib/elfpack/0123456789abcdef";
  typical.interp = GetParam() == kEmAarch64 ? "ld-linux-aarch64.so.1" : "ld-linux-x86-64.so.2";
  typical.exe = "exe/program";
  typical.library_dirs = {"lib"};
  typical.preload = "shim.so";
  typical.pass_argv0 = true;
  const std::string bytes = make_launcher(GetParam(), typical);
  RecordProperty("configured_launcher_bytes", static_cast<int>(bytes.size()));
  // aarch64's instructions are all four bytes: its launcher is about a tenth larger.
  EXPECT_LE(bytes.size(), GetParam() == kEmAarch64 ? 2304u : 2048u);
  const ElfFacts facts = parse_elf({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()}, "launcher");
  EXPECT_TRUE(facts.is_static_executable());
  EXPECT_FALSE(facts.has_dynamic);
  EXPECT_EQ(facts.ident.machine, GetParam());
  // A script's launcher carries its arguments: only scripts pay for them.
  typical.script_arguments = {"python3", "/usr/local/bin/tool"};
  const std::string script = make_launcher(GetParam(), typical);
  RecordProperty("configured_script_launcher_bytes", static_cast<int>(script.size()));
  EXPECT_LE(script.size(), GetParam() == kEmAarch64 ? 2432u : 2176u);
  EXPECT_NE(script.find("EPK3"), std::string::npos);
  EXPECT_EQ(bytes.find("EPK3"), std::string::npos);
}

// The bootstrap as bundled: no section headers, nothing past its code, its buffers in a segment
// with no bytes in the file, and a stack the kernel does not make executable. It still runs.
TEST_P(Launcher, BootstrapIsCutToItsSegmentsAndRuns) {
  const auto tmpl = bootstrap_template(GetParam());
  const std::string bytes = make_bootstrap(GetParam());
  RecordProperty("bootstrap_bytes", static_cast<int>(bytes.size()));
  EXPECT_LT(bytes.size(), tmpl.size());
  auto field = [&bytes](std::size_t at, std::size_t size) {
    uint64_t v = 0;
    std::memcpy(&v, bytes.data() + at, size);
    return v;
  };
  EXPECT_EQ(field(40, 8), 0u);  // e_shoff
  EXPECT_EQ(field(60, 2), 0u);  // e_shnum
  uint64_t file_end = 0;
  bool buffers = false, stack = false;
  for (uint64_t i = 0, phoff = field(32, 8); i < field(56, 2); ++i) {
    const std::size_t ph = phoff + i * field(54, 2);
    const auto type = field(ph, 4), flags = field(ph + 4, 4), filesz = field(ph + 32, 8), memsz = field(ph + 40, 8);
    if (type == 1) file_end = std::max(file_end, field(ph + 8, 8) + filesz);
    if (type == 1 && filesz == 0 && flags == 6 && memsz > 6u << 20) buffers = true;  // PT_LOAD, RW
    if (type == 0x6474e551 && flags == 6) stack = true;                              // PT_GNU_STACK, RW
  }
  EXPECT_EQ(file_end, bytes.size());
  EXPECT_TRUE(buffers);
  EXPECT_TRUE(stack);
  EXPECT_EQ(parse_elf({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()}, "bootstrap").ident.machine,
            GetParam());

  write_file(dir_ / "bootstrap", bytes, fs::perms::owner_all);
  write_file(dir_ / "bootstrap.command", std::string("--\0bin/handler\0", 14), fs::perms::owner_read);
  const ProcessResult r = run((dir_ / "bootstrap").string(), {"bootstrap"}, {"HOME=/"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "elfpack bootstrap: AWS_LAMBDA_RUNTIME_API is not set: run me in AWS Lambda\n");
}

// A compressed bundle's launcher: the tree is checked before anything runs from it (a directory
// of this uid, mode 0700, with the stamp naming it), and a missing tree runs the expander with the
// tree, the launcher's own path and the arguments. For both machines: the aarch64 launcher reads
// struct stat as aarch64 lays it out.
TEST_P(Launcher, CompressedLauncherChecksItsTreeOrRunsTheExpander) {
  const fs::path tree = dir_ / "elfpack-tree";
  fs::create_directories(tree / "fake");
  fs::copy_file(kFixtures + "/echo_args", tree / "fake/interp");
  write_file(tree / "fake/exe", "not run", fs::perms::owner_all);
  fs::copy_file(kFixtures + "/echo_args", dir_ / "expander");
  config_.base = "../.";
  config_.library_dirs = {"lib"};
  config_.pass_argv0 = false;
  const fs::path path = dir_ / "bin/launcher";
  write_file(path, compressed_launcher(make_launcher(GetParam(), config_), tree.string(), "../expander"),
             fs::perms::owner_all);
  const auto run_it = [&] { return run(path.string(), {"/typed/name", "arg"}, {}); };
  fs::permissions(tree, fs::perms::owner_all);
  ProcessResult r = run_it();
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.err, "elfpack launcher: " + tree.string() + ": incomplete (no .elfpack-expanded stamp): not used; remove it\n");
  write_file(tree / ".elfpack-expanded", "elfpack-other", fs::perms::owner_read);
  EXPECT_NE(run_it().err.find(": digest mismatch"), std::string::npos);
  fs::remove(tree / ".elfpack-expanded");
  write_file(tree / ".elfpack-expanded", "elfpack-tree", fs::perms::owner_read);
  r = run_it();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "argv[0]=" + tree.string() + "/./fake/interp\nargv[1]=--library-path\nargv[2]=" + tree.string() +
                       "/./lib\nargv[3]=--inhibit-cache\nargv[4]=" + tree.string() + "/./fake/exe\nargv[5]=arg\n"
                       "FIX_ENV=(unset)\nLD_LIBRARY_PATH=(unset)\n");
  if (::chown(tree.c_str(), ::getuid() + 1, static_cast<gid_t>(-1)) == 0) {  // root can make it another user's
    EXPECT_EQ(run_it().err, "elfpack launcher: " + tree.string() + ": owned by another user: not used\n");
    ASSERT_EQ(::chown(tree.c_str(), ::getuid(), static_cast<gid_t>(-1)), 0);
  }
  fs::permissions(tree, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  EXPECT_EQ(run_it().err, "elfpack launcher: " + tree.string() + ": not of mode 0700: not used\n");
  fs::rename(tree, dir_ / "elsewhere");
  fs::create_symlink("elsewhere", tree);
  EXPECT_EQ(run_it().err, "elfpack launcher: " + tree.string() + ": not a directory (a link or a file in its place): not used\n");
  fs::remove(tree);
  r = run_it();  // no tree: the expander, told where to expand and what to run again
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "argv[0]=" + dir_.string() + "/bin/../expander\nargv[1]=" + tree.string() + "\nargv[2]=" + path.string() +
                       "\nargv[3]=/typed/name\nargv[4]=arg\nFIX_ENV=(unset)\nLD_LIBRARY_PATH=(unset)\n");
}

TEST(CompressedLauncher, RefusesWhatIsNotABundlesLauncher) {
  LauncherConfig config;
  config.base = "../lib/elfpack/id";
  config.interp = "ld.so";
  config.exe = "exe/prog";
  const std::string launcher = make_launcher(kEmX86_64, config);
  EXPECT_NO_THROW(compressed_launcher(launcher, "/tmp/elfpack-x-x86_64", "../lib/elfpack/id2/expand-x86_64"));
  EXPECT_THROW(compressed_launcher(launcher, "relative", "../expand"), Error);
  EXPECT_THROW(compressed_launcher(compressed_launcher(launcher, "/tmp/t", "../e"), "/tmp/t", "../e"), Error);
  EXPECT_THROW(compressed_launcher(std::string(launcher.size(), 'x'), "/tmp/t", "../e"), Error);
  config.base = "lib/elfpack/id";  // not beside bin/
  EXPECT_THROW(compressed_launcher(make_launcher(kEmX86_64, config), "/tmp/t", "../e"), Error);
}

uint16_t machine_of(std::span<const unsigned char> bytes) { return parse_elf(bytes, "embedded").ident.machine; }

TEST(LauncherSelection, EachMachineGetsItsOwnArchitecturesParts) {
  for (const uint16_t machine : {kEmX86_64, kEmAarch64}) {
    if (!has_launcher(machine)) continue;  // aarch64, in a build without the cross compiler
    SCOPED_TRACE(machine_name(machine));
    EXPECT_EQ(machine_of(launcher_template(machine)), machine);
    EXPECT_EQ(machine_of(launcher_template(machine, true)), machine);
    EXPECT_EQ(machine_of(launcher_template(machine, false, true)), machine);
    EXPECT_EQ(machine_of(launcher_template(machine, true, true)), machine);
    EXPECT_EQ(machine_of(bootstrap_template(machine)), machine);
    ASSERT_TRUE(shim_template(machine).has_value());
    EXPECT_EQ(machine_of(*shim_template(machine)), machine);
    EXPECT_EQ(parse_elf(*shim_template(machine), "shim").ident.type, kEtDyn);
  }
  EXPECT_EQ(launcher_machines().front(), kEmX86_64);
  // No musl for aarch64 here: its musl programs get a launcher and no shim.
  EXPECT_FALSE(shim_template(kEmAarch64, true).has_value());
}

TEST(LauncherSelection, AnArchitectureWithoutOneIsNamed) {
  auto message = [](auto&& call) {
    try {
      call();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(message([] { launcher_template(243); }).find("no launcher for RISC-V (e_machine 243): this elfpack has them for x86_64"),
            std::string::npos);
  EXPECT_NE(message([] { bootstrap_template(21); }).find("no Lambda bootstrap for PowerPC64 (e_machine 21)"), std::string::npos);
  EXPECT_NE(message([] { launcher_template(9999); }).find("no launcher for ELF machine 9999 (e_machine 9999)"), std::string::npos);
  EXPECT_FALSE(shim_template(243).has_value());
  if (!has_launcher(kEmAarch64)) {
    EXPECT_EQ(message([] { launcher_template(kEmAarch64); }),
              "no launcher for aarch64 in this build (built without gcc-aarch64-linux-gnu)");
  }
}

TEST(LauncherConfigErrors, RejectsEmptyAndNulPaths) {
  LauncherConfig empty;
  empty.exe = "x";
  EXPECT_THROW(make_launcher(kEmX86_64, empty), Error);
  LauncherConfig nul;
  nul.interp = std::string("a\0b", 3);
  nul.exe = "x";
  EXPECT_THROW(make_launcher(kEmX86_64, nul), Error);
  EXPECT_THROW(launcher_template(243), Error);  // RISC-V: no launcher
}

}  // namespace
}  // namespace elfpack
