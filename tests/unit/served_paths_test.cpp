#include "elfpack/layout/served_paths.h"

#include <gtest/gtest.h>

#include "elfpack/base/error.h"

namespace elfpack {
namespace {

using Kind = ServedPath::Kind;

TEST(ServedPaths, WritesSortedUniqueEntriesThatReadBack) {
  const std::string bytes = write_served_index({{"/usr/share/x/b", Kind::kFile, false},
                                                {"/usr/share/x", Kind::kDirectory, false},
                                                {"/usr/share", Kind::kDirectory, false},
                                                {"/usr/share/only", Kind::kDirectory, true},
                                                {"/usr/share/x/b", Kind::kFile, true},
                                                {"/usr/share/x-y", Kind::kSymlink, false}});
  ASSERT_EQ(bytes.substr(0, 8), "ELFPACKI");
  const auto read = read_served_index(bytes);
  ASSERT_TRUE(read.has_value());
  const std::vector<ServedPath> expected{{"/usr/share", Kind::kDirectory, false},
                                         {"/usr/share/only", Kind::kDirectory, true},
                                         {"/usr/share/x", Kind::kDirectory, false},
                                         {"/usr/share/x-y", Kind::kSymlink, false},
                                         {"/usr/share/x/b", Kind::kFile, true}};
  EXPECT_EQ(*read, expected);
}

TEST(ServedPaths, HeaderHoldsVersionCountAndStringSize) {
  const std::string bytes = write_served_index({{"/a", Kind::kFile, false}});
  ASSERT_EQ(bytes.size(), 24u + 12u + 3u);
  EXPECT_EQ(bytes[8], 1);    // version
  EXPECT_EQ(bytes[12], 1);   // count
  EXPECT_EQ(bytes[16], 3);   // "/a\0"
  EXPECT_EQ(bytes.substr(36), std::string("/a\0", 3));
}

TEST(ServedPaths, EmptyIndexIsValid) {
  const auto read = read_served_index(write_served_index({}));
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->empty());
}

TEST(ServedPaths, RefusesPathsThatAreNotAbsoluteAndNormal) {
  for (const std::string& bad : std::vector<std::string>{"relative", "/", "/a/", "/a//b", "/a/./b", "/a/../b", std::string("/a\0b", 4)}) {
    EXPECT_THROW(write_served_index({{bad, Kind::kFile, false}}), Error) << bad;
  }
}

TEST(ServedPaths, ServedFormIsLexicallyNormal) {
  EXPECT_EQ(served_form("/a/bin/../lib/x.so"), "/a/lib/x.so");
  EXPECT_EQ(served_form("/a//b/./c/"), "/a/b/c");
  EXPECT_EQ(served_form("/.."), "/");
}

TEST(ServedPaths, DamagedIndexesAreRefused) {
  const std::string good = write_served_index({{"/a", Kind::kFile, false}, {"/b", Kind::kDirectory, true}});
  ASSERT_TRUE(read_served_index(good).has_value());
  EXPECT_FALSE(read_served_index(good.substr(0, 20)).has_value());            // short header
  EXPECT_FALSE(read_served_index(good.substr(0, good.size() - 1)).has_value());  // cut strings
  std::string bad = good;
  bad[0] = 'X';
  EXPECT_FALSE(read_served_index(bad).has_value());  // magic
  bad = good;
  bad[8] = 2;
  EXPECT_FALSE(read_served_index(bad).has_value());  // version
  bad = good;
  bad[12] = 100;
  EXPECT_FALSE(read_served_index(bad).has_value());  // count past the end
  bad = good;
  bad[24] = 50;
  EXPECT_FALSE(read_served_index(bad).has_value());  // offset past the strings
  bad = good;
  bad[28] = 9;
  EXPECT_FALSE(read_served_index(bad).has_value());  // length past its NUL
  bad = good;
  bad[32] = 7;
  EXPECT_FALSE(read_served_index(bad).has_value());  // unknown kind
  bad = good;
  std::swap(bad[24], bad[36]);  // entries out of order
  EXPECT_FALSE(read_served_index(bad).has_value());
}

}  // namespace
}  // namespace elfpack
