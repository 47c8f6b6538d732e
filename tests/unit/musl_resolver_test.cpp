// musl's rules (ldso/dynlink.c), checked against musl's own loader on fixtures built with
// musl-gcc. The fixtures exist when musl-tools is installed, as ./dev.sh test installs it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

#include "elfpack/resolve/resolver.h"
#include "loader_list.h"

namespace elfpack {
namespace {

const std::string kMusl = std::string(ELFPACK_FIXTURE_DIR) + "/musl";
constexpr const char* kLinker = "/lib/ld-musl-x86_64.so.1";

class MuslResolver : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kLinker, X_OK) != 0 || ::access((kMusl + "/inherit_prog").c_str(), F_OK) != 0) {
      GTEST_SKIP() << "musl is not installed (apt-get install musl-tools), so neither are its fixtures";
    }
  }

  static Closure resolve(const std::string& name) {
    const std::string path = kMusl + "/" + name;
    const ElfFacts elf = read_elf(path);
    Resolver resolver(loader_profile_for(elf.ident, elf.interp.value_or(""), {}));
    EXPECT_EQ(resolver.profile().family, LoaderFamily::kMusl);
    return resolver.resolve(path);
  }

  // Every "name => path" musl's loader prints, elfpack resolves the same way, and nothing more.
  static void expect_same_as_musl(const std::string& name, const Closure& c) {
    const auto real = testing::list_with_real_loader(kMusl + "/" + name, kLinker);
    std::map<std::string, std::string> ours;
    for (std::size_t i = 1; i < c.objects.size(); ++i) {
      for (const auto& n : c.objects[i].names) ours[n] = c.objects[i].path;
    }
    EXPECT_EQ(ours, real.found) << real.output;
    for (const auto& m : c.missing) {
      EXPECT_NE(real.output.find("Error loading shared library " + m.name + ": "), std::string::npos) << real.output;
    }
  }

  static const LoadedObject* find(const Closure& c, const std::string& name) {
    for (const auto& o : c.objects) {
      if (std::find(o.names.begin(), o.names.end(), name) != o.names.end()) return &o;
    }
    return nullptr;
  }
};

TEST_F(MuslResolver, RunPathIsInheritedAndEmptyElementsSkipped) {
  const Closure c = resolve("inherit_prog");
  ASSERT_NE(find(c, "libm_leaf.so"), nullptr);
  EXPECT_EQ(find(c, "libm_leaf.so")->path, kMusl + "/lib/libm_leaf.so");
  EXPECT_EQ(find(c, "libm_leaf.so")->found_by, FoundBy::kRunpath);
  // libc.so is the linker itself.
  ASSERT_TRUE(c.interpreter.has_value());
  EXPECT_EQ(find(c, "libc.so"), &c.objects[*c.interpreter]);
  expect_same_as_musl("inherit_prog", c);
}

TEST_F(MuslResolver, AnyOtherTokenVoidsTheRunPath) {
  const Closure c = resolve("void_prog");
  ASSERT_EQ(c.missing.size(), 1u);
  EXPECT_EQ(c.missing[0].name, "libm_vleaf.so");
  expect_same_as_musl("void_prog", c);
}

TEST_F(MuslResolver, ReuseByBasenameNotBySearch) {
  const Closure c = resolve("dup_prog");
  ASSERT_NE(find(c, "libm_dup.so"), nullptr);
  EXPECT_EQ(find(c, "libm_dup.so")->path, kMusl + "/dup1/libm_dup.so");
  expect_same_as_musl("dup_prog", c);
}

TEST_F(MuslResolver, SystemPathFromTheLinkersPathFile) {
  const ElfIdent x64{.elf_class = kElfClass64, .little_endian = true, .osabi = 0, .type = kEtExec, .machine = kEmX86_64};
  const LoaderProfile p = musl_profile_for(x64, kLinker, "/");
  // Debian's musl: /etc/ld-musl-x86_64.path.
  EXPECT_EQ(p.default_dirs, (std::vector<std::string>{"/lib/x86_64-linux-musl", "/usr/lib/x86_64-linux-musl"}));
  // No such file next to a linker elsewhere: musl's built-in default.
  const LoaderProfile other = musl_profile_for(x64, "/nonexistent/lib/ld-musl-x86_64.so.1", "/");
  EXPECT_EQ(other.default_dirs, (std::vector<std::string>{"/lib", "/usr/local/lib", "/usr/lib"}));
}

}  // namespace
}  // namespace elfpack
