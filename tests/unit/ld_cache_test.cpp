#include "elfpack/resolve/ld_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include "elfpack/base/error.h"

namespace elfpack {
namespace {

namespace fs = std::filesystem;
constexpr int32_t kX8664 = 0x0303;

std::string run(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) out += buffer;
  return out;
}

std::vector<unsigned char> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A root with libraries in /opt/a and /opt/b and a cache made by the real ldconfig.
class BuiltCache : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("elfpack-cache-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    for (const char* dir : {"etc", "opt/a/glibc-hwcaps/x86-64-v2", "opt/b"}) fs::create_directories(root_ / dir);
    library("opt/a/libdup.so.1", "libdup.so.1");
    library("opt/b/libdup.so.1", "libdup.so.1");
    library("opt/a/glibc-hwcaps/x86-64-v2/libdup.so.1", "libdup.so.1");
    library("opt/b/libonly.so.3", "libonly.so.3");
    std::ofstream(root_ / "etc/ld.so.conf") << "/opt/a\n/opt/b\n";
    ASSERT_EQ(std::system(("ldconfig -X -r " + root_.string()).c_str()), 0);
  }
  void TearDown() override { fs::remove_all(root_); }

  void library(const std::string& path, const std::string& soname) {
    const std::string command = "echo 'int f(void){return 1;}' | cc -shared -fPIC -x c - -o " + (root_ / path).string() +
                                " -Wl,-soname," + soname;
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  LdCache cache() const { return *LdCache::load((root_ / "etc/ld.so.cache").string()); }

  fs::path root_;
};

TEST(LdCache, NamesCompareWithNumbersAsNumbers) {
  EXPECT_GT(cache_name_compare("libfoo.so.10", "libfoo.so.9"), 0);
  EXPECT_LT(cache_name_compare("libfoo.so.9", "libfoo.so.10"), 0);
  EXPECT_EQ(cache_name_compare("libfoo.so.01", "libfoo.so.1"), 0);
  EXPECT_LT(cache_name_compare("libfoo.so", "libfoo.so.1"), 0);
  EXPECT_GT(cache_name_compare("libfoo.so.1", "libfoo.so"), 0);
  EXPECT_GT(cache_name_compare("lib2", "libz"), 0);  // a digit sorts after any other character
  EXPECT_EQ(cache_name_compare("", ""), 0);
  // Runs of ten digits or more wrap as glibc's int does (found by fuzzing: signed overflow).
  EXPECT_EQ(cache_name_compare("libx.so.4294967296", "libx.so.0"), 0);
  EXPECT_GT(cache_name_compare("libx.so.99999999999999999999", "libx.so.10"), 0);  // 1661992959 - 10
  EXPECT_LT(cache_name_compare("libx.so.2147483648", "libx.so.0"), 0);  // INT_MIN - 0 < 0
}

TEST(LdCache, LookupIsNumericAwareAndPerArchitecture) {
  const auto cache = LdCache::load("/etc/ld.so.cache");
  ASSERT_TRUE(cache.has_value());
  // glibc's binary search compares digit runs as numbers: "libc.so.06" finds libc.so.6.
  EXPECT_EQ(cache->lookup("libc.so.06", kX8664), "/lib/x86_64-linux-gnu/libc.so.6");
  // 32-bit x86 (flags 3, "libc6") is a different entry of the same name, when installed.
  if (std::ifstream("/lib32/libc.so.6")) {
    EXPECT_EQ(cache->lookup("libc.so.6", 0x0003), "/lib32/libc.so.6");
  }
  EXPECT_EQ(cache->lookup("libc.so.6", 0x0a03), std::nullopt);  // no aarch64 entries here
}

TEST(LdCache, ReadsTheMachineCacheLikeLdconfig) {
  const auto cache = LdCache::load("/etc/ld.so.cache");
  ASSERT_TRUE(cache.has_value());
  EXPECT_EQ(cache->lookup("libc.so.6", kX8664), "/lib/x86_64-linux-gnu/libc.so.6");
  // Every "name (libc6,x86-64) => path" line of `ldconfig -p` is an entry, in the same order.
  std::istringstream lines(run("ldconfig -p"));
  std::string line;
  std::size_t checked = 0;
  std::vector<std::pair<std::string, std::string>> expected;
  while (std::getline(lines, line)) {
    const auto arrow = line.find(" => ");
    if (arrow == std::string::npos || line.find("(libc6,x86-64)") == std::string::npos) continue;
    const auto start = line.find_first_not_of(" \t");
    expected.emplace_back(line.substr(start, line.find(' ', start) - start), line.substr(arrow + 4));
  }
  std::vector<std::pair<std::string, std::string>> actual;
  for (const auto& e : cache->entries()) {
    if (e.flags == kX8664 && e.hwcaps_subdir.empty()) actual.emplace_back(e.key, e.value);
  }
  EXPECT_EQ(actual, expected);
  checked = expected.size();
  EXPECT_GT(checked, 20u);
}

TEST_F(BuiltCache, FirstEntryInLdconfigOrderWins) {
  const LdCache c = cache();
  EXPECT_EQ(c.lookup("libdup.so.1", kX8664), "/opt/a/libdup.so.1");
  EXPECT_EQ(c.lookup("libonly.so.3", kX8664), "/opt/b/libonly.so.3");
  EXPECT_EQ(c.lookup("libabsent.so", kX8664), std::nullopt);
  // Entries for another architecture are not usable.
  EXPECT_EQ(c.lookup("libdup.so.1", 0x0a03), std::nullopt);
}

TEST_F(BuiltCache, ActiveHwcapsEntryWinsOverPlainOne) {
  const LdCache c = cache();
  const std::vector<std::string> v2{"x86-64-v2"};
  const std::vector<std::string> v3{"x86-64-v3"};
  EXPECT_EQ(c.lookup("libdup.so.1", kX8664, v2), "/opt/a/glibc-hwcaps/x86-64-v2/libdup.so.1");
  EXPECT_EQ(c.lookup("libdup.so.1", kX8664, v3), "/opt/a/libdup.so.1");  // inactive level: plain entry
  bool saw = false;
  for (const auto& e : c.entries()) saw |= e.hwcaps_subdir == "x86-64-v2";
  EXPECT_TRUE(saw);
}

TEST_F(BuiltCache, OldAndCompatFormats) {
  // compat: the old format followed by the new one, which is what the loader reads.
  ASSERT_EQ(std::system(("ldconfig -X -c compat -r " + root_.string()).c_str()), 0);
  LdCache c = cache();
  EXPECT_EQ(c.lookup("libonly.so.3", kX8664), "/opt/b/libonly.so.3");
  EXPECT_EQ(c.lookup("libdup.so.1", kX8664), "/opt/a/libdup.so.1");
  EXPECT_EQ(c.lookup("libdup.so.1", kX8664, std::vector<std::string>{"x86-64-v2"}),
            "/opt/a/glibc-hwcaps/x86-64-v2/libdup.so.1");
  // old: no hwcaps marks, so the hwcaps copy is a plain entry and, sorted first, wins.
  ASSERT_EQ(std::system(("ldconfig -X -c old -r " + root_.string()).c_str()), 0);
  c = cache();
  EXPECT_EQ(c.lookup("libonly.so.3", kX8664), "/opt/b/libonly.so.3");
  EXPECT_EQ(c.lookup("libdup.so.1", kX8664), "/opt/a/glibc-hwcaps/x86-64-v2/libdup.so.1");
}

TEST(LdCache, MissingFileIsNotAnError) {
  EXPECT_EQ(LdCache::load("/nonexistent/ld.so.cache"), std::nullopt);
}

std::string error_of(const std::vector<unsigned char>& bytes) {
  try {
    LdCache::parse(bytes, "test.cache");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(LdCache, CorruptionsAreErrorsNamingTheFile) {
  const auto real = slurp("/etc/ld.so.cache");
  ASSERT_GT(real.size(), 200u);
  EXPECT_NE(error_of({}).find("test.cache: not a valid ld.so cache: bad magic"), std::string::npos);
  auto bad_magic = real;
  bad_magic[0] = 'X';
  EXPECT_NE(error_of(bad_magic).find("bad magic"), std::string::npos);
  auto huge_count = real;
  huge_count[20] = huge_count[21] = huge_count[22] = huge_count[23] = 0xff;  // nlibs
  EXPECT_NE(error_of(huge_count).find("does not fit"), std::string::npos);
  auto wrong_endian = real;
  wrong_endian[28] = 3;  // big-endian flag on a little-endian machine
  EXPECT_NE(error_of(wrong_endian).find("byte order"), std::string::npos);
  auto bad_string = real;
  bad_string[48 + 8] = bad_string[48 + 9] = bad_string[48 + 10] = bad_string[48 + 11] = 0xff;  // first value
  EXPECT_NE(error_of(bad_string).find("past the end"), std::string::npos);
  // Cut the file one byte into the string that lies furthest into it.
  uint32_t nlibs, furthest = 0;
  std::memcpy(&nlibs, real.data() + 20, 4);
  for (uint32_t i = 0; i < nlibs; ++i) {
    for (std::size_t field : {4u, 8u}) {
      uint32_t off;
      std::memcpy(&off, real.data() + 48 + i * 24 + field, 4);
      furthest = std::max(furthest, off);
    }
  }
  const std::vector<unsigned char> unterminated(real.begin(), real.begin() + furthest + 1);
  EXPECT_NE(error_of(unterminated).find("not NUL-terminated"), std::string::npos) << error_of(unterminated);
}

// Every truncation and every single-byte change of the header parses or throws Error.
TEST(LdCache, NeverCrashesOnDamagedInput) {
  const auto real = slurp("/etc/ld.so.cache");
  std::size_t errors = 0;
  for (std::size_t n = 0; n <= real.size(); n += (n < 400 ? 1 : 211)) {
    errors += error_of({real.begin(), real.begin() + static_cast<long>(n)}) != "no error";
  }
  for (std::size_t i = 0; i < 64; ++i) {
    for (unsigned char v : {0x00, 0x01, 0x7f, 0xff}) {
      auto copy = real;
      copy[i] = v;
      error_of(copy);
    }
  }
  EXPECT_GT(errors, 0u);
}

}  // namespace
}  // namespace elfpack
