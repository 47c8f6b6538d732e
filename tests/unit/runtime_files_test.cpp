#include "elfpack/runtime/runtime_files.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "elfpack/base/error.h"

namespace elfpack {
namespace {

// No package detection; these --add specifications.
CollectOptions adding(std::vector<std::string> add) {
  CollectOptions options;
  options.detect = false;
  options.add = std::move(add);
  return options;
}

TEST(RuntimeFiles, DocumentationIsLeftOut) {
  EXPECT_TRUE(is_documentation("/usr/share/doc/rig/copyright"));
  EXPECT_TRUE(is_documentation("/usr/share/man/man6/rig.6.gz"));
  EXPECT_TRUE(is_documentation("/usr/share/locale/de/LC_MESSAGES/x.mo"));
  EXPECT_FALSE(is_documentation("/usr/share/rig/fnames.idx"));
  EXPECT_FALSE(is_documentation("/etc/rig.conf"));
}

TEST(RuntimeFiles, RigsPackageDataFromDpkg) {
  if (::access("/var/lib/dpkg/info/rig.list", R_OK) != 0 || ::access("/usr/bin/rig", X_OK) != 0) {
    GTEST_SKIP() << "needs rig installed by dpkg (./dev.sh installs it)";
  }
  const auto programs = load_programs({"/usr/bin/rig"});
  const RuntimeFiles r = collect_runtime_files(programs, {});
  std::vector<std::string> paths;
  for (const auto& f : r.files) paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/usr/share/rig/fnames.idx", "/usr/share/rig/lnames.idx",
                                             "/usr/share/rig/locdata.idx", "/usr/share/rig/mnames.idx",
                                             "/usr/share/rig/street.idx"}));
  // The directory holds nothing else, so the shim serves it whole (listings included).
  EXPECT_EQ(r.prefixes, std::vector<std::string>{"/usr/share/rig"});
  EXPECT_EQ(r.files[0].why, "package rig");
  // --include-docs: the documentation too.
  CollectOptions docs;
  docs.include_docs = true;
  const RuntimeFiles with_docs = collect_runtime_files(programs, docs);
  EXPECT_TRUE(std::any_of(with_docs.files.begin(), with_docs.files.end(),
                          [](const RuntimeFile& f) { return f.path.starts_with("/usr/share/doc/rig/"); }));
  EXPECT_GT(with_docs.files.size(), r.files.size());
  // --no-detect: nothing.
  EXPECT_TRUE(collect_runtime_files(programs, adding({})).files.empty());
}

TEST(RuntimeFiles, AddTakesFilesDirectoriesProgramsAndLibraries) {
  const auto programs = load_programs({"/bin/true"});
  const RuntimeFiles r = collect_runtime_files(programs, adding({"/etc/hostname=/opt/conf/name", "/etc/ld.so.conf.d"}));
  ASSERT_FALSE(r.files.empty());
  EXPECT_EQ(r.files[0].path, "/etc/ld.so.conf.d/" + r.files[0].file.substr(r.files[0].file.rfind('/') + 1));
  EXPECT_EQ(r.prefixes, (std::vector<std::string>{"/etc/ld.so.conf.d", "/opt/conf/name"}));
  // An ELF program is a helper (closure and launcher), a library a run-time library.
  const RuntimeFiles elf = collect_runtime_files(programs, adding({"/bin/true", "/lib/x86_64-linux-gnu/libz.so.1"}));
  ASSERT_EQ(elf.helpers.size(), 1u);
  EXPECT_EQ(elf.helpers[0].path, "/bin/true");
  ASSERT_EQ(elf.libraries.size(), 1u);
  EXPECT_EQ(elf.libraries[0].path, "/lib/x86_64-linux-gnu/libz.so.1");
  EXPECT_TRUE(elf.files.empty());
  EXPECT_THROW(collect_runtime_files(programs, adding({"/nonexistent"})), Error);
  EXPECT_THROW(collect_runtime_files(programs, adding({"/etc/hostname=relative"})), Error);
}

// What a trace saw, by one name each: a shell's PATH search with Lambda's "/usr/bin/" runs
// "/usr/bin//true" (looked at first, then run: a helper, not a library); a directory's "/." is
// the directory.
TEST(RuntimeFiles, TracedPathsHaveOneNameAndWhatRanIsAHelper) {
  CollectOptions options;
  options.detect = false;
  options.traced = {{"/usr/bin//true", "openat"}, {"/usr/bin//true", "execve"}, {"/etc/./hostname", "openat"}};
  const RuntimeFiles r = collect_runtime_files(load_programs({"/bin/sh"}), options);
  ASSERT_EQ(r.helpers.size(), 1u);
  EXPECT_EQ(r.helpers[0].path, "/usr/bin/true");
  EXPECT_TRUE(r.libraries.empty());
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].path, "/etc/hostname");
}

// A Debian root made by hand: dpkg's database is the lists under var/lib/dpkg/info, read directly.
class DpkgRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("elfpack-dpkg-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "usr/bin");
    std::filesystem::copy_file("/bin/true", root_ / "usr/bin/demo");
    std::filesystem::copy_file("/bin/true", root_ / "usr/bin/orphan");
    write("usr/share/demo/a.dat", "data");
    write("usr/share/demo/sub/b.dat", "more");
    write("usr/share/doc/demo/copyright", "text");
    std::filesystem::create_directories(root_ / "usr/lib/demo");
    std::filesystem::copy_file("/bin/true", root_ / "usr/lib/demo/helper");
    // A Multi-Arch: same package's list carries its architecture; another package listing the
    // same program sorts after it; other files of dpkg's beside the lists are not lists.
    write("var/lib/dpkg/info/demo:amd64.list",
          "/.\n/usr\n/usr/bin\n/usr/bin/demo\n/usr/share/demo\n/usr/share/demo/a.dat\n/usr/share/demo/sub\n"
          "/usr/share/demo/sub/b.dat\n/usr/share/doc/demo/copyright\n/usr/lib/demo/helper\n/usr/share/demo/gone.dat");
    write("var/lib/dpkg/info/zzz.list", "/.\n/usr/bin/demo\n/usr/share/zzz.dat\n");
    write("var/lib/dpkg/info/demo:amd64.md5sums", "0123  usr/bin/orphan\n");
    write("var/lib/dpkg/info/aaa.list", "/.\n/usr\n/usr/bin\n/usr/share\n");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path) << text;
  }
  CollectOptions in_root() const {
    CollectOptions options;
    options.sysroot = root_.string();
    return options;
  }
  std::filesystem::path root_;
};

TEST_F(DpkgRoot, OwnerAndFilesComeFromThePackageLists) {
  const RuntimeFiles r = collect_runtime_files(load_programs({"/usr/bin/demo", "/usr/bin/orphan"}, root_), in_root());
  std::vector<std::string> paths;
  for (const auto& f : r.files) paths.push_back(f.path);
  // The package's regular files but documentation, ELF objects and files no longer there; its
  // ELF program a helper.
  EXPECT_EQ(paths, (std::vector<std::string>{"/usr/share/demo/a.dat", "/usr/share/demo/sub/b.dat"}));
  ASSERT_FALSE(r.files.empty());
  EXPECT_EQ(r.files[0].why, "package demo");
  EXPECT_EQ(r.files[0].package, "demo");
  EXPECT_EQ(r.files[0].file, root_.string() + "/usr/share/demo/a.dat");
  ASSERT_EQ(r.helpers.size(), 1u);
  EXPECT_EQ(r.helpers[0].path, "/usr/lib/demo/helper");
  EXPECT_EQ(r.helpers[0].why, "helper (package demo)");
  EXPECT_TRUE(r.helpers[0].optional);
  EXPECT_NE(std::find(r.notes.begin(), r.notes.end(),
                      "dpkg package demo (the package of demo): 2 data files, 1 helpers, 0 plugins; 1 documentation "
                      "files left out"),
            r.notes.end());
  EXPECT_NE(std::find(r.notes.begin(), r.notes.end(), "orphan: not installed by a package: no data files detected"),
            r.notes.end());
}

// dpkg-divert: zwrapper diverted demo's /usr/bin/demo to /usr/bin/demo.real and installed its
// own program there, and demo's a.dat to a.dat.distrib; the administrator diverted /usr/bin/mine.
// Whose file is at a path follows the diversions, not the order of the lists.
TEST_F(DpkgRoot, DiversionsDecideWhoseFileIsWhere) {
  std::filesystem::copy_file("/bin/true", root_ / "usr/bin/demo.real");
  std::filesystem::copy_file("/bin/true", root_ / "usr/bin/mine");
  write("usr/share/demo/a.dat.distrib", "demo's data, moved aside");
  write("usr/share/zwrapper/w.dat", "the wrapper's data");
  write("var/lib/dpkg/info/zwrapper.list", "/.\n/usr/bin/demo\n/usr/share/demo/a.dat\n/usr/share/zwrapper/w.dat\n");
  write("var/lib/dpkg/info/demo:amd64.list",
        "/.\n/usr/bin/demo\n/usr/bin/mine\n/usr/share/demo/a.dat\n/usr/share/demo/sub/b.dat\n");
  write("var/lib/dpkg/diversions",
        "/usr/bin/demo\n/usr/bin/demo.real\nzwrapper\n/usr/share/demo/a.dat\n/usr/share/demo/a.dat.distrib\nzwrapper\n"
        "/usr/bin/mine\n/usr/bin/mine.orig\n:\n");
  auto data_of = [this](const std::string& program) {
    const RuntimeFiles r = collect_runtime_files(load_programs({program}, root_), in_root());
    std::vector<std::string> paths;
    for (const auto& f : r.files) paths.push_back(f.path + " (" + f.why + ")");
    return paths;
  };
  EXPECT_EQ(data_of("/usr/bin/demo"),
            (std::vector<std::string>{"/usr/share/demo/a.dat (package zwrapper)",
                                      "/usr/share/zwrapper/w.dat (package zwrapper)"}));
  EXPECT_EQ(data_of("/usr/bin/demo.real"),
            (std::vector<std::string>{"/usr/share/demo/a.dat.distrib (package demo)",
                                      "/usr/share/demo/sub/b.dat (package demo)"}));
  EXPECT_TRUE(data_of("/usr/bin/mine").empty());  // the administrator's file: no package's
}

// Debian splits a package's data off into packages built from the same source (cmake-data):
// those the package depends on, installed, come with it; other dependencies that ship ELF
// objects do not.
TEST_F(DpkgRoot, DataOfPackagesBuiltFromTheSameSourceComesWithIt) {
  write("usr/share/demo-data/modules.dat", "modules");
  write("usr/share/other/o.dat", "another source's");
  // A Multi-Arch: same companion's list carries its architecture.
  write("var/lib/dpkg/info/demo-data:amd64.list", "/.\n/usr/share/demo-data\n/usr/share/demo-data/modules.dat\n");
  // other ships an ELF object: not data, and not of demo's source.
  std::filesystem::create_directories(root_ / "usr/lib/other");
  std::filesystem::copy_file("/bin/true", root_ / "usr/lib/other/tool");
  write("var/lib/dpkg/info/other.list", "/.\n/usr/share/other/o.dat\n/usr/lib/other/tool\n");
  write("var/lib/dpkg/status",
        "Package: demo\nStatus: install ok installed\nArchitecture: amd64\nSource: demo (1.0-1)\n"
        "Depends: libc6 (>= 2.34), other:any, demo-data (= 1.0-1) | demo-alt, demo-gone\nDescription: d\n more\n\n"
        "Package: demo-data\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\nSource: demo\n\n"
        "Package: demo-gone\nStatus: deinstall ok config-files\nSource: demo\n\n"
        "Package: other\nStatus: install ok installed\nArchitecture: all\n\n"
        "Package: libc6\nStatus: install ok installed\nSource: glibc\n");
  const RuntimeFiles r = collect_runtime_files(load_programs({"/usr/bin/demo"}, root_), in_root());
  std::vector<std::string> paths;
  for (const auto& f : r.files) paths.push_back(f.path + " (" + f.why + ")");
  EXPECT_EQ(paths, (std::vector<std::string>{"/usr/share/demo-data/modules.dat (package demo-data)",
                                             "/usr/share/demo/a.dat (package demo)",
                                             "/usr/share/demo/sub/b.dat (package demo)"}));
  EXPECT_NE(std::find(r.notes.begin(), r.notes.end(),
                      "dpkg package demo-data (built from the same source as demo, which depends on it): 1 data files, "
                      "0 helpers, 0 plugins; 0 documentation files left out"),
            r.notes.end());
}

// ELF objects among a package's files: a program is a helper, a shared object in a directory of
// its own a plugin; a library straight in a library directory is neither (the closure has what
// is needed of those), nor is what the closure loads already.
TEST_F(DpkgRoot, PackagedProgramsAreHelpersAndSharedObjectsInTheirOwnDirectoriesPlugins) {
  std::filesystem::create_directories(root_ / "usr/lib/x86_64-linux-gnu/demo");
  std::filesystem::copy_file("/lib/x86_64-linux-gnu/libz.so.1", root_ / "usr/lib/x86_64-linux-gnu/demo/coder.so");
  std::filesystem::copy_file("/lib/x86_64-linux-gnu/libz.so.1", root_ / "usr/lib/x86_64-linux-gnu/libdemo-extra.so.1");
  write("var/lib/dpkg/info/demo:amd64.list",
        "/.\n/usr/bin/demo\n/usr/lib/demo/helper\n/usr/lib/x86_64-linux-gnu/demo/coder.so\n"
        "/usr/lib/x86_64-linux-gnu/libdemo-extra.so.1\n/usr/share/demo/a.dat\n");
  const RuntimeFiles r = collect_runtime_files(load_programs({"/usr/bin/demo"}, root_), in_root());
  ASSERT_EQ(r.libraries.size(), 1u);
  EXPECT_EQ(r.libraries[0].path, "/usr/lib/x86_64-linux-gnu/demo/coder.so");
  EXPECT_EQ(r.libraries[0].why, "plugin (package demo)");
  EXPECT_TRUE(r.libraries[0].optional);
  ASSERT_EQ(r.helpers.size(), 1u);
  EXPECT_EQ(r.helpers[0].path, "/usr/lib/demo/helper");
  // Directories that hold nothing but bundled files are served whole.
  EXPECT_NE(std::find(r.prefixes.begin(), r.prefixes.end(), "/usr/lib/x86_64-linux-gnu/demo"), r.prefixes.end());
  EXPECT_NE(std::find(r.prefixes.begin(), r.prefixes.end(), "/usr/lib/demo"), r.prefixes.end());
  // --exclude-package: none of it.
  CollectOptions excluding = in_root();
  write("var/lib/dpkg/status", "Package: demo\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\n");
  excluding.exclude_packages = {"demo"};
  const RuntimeFiles none = collect_runtime_files(load_programs({"/usr/bin/demo"}, root_), excluding);
  EXPECT_TRUE(none.files.empty() && none.libraries.empty() && none.helpers.empty());
}

// A trace and the package rule agree on what a path is: a program the trace saw looked at (stat)
// or run is a helper, never a library; one it ran through a link its package has stays that
// link to the package's helper; and the package's file stays a helper though the trace brought
// the same file under the link's name.
TEST_F(DpkgRoot, ATracedProgramIsAHelperAndThePackagesLinkStaysALink) {
  std::filesystem::create_symlink("helper", root_ / "usr/lib/demo/helper-link");
  std::filesystem::copy_file("/bin/true", root_ / "usr/lib/demo/looked-at");
  write("var/lib/dpkg/info/demo:amd64.list", "/.\n/usr/bin/demo\n/usr/lib/demo/helper\n/usr/lib/demo/helper-link\n");
  write("trace.log",
        "1 stat(\"/usr/lib/demo/helper-link\", {...}) = 0\n"
        "1 access(\"/usr/lib/demo/looked-at\", X_OK) = 0\n"
        "1 execve(\"/usr/lib/demo/helper-link\", [\"helper-link\"], 0x1 /* 1 var */) = 0\n");
  for (const bool exec_seen : {true, false}) {
    CollectOptions options = in_root();
    options.trace_logs = {(root_ / "trace.log").string()};
    if (!exec_seen) write("trace.log", "1 stat(\"/usr/lib/demo/helper-link\", {...}) = 0\n1 access(\"/usr/lib/demo/looked-at\", X_OK) = 0\n");
    const RuntimeFiles r = collect_runtime_files(load_programs({"/usr/bin/demo"}, root_), options);
    EXPECT_TRUE(r.libraries.empty()) << r.libraries.front().path;
    std::vector<std::string> helpers;
    for (const auto& h : r.helpers) helpers.push_back(h.path);
    EXPECT_EQ(helpers, (std::vector<std::string>{"/usr/lib/demo/helper", "/usr/lib/demo/looked-at"})) << exec_seen;
    ASSERT_TRUE(r.links.contains("/usr/lib/demo/helper-link"));
    EXPECT_EQ(r.links.at("/usr/lib/demo/helper-link"), "helper");
  }
}

// A merged-/usr root (/lib -> usr/lib): a trace that saw a plugin by ld.so.cache's /lib name and a
// helper and data through "<library directory>/../..", as a library that finds its files beside
// itself goes there, brings each file once, by the name its package gives it (the package's copy
// is the same file, not a second one); the names the program used are links to it, but for one
// under a directory the package has as a link (perl's /usr/share/perl/5.36 -> 5.36.0).
TEST_F(DpkgRoot, TracedPathsThroughDirectoryLinksTakeThePackagesName) {
  std::filesystem::create_symlink("usr/lib", root_ / "lib");
  std::filesystem::create_directories(root_ / "usr/lib/x86_64-linux-gnu/demo");
  std::filesystem::copy_file("/lib/x86_64-linux-gnu/libz.so.1", root_ / "usr/lib/x86_64-linux-gnu/demo/coder.so");
  write("usr/share/demo/1.0/mod.pm", "module");
  std::filesystem::create_symlink("1.0", root_ / "usr/share/demo/1");
  write("var/lib/dpkg/info/demo:amd64.list",
        "/.\n/usr/bin/demo\n/usr/lib/demo/helper\n/usr/lib/x86_64-linux-gnu/demo/coder.so\n/usr/share/demo/a.dat\n"
        "/usr/share/demo/1\n/usr/share/demo/1.0/mod.pm\n");
  write("trace.log",
        "1 openat(AT_FDCWD, \"/lib/x86_64-linux-gnu/demo/coder.so\", O_RDONLY|O_CLOEXEC) = 3\n"
        "1 openat(AT_FDCWD, \"/lib/x86_64-linux-gnu/../../share/demo/a.dat\", O_RDONLY) = 3\n"
        "1 openat(AT_FDCWD, \"/usr/share/demo/1/mod.pm\", O_RDONLY) = 3\n"
        "1 execve(\"/lib/x86_64-linux-gnu/../../lib/demo/helper\", [\"helper\"], 0x1 /* 1 var */) = 0\n");
  CollectOptions options = in_root();
  options.trace_logs = {(root_ / "trace.log").string()};
  const RuntimeFiles r = collect_runtime_files(load_programs({"/usr/bin/demo"}, root_), options);
  ASSERT_EQ(r.libraries.size(), 1u);
  EXPECT_EQ(r.libraries[0].path, "/usr/lib/x86_64-linux-gnu/demo/coder.so");
  ASSERT_EQ(r.helpers.size(), 1u);
  EXPECT_EQ(r.helpers[0].path, "/usr/lib/demo/helper");
  std::vector<std::string> files;
  for (const auto& f : r.files) files.push_back(f.path);
  EXPECT_EQ(files, (std::vector<std::string>{"/usr/share/demo/1.0/mod.pm", "/usr/share/demo/a.dat"}));
  // The names used, as the shim reads them (".." taken out lexically), lead to those files.
  const std::map<std::string, std::string> links{
      {"/lib/demo/helper", "/usr/lib/demo/helper"},
      {"/lib/x86_64-linux-gnu/demo/coder.so", "/usr/lib/x86_64-linux-gnu/demo/coder.so"},
      {"/share/demo/a.dat", "/usr/share/demo/a.dat"},
      {"/usr/share/demo/1", "1.0"}};
  EXPECT_EQ(r.links, links);
}

// Over Lambda's size limit, the heaviest package chosen only through a library goes: its data,
// plugins and helpers (with their resolved closures, paired by index), the links that led to
// them; a program's own package stays, and nothing is left to drop after the last one.
TEST_F(DpkgRoot, TheHeaviestPackageBroughtThroughALibraryGoesFirst) {
  write("usr/share/light/a", std::string(10, 'a'));
  write("usr/share/heavy/a", std::string(3000, 'a'));
  write("usr/share/own/a", std::string(9000, 'a'));
  std::filesystem::copy_file("/lib/x86_64-linux-gnu/libz.so.1", root_ / "usr/share/heavy/plugin.so");
  RuntimeFiles r;
  r.packages = {{"own", "the package of demo", false}, {"light", "data: libx depends on it", true},
                {"heavy", "owns /usr/lib/libheavy.so.1 of the closure", true}};
  const auto file = [&](const std::string& path, const std::string& package) {
    return RuntimeFile{path, (root_ / path.substr(1)).string(), "package " + package, package};
  };
  r.files = {file("/usr/share/heavy/a", "heavy"), file("/usr/share/light/a", "light"), file("/usr/share/own/a", "own"),
             RuntimeFile{"/etc/heavy.conf", "", "environment: x", "", false, "../usr/share/heavy/a"}};
  r.libraries = {file("/usr/share/heavy/plugin.so", "heavy"), file("/usr/share/own/a", "own")};
  r.links = {{"/usr/share/heavy/b", "a"}, {"/usr/share/own/b", "a"}};
  RuntimeObjects extra;
  extra.libraries.resize(2);
  extra.libraries[1].objects.resize(1);
  extra.libraries[1].objects[0].path = "/usr/share/own/a";
  const auto first = drop_library_package(r, extra, root_.string());
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->starts_with("package heavy (owns /usr/lib/libheavy.so.1 of the closure), ")) << *first;
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0].path, "/usr/share/light/a");
  ASSERT_EQ(r.libraries.size(), 1u);
  ASSERT_EQ(extra.libraries.size(), 1u);
  EXPECT_EQ(extra.libraries[0].objects[0].path, "/usr/share/own/a");
  EXPECT_FALSE(r.links.contains("/usr/share/heavy/b"));
  EXPECT_TRUE(r.links.contains("/usr/share/own/b"));
  EXPECT_EQ(r.packages.size(), 2u);
  const auto second = drop_library_package(r, extra, root_.string());
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->starts_with("package light ")) << *second;
  EXPECT_FALSE(drop_library_package(r, extra, root_.string()).has_value());
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].package, "own");
}

// A list removed between listing the directory and reading it (a package being purged meanwhile)
// owns nothing, as dpkg-query takes it; other errors stay errors (below).
TEST_F(DpkgRoot, AListThatIsGoneOwnsNothing) {
  std::filesystem::create_symlink("/nonexistent/elfpack-gone", root_ / "var/lib/dpkg/info/aaa-gone.list");
  const RuntimeFiles r = collect_runtime_files(load_programs({"/usr/bin/demo"}, root_), in_root());
  ASSERT_FALSE(r.files.empty());
  EXPECT_EQ(r.files[0].why, "package demo");
}

TEST_F(DpkgRoot, AnUnreadableListIsAnErrorNamingIt) {
  std::filesystem::create_directories(root_ / "var/lib/dpkg/info/broken.list");
  try {
    collect_runtime_files(load_programs({"/usr/bin/orphan"}, root_), in_root());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(root_.string() + "/var/lib/dpkg/info/broken.list: "), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace elfpack
