// What dladdr says of a bundled library (src/layout/library_names.cpp).
#include "layout/library_names.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace elfpack {
namespace {

// Through a merged-/usr link, the name the packages give the files beside the library; through
// any other link, the name the program used.
TEST(LibraryNames, OnlyTheMergedUsrLinkIsResolved) {
  const auto root = std::filesystem::temp_directory_path() / ("elfpack-names-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "usr/lib/x");
  std::filesystem::create_directories(root / "srv/app/lib");
  std::filesystem::create_directory_symlink("usr/lib", root / "lib");
  std::filesystem::create_directory_symlink("../srv/app", root / "opt");
  std::ofstream(root / "usr/lib/x/libm.so.1") << "";
  std::ofstream(root / "srv/app/lib/libapp.so") << "";
  LoadedObject merged;
  merged.path = "/lib/x/libm.so.1";
  merged.file = (root / "lib/x/libm.so.1").string();
  EXPECT_EQ(original_path(merged), "/usr/lib/x/libm.so.1");
  // Under --sysroot the file has the root's links resolved already (in_root).
  merged.file = (root / "usr/lib/x/libm.so.1").string();
  EXPECT_EQ(original_path(merged), "/usr/lib/x/libm.so.1");
  LoadedObject other;
  other.path = "/opt/lib/libapp.so";
  other.file = (root / "opt/lib/libapp.so").string();
  EXPECT_EQ(original_path(other), "/opt/lib/libapp.so");
  other.file = (root / "srv/app/lib/libapp.so").string();
  EXPECT_EQ(original_path(other), "/opt/lib/libapp.so");
  EXPECT_EQ(libraries_list({{"libm.so.1", "/usr/lib/x/libm.so.1"}, {"libapp.so", "/opt/lib/libapp.so"}}),
            "libapp.so\t/opt/lib/libapp.so\nlibm.so.1\t/usr/lib/x/libm.so.1\n");
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace elfpack
