#include "elfpack/resolve/resolver.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "loader_list.h"

namespace elfpack {
namespace {

const std::string kFixtures = ELFPACK_FIXTURE_DIR;

// Resolved as the loader would on this machine: the profile is read from the linker itself, so
// hwcaps levels are those of this CPU.
Closure resolve(const std::string& relative, ResolveOptions options = {}) {
  const std::string path = kFixtures + "/" + relative;
  const ElfFacts elf = read_elf(path);
  Resolver resolver(loader_profile_for(elf.ident, elf.interp.value_or(""), options));
  return resolver.resolve(path);
}

// Runs the test body with the current directory set to `dir`, restoring it afterwards.
class InDirectory {
 public:
  explicit InDirectory(const std::string& dir) : old_(::get_current_dir_name()) { EXPECT_EQ(::chdir(dir.c_str()), 0); }
  ~InDirectory() {
    EXPECT_EQ(::chdir(old_), 0);
    std::free(old_);
  }

 private:
  char* old_;
};

const LoadedObject* find_by_name(const Closure& c, const std::string& name) {
  for (const auto& o : c.objects) {
    if (std::find(o.names.begin(), o.names.end(), name) != o.names.end()) return &o;
  }
  return nullptr;
}

// Checks that `name` resolved to `path`; returns the object (null when it is missing).
const LoadedObject* expect_path(const Closure& c, const std::string& name, const std::string& path) {
  const LoadedObject* object = find_by_name(c, name);
  EXPECT_NE(object, nullptr) << name << " not loaded";
  if (object != nullptr) {
    EXPECT_EQ(object->path, path) << name;
  }
  return object;
}

// Every name the real loader resolves, elfpack resolves to the same path, and nothing more.
void expect_same_as_real_loader(const std::string& relative, const Closure& closure) {
  const auto real = testing::list_with_real_loader(kFixtures + "/" + relative);
  ASSERT_EQ(real.status, 0) << real.output;
  std::size_t compared = 0;
  for (const auto& [name, path] : real.found) {
    const LoadedObject* object = find_by_name(closure, name);
    ASSERT_NE(object, nullptr) << name << " is loaded by ld.so but not by elfpack";
    EXPECT_EQ(object->path, path) << name;
    ++compared;
  }
  // ld.so --list prints one line per object; the interpreter is printed without "=>".
  std::size_t libraries = closure.objects.size() - 1 - (closure.interpreter ? 1 : 0);
  EXPECT_EQ(compared, libraries) << real.output;
  EXPECT_TRUE(closure.missing.empty());
}

TEST(Resolver, TransitiveChainThroughOrigin) {
  const Closure c = resolve("chain/bin/chain_prog");
  for (const char* name : {"libchain_a.so", "libchain_b.so", "libchain_c.so", "libc.so.6"}) {
    ASSERT_NE(find_by_name(c, name), nullptr) << name;
  }
  EXPECT_EQ(find_by_name(c, "libchain_a.so")->path, kFixtures + "/chain/bin/../lib/libchain_a.so");
  EXPECT_EQ(find_by_name(c, "libchain_a.so")->found_by, FoundBy::kRunpath);
  EXPECT_EQ(find_by_name(c, "libchain_c.so")->path, kFixtures + "/chain/bin/../lib/libchain_c.so");
  EXPECT_EQ(find_by_name(c, "libc.so.6")->found_by, FoundBy::kCache);
  // Breadth-first load order: the program, its interpreter, then its needed in order.
  EXPECT_EQ(c.objects[0].path, kFixtures + "/chain/bin/chain_prog");
  expect_same_as_real_loader("chain/bin/chain_prog", c);
}

TEST(Resolver, RpathIsInheritedByLibraries) {
  const Closure c = resolve("inherit/rpath_prog");
  const LoadedObject* leaf = find_by_name(c, "libinh_leaf.so");
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->found_by, FoundBy::kRpath);
  EXPECT_EQ(leaf->path, kFixtures + "/inherit/lib/libinh_leaf.so");
  expect_same_as_real_loader("inherit/rpath_prog", c);
}

TEST(Resolver, RunpathIsNotInherited) {
  const Closure c = resolve("inherit/runpath_prog");
  ASSERT_NE(find_by_name(c, "libinh_top.so"), nullptr);
  EXPECT_EQ(find_by_name(c, "libinh_top.so")->found_by, FoundBy::kRunpath);
  ASSERT_EQ(c.missing.size(), 1u);
  EXPECT_EQ(c.missing[0].name, "libinh_leaf.so");
  EXPECT_EQ(c.objects[c.missing[0].needed_by].path, kFixtures + "/inherit/lib/libinh_top.so");
  // The real loader fails on the same library.
  const auto real = testing::list_with_real_loader(kFixtures + "/inherit/runpath_prog");
  EXPECT_NE(real.status, 0);
  EXPECT_NE(real.output.find("libinh_leaf.so: cannot open shared object file"), std::string::npos) << real.output;
  const auto lines = c.describe_missing();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("libinh_leaf.so: not found (needed by " + kFixtures + "/inherit/lib/libinh_top.so"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("default dirs"), std::string::npos) << lines[0];
}

TEST(Resolver, SonameDifferentFromFileName) {
  const Closure c = resolve("soname/soname_prog");
  const LoadedObject* named = find_by_name(c, "libnamed.so.1");
  ASSERT_NE(named, nullptr);
  // Opened by the name the loader searched for, not by the link's target.
  EXPECT_EQ(named->path, kFixtures + "/soname/lib/libnamed.so.1");
  EXPECT_EQ(named->elf.soname, "libnamed.so.1");
  expect_same_as_real_loader("soname/soname_prog", c);
}

TEST(Resolver, InterpreterIsReusedBySoname) {
  const Closure c = resolve("soname/soname_prog");
  ASSERT_TRUE(c.interpreter.has_value());
  const LoadedObject& interp = c.objects[*c.interpreter];
  EXPECT_EQ(interp.path, "/lib64/ld-linux-x86-64.so.2");
  // libc.so.6 needs ld-linux-x86-64.so.2: matched by the interpreter's DT_SONAME, not searched.
  EXPECT_EQ(find_by_name(c, "ld-linux-x86-64.so.2"), &interp);
}

TEST(Resolver, WrongClassCandidateIsSkipped) {
  const Closure c = resolve("wrongclass/wrongclass_prog");
  expect_path(c, "libwc.so", kFixtures + "/wrongclass/lib64/libwc.so");
  expect_same_as_real_loader("wrongclass/wrongclass_prog", c);
}

TEST(Resolver, TruncatedCandidateEndsTheSearch) {
  const Closure c = resolve("wrongclass/truncated_prog");
  ASSERT_EQ(c.missing.size(), 1u);
  EXPECT_EQ(c.missing[0].name, "libwc.so");
  EXPECT_EQ(c.missing[0].reason, "file too short");
  EXPECT_EQ(c.missing[0].where, kFixtures + "/wrongclass/bad/libwc.so");
  const auto real = testing::list_with_real_loader(kFixtures + "/wrongclass/truncated_prog");
  EXPECT_NE(real.output.find("file too short"), std::string::npos) << real.output;
}

TEST(Resolver, MissingLibraryIsReported) {
  const Closure c = resolve("missing/missing_prog");
  ASSERT_EQ(c.missing.size(), 1u);
  EXPECT_EQ(c.missing[0].name, "libgone.so");
  EXPECT_EQ(c.missing[0].needed_by, 0u);
  EXPECT_EQ(c.missing[0].reason, "not found");
}

TEST(Resolver, SameFileByTwoNamesIsLoadedOnce) {
  const Closure c = resolve("twonames/twonames_prog");
  const LoadedObject* foo = find_by_name(c, "libfoo.so.1");
  ASSERT_NE(foo, nullptr);
  EXPECT_EQ(find_by_name(c, "libfoo-alias.so"), foo);
  EXPECT_EQ(foo->names, (std::vector<std::string>{"libfoo.so.1", "libfoo-alias.so"}));
  // Found through libtwo_a's own DT_RUNPATH ($ORIGIN; the linker's default new dtags).
  EXPECT_EQ(foo->found_by, FoundBy::kRunpath);
  EXPECT_EQ(foo->loader, 2u);
  expect_same_as_real_loader("twonames/twonames_prog", c);
}

TEST(Resolver, StaticExecutableHasNoClosure) {
  const ElfFacts facts = read_elf(kFixtures + "/static_prog");
  EXPECT_TRUE(facts.is_static_executable());
  EXPECT_FALSE(facts.interp.has_value());
  EXPECT_TRUE(facts.needed.empty());
}

TEST(Resolver, HwcapsSubdirectoriesFirst) {
  const Closure c = resolve("hwcaps/hwcaps_prog");
  expect_path(c, "libhw.so", kFixtures + "/hwcaps/lib/glibc-hwcaps/x86-64-v2/libhw.so");
  // The legacy x86_64/ subdirectory: Debian 12's glibc 2.36 still searches it.
  expect_path(c, "libleg.so", kFixtures + "/hwcaps/lib/x86_64/libleg.so");
  expect_same_as_real_loader("hwcaps/hwcaps_prog", c);
}

TEST(Resolver, BundlesIgnoreHwcapsSubdirectories) {
  ResolveOptions portable;
  portable.host_cpu = false;
  const Closure c = resolve("hwcaps/hwcaps_prog", portable);
  EXPECT_EQ(find_by_name(c, "libhw.so")->path, kFixtures + "/hwcaps/lib/libhw.so");
  EXPECT_EQ(find_by_name(c, "libleg.so")->path, kFixtures + "/hwcaps/lib/libleg.so");
}

TEST(Resolver, TheLinkerIsAskedOnlyWhenNeeded) {
  // The lazy resolver (as elfpack uses it) gets the same answers where the linker's values
  // matter: hwcaps subdirectories and the default directories.
  const std::string path = kFixtures + "/hwcaps/hwcaps_prog";
  const ElfFacts elf = read_elf(path);
  Resolver lazy(elf.ident, *elf.interp, ResolveOptions{});
  const Closure c = lazy.resolve(path);
  expect_path(c, "libhw.so", kFixtures + "/hwcaps/lib/glibc-hwcaps/x86-64-v2/libhw.so");
  EXPECT_NE(lazy.profile().source.find("--list-diagnostics"), std::string::npos);
  Resolver lazy_rig(elf.ident, *elf.interp, ResolveOptions{});
  const Closure missing = lazy_rig.resolve(kFixtures + "/missing/missing_prog");
  ASSERT_EQ(missing.missing.size(), 1u);
  EXPECT_NE(missing.describe_missing()[0].find("default dirs: /lib/x86_64-linux-gnu:"), std::string::npos);
}

TEST(Resolver, NeededNamesWithASlashOrATokenAreOpenedAsGiven) {
  const std::string slash = kFixtures + "/slashname/lib/libslash.so";
  const Closure c = resolve("slashname/slash_prog");
  const LoadedObject* o = expect_path(c, slash, slash);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->found_by, FoundBy::kPathName);
  const Closure t = resolve("tokname/tok_prog");
  const LoadedObject* tok = expect_path(t, "$ORIGIN/lib/libtok.so", kFixtures + "/tokname/lib/libtok.so");
  ASSERT_NE(tok, nullptr);
  EXPECT_EQ(tok->found_by, FoundBy::kPathName);
  // The real loader prints such objects by their path alone.
  EXPECT_NE(testing::run_real_loader({"--list", kFixtures + "/tokname/tok_prog"}).find(kFixtures + "/tokname/lib/libtok.so ("),
            std::string::npos);
}

TEST(Resolver, ThirtyTwoBitProgramsUseThirtyTwoBitLibraries) {
  if (::access((kFixtures + "/i386/i386_prog").c_str(), F_OK) != 0) {
    GTEST_SKIP() << "no 32-bit compiler support (apt-get install gcc-12-multilib), so no i386 fixture";
  }
  const Closure c = resolve("i386/i386_prog");
  ASSERT_TRUE(c.interpreter.has_value());
  EXPECT_EQ(c.objects[*c.interpreter].path, "/lib/ld-linux.so.2");
  const LoadedObject* libc = find_by_name(c, "libc.so.6");
  ASSERT_NE(libc, nullptr);
  EXPECT_EQ(libc->elf.ident.elf_class, kElfClass32);
  EXPECT_EQ(libc->found_by, FoundBy::kCache);
  if (!testing::kernel_runs("/lib/ld-linux.so.2")) {
    GTEST_SKIP() << "elfpack's closure checked; this kernel does not run i386 programs (no IA32 emulation), so "
                    "the i386 loader's own list cannot be compared with it";
  }
  const auto real = testing::run_real_loader({"--list", kFixtures + "/i386/i386_prog"}, "/lib/ld-linux.so.2");
  EXPECT_NE(real.find("libc.so.6 => " + libc->path + " ("), std::string::npos) << real;
  EXPECT_NE(real.find("libi386.so => " + kFixtures + "/i386/lib/libi386.so ("), std::string::npos) << real;
}

TEST(Resolver, RpathIgnoredBesideRunpath) {
  const Closure c = resolve("mixed/mixed_prog");
  EXPECT_TRUE(c.objects[0].elf.rpath.has_value());
  EXPECT_EQ(find_by_name(c, "libmix.so")->path, kFixtures + "/mixed/b/libmix.so");
  EXPECT_EQ(find_by_name(c, "libmix.so")->found_by, FoundBy::kRunpath);
  expect_same_as_real_loader("mixed/mixed_prog", c);
}

TEST(Resolver, EmptyRunpathElementIsTheCurrentDirectory) {
  InDirectory here(kFixtures + "/emptyelem");
  const Closure c = [] {
    const ElfFacts elf = read_elf("empty_prog");
    Resolver resolver(loader_profile_for(elf.ident, elf.interp.value_or(""), {}));
    return resolver.resolve("./empty_prog");
  }();
  EXPECT_EQ(find_by_name(c, "libcwd.so")->path, "libcwd.so");
  expect_same_as_real_loader("emptyelem/empty_prog", c);
}

TEST(Resolver, OriginOfALibraryIsThePathItWasOpenedBy) {
  const Closure c = resolve("symorigin/symorigin_prog");
  EXPECT_EQ(find_by_name(c, "libsdep.so")->path, kFixtures + "/symorigin/linked/libsdep.so");
  expect_same_as_real_loader("symorigin/symorigin_prog", c);
}

TEST(Resolver, UnknownTokenStaysLiteral) {
  const Closure c = resolve("unknown/unknown_prog");
  const LoadedObject* unk = expect_path(c, "libunk.so", kFixtures + "/unknown/ulib/libunk.so");
  ASSERT_NE(unk, nullptr);
  EXPECT_EQ(unk->found_in, "RUNPATH of " + kFixtures + "/unknown/unknown_prog: $FOO/lib:" + kFixtures + "/unknown/ulib");
  expect_same_as_real_loader("unknown/unknown_prog", c);
}

TEST(Resolver, NodeflibSkipsCacheAndDefaultDirs) {
  const Closure c = resolve("nodeflib/nodeflib_prog");
  EXPECT_EQ(find_by_name(c, "libc.so.6")->found_by, FoundBy::kRunpath);
  expect_same_as_real_loader("nodeflib/nodeflib_prog", c);
  const Closure none = resolve("nodeflib/nodeflib_missing");
  ASSERT_EQ(none.missing.size(), 1u);
  EXPECT_EQ(none.missing[0].name, "libc.so.6");
  const auto real = testing::list_with_real_loader(kFixtures + "/nodeflib/nodeflib_missing");
  EXPECT_NE(real.output.find("libc.so.6: cannot open shared object file"), std::string::npos) << real.output;
}

TEST(Resolver, LibraryPathComesAfterRpathAndBeforeRunpath) {
  // mixed/a is not on mixed_prog's effective path (its RPATH is ignored); --library-path puts it
  // before the RUNPATH. ';' separates too, and $ORIGIN is the program's directory.
  ResolveOptions options;
  options.library_path = "/nonexistent;$ORIGIN/a";
  const Closure c = resolve("mixed/mixed_prog", options);
  EXPECT_EQ(find_by_name(c, "libmix.so")->path, kFixtures + "/mixed/a/libmix.so");
  EXPECT_EQ(find_by_name(c, "libmix.so")->found_by, FoundBy::kLibraryPath);
  const auto real = testing::run_real_loader({"--library-path", "/nonexistent;" + kFixtures + "/mixed/a", "--list",
                                              kFixtures + "/mixed/mixed_prog"});
  EXPECT_NE(real.find("libmix.so => " + kFixtures + "/mixed/a/libmix.so"), std::string::npos) << real;
}

TEST(SearchPath, TokensAndEmptyElements) {
  TokenValues t{"/o", "lib/x86_64-linux-gnu", "x86_64"};
  EXPECT_EQ(split_search_path("$ORIGIN/a:${ORIGIN}/b/:$LIB:$PLATFORM", ":", t),
            (std::vector<std::string>{"/o/a", "/o/b", "lib/x86_64-linux-gnu", "x86_64"}));
  // An empty element is the current directory; a trailing ':' makes one too.
  EXPECT_EQ(split_search_path("/a::/b:", ":", t), (std::vector<std::string>{"/a", "", "/b"}));
  // Unknown tokens and $ORIGINAL stay literal; duplicates are dropped; both separators for the env.
  EXPECT_EQ(split_search_path("$ORIGINAL:$FOO/x;/a:/a", ":;", t),
            (std::vector<std::string>{"$ORIGINAL", "$FOO/x", "/a"}));
  // An element whose token has no value is dropped.
  TokenValues no_origin{std::nullopt, "lib", ""};
  EXPECT_EQ(split_search_path("$ORIGIN/x:/y:$PLATFORM", ":", no_origin), (std::vector<std::string>{"/y"}));
  EXPECT_EQ(split_search_path("/", ":", t), (std::vector<std::string>{"/"}));
}

}  // namespace
}  // namespace elfpack
