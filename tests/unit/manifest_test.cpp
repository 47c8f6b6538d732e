#include "elfpack/write/manifest.h"

#include <gtest/gtest.h>

namespace elfpack {
namespace {

// Bytes per package: copied files by their planned size, generated ones by their bytes; files of
// no package are not counted; largest first.
TEST(Manifest, PackageSizesAreLargestFirst) {
  BundlePlan plan;
  plan.entries = {
      {BundleEntry::Kind::kFile, "lib/a", 0644, "/x/a", {}, "closure", 100, "small"},
      {BundleEntry::Kind::kFile, "root/usr/share/b", 0644, "/x/b", {}, "package big", 300, "big"},
      {BundleEntry::Kind::kBytes, "ld.so", 0755, "/x/ld", "12345", "interpreter", 0, "small"},
      {BundleEntry::Kind::kBytes, "bin/p", 0755, {}, "launcher bytes", "launcher", 0, ""},
      {BundleEntry::Kind::kDirectory, "lib", 0755, {}, {}, {}, 0, "big"},
  };
  const auto sizes = package_sizes(plan);
  ASSERT_EQ(sizes.size(), 2u);
  EXPECT_EQ(sizes[0].name, "big");
  EXPECT_EQ(sizes[0].bytes, 300u);
  EXPECT_EQ(sizes[1].name, "small");
  EXPECT_EQ(sizes[1].bytes, 105u);
  EXPECT_EQ(sizes[1].files, 2);
  const std::string json = manifest_json(plan, "out/", "dir", std::nullopt);
  EXPECT_NE(json.find("\"packages\": [\n    {\n      \"name\": \"big\",\n      \"files\": 1,\n      \"bytes\": 300"),
            std::string::npos)
      << json;
}

// A layer's Lambda figures: null for a bundle that is not one; for a zip over a direct upload's
// 50 MiB, direct_upload false, with the zip's size.
TEST(Manifest, LambdaFiguresOfALayer) {
  BundlePlan plan;
  EXPECT_NE(manifest_json(plan, "out/", "dir", std::nullopt).find("\"lambda\": null"), std::string::npos);
  plan.lambda = LambdaFacts{.unzipped = 200u << 20, .architecture = "x86_64", .glibc = "2.36",
                            .zipped = 60u << 20, .direct_upload = false};
  const std::string json = manifest_json(plan, "b.zip", "zip", 60u << 20);
  EXPECT_NE(json.find("\"lambda\": {\n    \"architecture\": \"x86_64\",\n    \"unzipped_bytes\": 209715200,\n"
                      "    \"zipped_bytes\": 62914560,\n    \"direct_upload\": false,\n    \"glibc\": \"2.36\"\n  }"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace elfpack
