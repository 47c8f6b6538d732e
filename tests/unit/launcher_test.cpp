#include "elfpack/launcher.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "elfpack/elf_file.h"
#include "elfpack/error.h"

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
ProcessResult run(const std::string& path, std::vector<std::string> argv, std::vector<std::string> env) {
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

// A bundle-like tree: bin/launcher, fake/interp (echo_args standing in for ld.so), fake/exe.
class Launcher : public ::testing::Test {
 protected:
  void SetUp() override {
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
    write_file(path, make_launcher(kEmX86_64, config), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    return path.string();
  }

  fs::path dir_;
  LauncherConfig config_;
};

TEST_F(Launcher, ExecsTheLinkerWithTheBundlePaths) {
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

TEST_F(Launcher, FlagsAreHonoured) {
  config_.pass_argv0 = false;
  config_.inhibit_cache = false;
  const ProcessResult r = run(install(config_), {"name"}, {});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.find("--argv0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("--inhibit-cache"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("argv[3]=" + dir_.string() + "/bin/../fake/exe\n"), std::string::npos) << r.out;
}

TEST_F(Launcher, PreloadsTheShimWhenConfigured) {
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
// environment for the shim, which restores argv[0] and removes both (launchers/shim.c).
TEST_F(Launcher, HandsArgv0ToTheShimInTheEnvironmentForMusl) {
  config_.pass_argv0 = false;
  config_.inhibit_cache = false;
  config_.preload = "shim-musl.so";
  config_.argv0_in_environment = true;
  ProcessResult r = run(install(config_), {"/typed/name", "x"}, {"FIX_DUMP_ENV=1", "A=1"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("--argv0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("argv[6]=x\nenv=ELFPACK_ARGV0=\nenv=/typed/name\nenv=FIX_DUMP_ENV=1\nenv=A=1\nFIX_ENV"),
            std::string::npos)
      << r.out;
  // The glibc launcher never does (it passes --argv0 to glibc's linker instead).
  config_.argv0_in_environment = false;
  r = run(install(config_), {"/typed/name"}, {"FIX_DUMP_ENV=1"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("ELFPACK_ARGV0"), std::string::npos) << r.out;
}

TEST_F(Launcher, PathsAreRelativeToTheRealFileNotTheSymlink) {
  const std::string launcher = install(config_);
  fs::create_directories(dir_ / "elsewhere/deeper");
  fs::create_symlink("../../bin/launcher", dir_ / "elsewhere/deeper/link");
  const ProcessResult r = run((dir_ / "elsewhere/deeper/link").string(), {"link"}, {});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("argv[0]=" + dir_.string() + "/bin/../fake/interp\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("argv[5]=link\n"), std::string::npos) << r.out;
}

TEST_F(Launcher, MissingExecutableIsOneLineAndStatus127) {
  config_.exe = "fake/missing";
  const ProcessResult r = run(install(config_), {"x"}, {});
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "elfpack launcher: " + dir_.string() + "/bin/../fake/missing: No such file or directory\n");
}

TEST_F(Launcher, MissingLinkerIsOneLineAndStatus127) {
  config_.interp = "fake/no-linker";
  const ProcessResult r = run(install(config_), {"x"}, {});
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.err, "elfpack launcher: " + dir_.string() + "/bin/../fake/no-linker: No such file or directory\n");
}

TEST_F(Launcher, UnconfiguredTemplateRefusesToRun) {
  const auto tmpl = launcher_template(kEmX86_64);
  write_file(dir_ / "bin/raw", std::string(reinterpret_cast<const char*>(tmpl.data()), tmpl.size()), fs::perms::owner_all);
  const ProcessResult r = run((dir_ / "bin/raw").string(), {"raw"}, {});
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.err, "elfpack launcher: raw: not configured by elfpack\n");
}

TEST_F(Launcher, IsSmallAndDropsSectionHeaders) {
  LauncherConfig typical;
  typical.base = "../lib/elfpack/0123456789abcdef";
  typical.interp = "ld-linux-x86-64.so.2";
  typical.exe = "exe/program";
  typical.library_dirs = {"lib"};
  typical.preload = "shim.so";
  typical.pass_argv0 = true;
  const std::string bytes = make_launcher(kEmX86_64, typical);
  RecordProperty("configured_launcher_bytes", static_cast<int>(bytes.size()));
  EXPECT_LE(bytes.size(), 2048u);
  const ElfFacts facts = parse_elf({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()}, "launcher");
  EXPECT_TRUE(facts.is_static_executable());
  EXPECT_FALSE(facts.has_dynamic);
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
