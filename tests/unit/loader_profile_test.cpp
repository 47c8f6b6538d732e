#include "elfpack/resolve/loader_profile.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "elfpack/resolve/resolver.h"

namespace elfpack {
namespace {

TEST(ListDiagnostics, ParsesQuotedAndNumericValues) {
  const auto values = parse_list_diagnostics(
      "dl_dst_lib=\"lib/x86_64-linux-gnu\"\n"
      "dl_hwcaps_subdirs_active=0x7\n"
      "path.system_dirs[0x0]=\"/lib/x86_64-linux-gnu/\"\n"
      "env[0x1]=\"A=\\\"q\\\" \\\\ \\001\"\n"
      "no value line\n");
  EXPECT_EQ(values.at("dl_dst_lib"), "lib/x86_64-linux-gnu");
  EXPECT_EQ(values.at("dl_hwcaps_subdirs_active"), "0x7");
  EXPECT_EQ(values.at("path.system_dirs[0x0]"), "/lib/x86_64-linux-gnu/");
  EXPECT_EQ(values.at("env[0x1]"), std::string("A=\"q\" \\ \001"));
  EXPECT_EQ(values.size(), 4u);
}

TEST(ListDiagnostics, LegacySubdirectoriesInTheLoadersOrder) {
  // What glibc 2.36's LD_DEBUG=libs shows on an AVX-512 machine (platform haswell, important
  // hwcaps x86_64 and avx512_1), without the directory itself.
  const std::vector<std::string> expected = {
      "tls/haswell/avx512_1/x86_64", "tls/haswell/avx512_1", "tls/haswell/x86_64", "tls/haswell",
      "tls/avx512_1/x86_64", "tls/avx512_1", "tls/x86_64", "tls",
      "haswell/avx512_1/x86_64", "haswell/avx512_1", "haswell/x86_64", "haswell",
      "avx512_1/x86_64", "avx512_1", "x86_64"};
  EXPECT_EQ(legacy_hwcap_subdirs({"x86_64", "avx512_1"}, "haswell"), expected);
  EXPECT_EQ(legacy_hwcap_subdirs({}, ""), std::vector<std::string>{"tls"});
}

TEST(ListDiagnostics, ProfileOfA32BitLinker) {
  // As Debian 12's libc6-i386 /lib/ld-linux.so.2 prints them.
  const auto values = parse_list_diagnostics(
      "dl_dst_lib=\"lib32\"\ndl_hwcap_important=0x1\ndl_hwcaps_subdirs=\"\"\ndl_hwcaps_subdirs_active=0x0\n"
      "dl_platform=\"i686\"\npath.system_dirs[0x0]=\"/lib32/\"\npath.system_dirs[0x1]=\"/usr/lib32/\"\n"
      "path.system_dirs[0x2]=\"/lib/\"\npath.system_dirs[0x3]=\"/usr/lib/\"\nversion.version=\"2.36\"\n");
  const ElfIdent i386{.elf_class = kElfClass32, .little_endian = true, .osabi = 0, .type = kEtExec, .machine = kEm386};
  const LoaderProfile p = profile_from_diagnostics(values, i386, "/");
  EXPECT_EQ(p.default_dirs, (std::vector<std::string>{"/lib32", "/usr/lib32", "/lib", "/usr/lib"}));
  EXPECT_EQ(p.lib_token, "lib32");
  EXPECT_EQ(p.platform_token, "i686");
  EXPECT_TRUE(p.hwcaps_levels.empty());
  EXPECT_EQ(p.legacy_subdirs.front(), "tls/i686/sse2");
  EXPECT_EQ(p.legacy_subdirs.size(), 7u);
}

TEST(ListDiagnostics, HwcapsLevelsFollowTheActiveMask) {
  const auto values = parse_list_diagnostics(
      "dl_hwcaps_subdirs=\"x86-64-v4:x86-64-v3:x86-64-v2\"\ndl_hwcaps_subdirs_active=0x6\nversion.version=\"2.38\"\n");
  const ElfIdent x64{.elf_class = kElfClass64, .little_endian = true, .osabi = 0, .type = kEtExec, .machine = kEmX86_64};
  const LoaderProfile p = profile_from_diagnostics(values, x64, "/");
  EXPECT_EQ(p.hwcaps_levels, (std::vector<std::string>{"x86-64-v3", "x86-64-v2"}));
  EXPECT_TRUE(p.legacy_subdirs.empty());  // removed in glibc 2.37
}

TEST(ListDiagnostics, ReadFromThisMachinesLinker) {
  const auto values = run_list_diagnostics("/lib64/ld-linux-x86-64.so.2");
  ASSERT_TRUE(values.has_value());
  const ElfIdent x64{.elf_class = kElfClass64, .little_endian = true, .osabi = 0, .type = kEtExec, .machine = kEmX86_64};
  const LoaderProfile p = loader_profile_for(x64, "/lib64/ld-linux-x86-64.so.2", {});
  EXPECT_EQ(p.default_dirs.front(), "/lib/x86_64-linux-gnu");
  EXPECT_EQ(p.lib_token, "lib/x86_64-linux-gnu");
  EXPECT_NE(p.source.find("--list-diagnostics"), std::string::npos);
  // A file that is not a linker gives no diagnostics, and the table is used.
  EXPECT_FALSE(run_list_diagnostics("/bin/true").has_value());
  EXPECT_FALSE(run_list_diagnostics("/nonexistent/ld.so").has_value());
  EXPECT_EQ(loader_profile_for(x64, "/nonexistent/ld.so", {}).source, "built-in table");
}

// A scratch root for the in-root tests, removed afterwards.
class ScratchRoot {
 public:
  ScratchRoot() : path_(std::filesystem::temp_directory_path() / ("elfpack-root-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_ / "usr/lib/x");
  }
  ~ScratchRoot() { std::filesystem::remove_all(path_); }
  std::string str() const { return path_.string(); }
  std::filesystem::path operator/(const std::string& p) const { return path_ / p; }

 private:
  std::filesystem::path path_;
};

// An aarch64 root on this x86_64 machine, its "linker" this machine's x86_64 ld.so, which would
// run and answer for x86_64: it is never asked, by the profile or by the resolver; the table
// gives Debian's aarch64 directories (what Debian 12's ld-linux-aarch64.so.1 --list-diagnostics
// prints).
TEST(ForeignLinker, AnotherArchitecturesLinkerIsNeverRun) {
  ScratchRoot root;
  std::filesystem::create_directories(root / "usr/lib/aarch64-linux-gnu");
  std::filesystem::create_directories(root / "lib");
  std::filesystem::copy_file("/lib64/ld-linux-x86-64.so.2", root / "lib/ld-linux-aarch64.so.1");
  const ElfIdent arm64{.elf_class = kElfClass64, .little_endian = true, .osabi = 0, .type = kEtDyn, .machine = kEmAarch64};
  const ElfIdent x64{.elf_class = kElfClass64, .little_endian = true, .osabi = 0, .type = kEtDyn, .machine = kEmX86_64};
  EXPECT_FALSE(linker_runs_here(arm64));
  EXPECT_TRUE(linker_runs_here(x64));
  ResolveOptions options;
  options.sysroot = root.str();
  EXPECT_FALSE(asks_linker(arm64, "/lib/ld-linux-aarch64.so.1", options));
  for (const LoaderProfile& p : {loader_profile_for(arm64, "/lib/ld-linux-aarch64.so.1", options),
                                 Resolver(arm64, "/lib/ld-linux-aarch64.so.1", options).profile()}) {
    EXPECT_EQ(p.source, "built-in table");
    EXPECT_EQ(p.default_dirs, (std::vector<std::string>{"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib", "/usr/lib"}));
    EXPECT_EQ(p.lib_token, "lib/aarch64-linux-gnu");
    EXPECT_EQ(p.platform_token, "aarch64");
    EXPECT_EQ(p.cache_flags, 0x0a03);  // FLAG_ELF_LIBC6 | FLAG_AARCH64_LIB64
  }
  // The same file asked about x86_64 objects is run (it is this machine's linker).
  EXPECT_NE(loader_profile_for(x64, "/lib/ld-linux-aarch64.so.1", options).source.find("--list-diagnostics"), std::string::npos);
}

// A cross compiler's sysroot (/usr/aarch64-linux-gnu: everything in lib/, no multiarch
// directory): its linker is Debian's, with the multiarch directories compiled in, and the table
// follows it; a linker without them gets the lib64 layout.
TEST(ForeignLinker, TheLinkersOwnDirectoriesDecideInACrossSysroot) {
  ScratchRoot root;
  std::filesystem::create_directories(root / "lib");
  const ElfIdent arm64{.elf_class = kElfClass64, .little_endian = true, .osabi = 0, .type = kEtDyn, .machine = kEmAarch64};
  ResolveOptions options;
  options.sysroot = root.str();
  const char system_dirs[] = "\x7f" "ELF...\0/lib/aarch64-linux-gnu/\0/usr/lib/aarch64-linux-gnu/\0/lib/\0/usr/lib/";
  std::ofstream(root / "lib/ld-linux-aarch64.so.1").write(system_dirs, sizeof system_dirs);
  EXPECT_EQ(loader_profile_for(arm64, "/lib/ld-linux-aarch64.so.1", options).default_dirs,
            (std::vector<std::string>{"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib", "/usr/lib"}));
  std::ofstream(root / "lib/ld-linux-aarch64.so.1") << "\x7f" "ELF...";
  EXPECT_EQ(loader_profile_for(arm64, "/lib/ld-linux-aarch64.so.1", options).default_dirs,
            (std::vector<std::string>{"/lib64", "/usr/lib64"}));
}

TEST(InRoot, SymlinksAreFollowedInsideTheRoot) {
  ScratchRoot root;
  std::filesystem::create_directory_symlink("usr/lib", root / "lib");
  std::filesystem::create_directory_symlink("/lib", root / "abs");          // absolute: re-rooted
  std::filesystem::create_directory_symlink("../../../..", root / "usr/lib/x/up");  // cannot climb out
  std::filesystem::create_symlink("loop2", root / "loop1");
  std::filesystem::create_symlink("/loop1", root / "loop2");
  EXPECT_EQ(canonical_in_root(root.str(), "/lib/x"), "/usr/lib/x");
  EXPECT_EQ(canonical_in_root(root.str(), "/abs/x/file"), "/usr/lib/x/file");
  EXPECT_EQ(canonical_in_root(root.str(), "/usr/lib/x/up/etc/passwd"), "/etc/passwd");
  EXPECT_EQ(in_root(root.str(), "/usr/lib/x/up/etc/passwd"), root.str() + "/etc/passwd");
  EXPECT_EQ(canonical_in_root(root.str(), "/missing/../abs"), "/missing/../abs");  // fails at "missing"
  EXPECT_FALSE(canonical_in_root(root.str(), "/loop1").has_value());
  EXPECT_EQ(in_root("/", "/lib/x"), "/lib/x");  // the real root: the kernel resolves
}

TEST(InRoot, LdSoConfWithIncludes) {
  ScratchRoot root;
  std::filesystem::create_directories(root / "etc/ld.so.conf.d");
  std::ofstream(root / "etc/ld.so.conf") << "# comment\n/opt/first/  \ninclude ld.so.conf.d/*.conf\nhwcap 0 nosegneg\n";
  std::ofstream(root / "etc/ld.so.conf.d/b.conf") << "/opt/b\n/opt/first\n";
  std::ofstream(root / "etc/ld.so.conf.d/a.conf") << "/opt/a=libc6 # old style\n";
  EXPECT_EQ(read_ld_so_conf(root.str()), (std::vector<std::string>{"/opt/first", "/opt/a", "/opt/b"}));
  EXPECT_TRUE(read_ld_so_conf(root.str(), "/etc/absent.conf").empty());
}

TEST(InRoot, LdSoConfIncludesReadEachFileOnce) {
  // Found by fuzzing: patterns matching the including file were followed again at every level,
  // 4^16 readings here; a directory matched by a pattern is read as an empty file.
  ScratchRoot root;
  std::filesystem::create_directories(root / "etc/ld.so.conf.d");
  std::ofstream(root / "etc/ld.so.conf") << "/opt/top\ninclude *.conf *.conf /etc/ld.so.conf ld.so.*\n/opt/last\n";
  std::ofstream(root / "etc/other.conf") << "include /etc/*.conf\n/opt/other\n";
  EXPECT_EQ(read_ld_so_conf(root.str()), (std::vector<std::string>{"/opt/top", "/opt/other", "/opt/last"}));
}

TEST(InRoot, LdSoConfIncludesNeverLeaveTheRoot) {
  // Found by fuzzing: ".." in an include pattern listed the directories around the root.
  ScratchRoot root;
  std::filesystem::create_directories(root / "etc/ld.so.conf.d");
  std::ofstream(root.str() + "/../elfpack-outside.conf") << "/opt/outside\n";
  std::ofstream(root / "etc/ld.so.conf") << "include ../../elfpack-outside.conf /../../*/../etc/ld.so.conf.d/*.conf\n";
  std::ofstream(root / "etc/ld.so.conf.d/a.conf") << "/opt/a\n";
  EXPECT_EQ(read_ld_so_conf(root.str()), (std::vector<std::string>{"/opt/a"}));
  std::filesystem::remove(root.str() + "/../elfpack-outside.conf");
}

TEST(InRoot, LdSoConfWildcardsNeverMatchDotsAndStayBounded) {
  // Found by fuzzing: glob's ".*" matches "." and "..", so "/.*/.*/x" climbed out of the root and
  // multiplied; "*/*/*..." over a symlink loop grew without end.
  ScratchRoot root;
  std::filesystem::create_directories(root / "etc/ld.so.conf.d");
  std::filesystem::create_directory_symlink("..", root / "etc/ld.so.conf.d/up");
  std::ofstream(root.str() + "/../elfpack-outside.conf") << "/opt/outside\n";
  std::string loop = "include /etc/ld.so.conf.d";
  for (int i = 0; i < 40; ++i) loop += "/*";
  std::ofstream(root / "etc/ld.so.conf") << "include /etc/.*/../elfpack-outside.conf /.*/.*/elfpack-outside.conf\n"
                                          << "include /etc/ld.so.conf.d/.*.conf /etc/ld.so.conf.d/*.conf\n"
                                          << loop << "\n";
  std::ofstream(root / "etc/ld.so.conf.d/a.conf") << "/opt/a\n";
  std::ofstream(root / "etc/ld.so.conf.d/.hidden.conf") << "/opt/hidden\n";
  // Without the bounds this does not end (2^40 paths); ctest's timeout would fail it.
  EXPECT_EQ(read_ld_so_conf(root.str()), (std::vector<std::string>{"/opt/hidden", "/opt/a"}));
  std::filesystem::remove(root.str() + "/../elfpack-outside.conf");
}

TEST(LdSoConf, ParsesOneFilesText) {
  EXPECT_EQ(parse_ld_so_conf("# c\n /opt/a/ \ninclude\tx.conf  /y/*.conf\nhwcap 1 z\n/opt/b=libc6\n=x\n///\ninclude\n"),
            (std::vector<LdSoConfEntry>{{false, "/opt/a"}, {true, "x.conf"}, {true, "/y/*.conf"}, {false, "/opt/b"},
                                        {false, "/"}, {false, "include"}}));
}

TEST(MuslPath, SplitsOnColonsAndNewlines) {
  EXPECT_EQ(parse_musl_path("/lib:/usr/lib\n\n::/opt/x y\n"), (std::vector<std::string>{"/lib", "/usr/lib", "/opt/x y"}));
  EXPECT_TRUE(parse_musl_path("").empty());
}

}  // namespace
}  // namespace elfpack
