#include "elfpack/runtime/locale_archive.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "elfpack/base/error.h"

namespace elfpack {
namespace {

// A small archive in glibc's format: header, a name hash table of 3 slots (one used, naming
// xx_XX.utf8), the string table, one locale record whose category i holds the bytes "cat<i>".
class Archive {
 public:
  Archive() {
    bytes_.resize(56);
    put(0, 0xde020109);
    const std::uint32_t namehash = 56, strings = namehash + 3 * 12;
    const std::string names = std::string("\0xx_XX.utf8\0", 12);
    const std::uint32_t record = strings + static_cast<std::uint32_t>(names.size());
    const std::uint32_t data = record + 4 + 13 * 8;
    put(8, namehash), put(12, 1), put(16, 3);
    put(20, strings), put(24, static_cast<std::uint32_t>(names.size())), put(28, static_cast<std::uint32_t>(names.size()));
    put(32, record), put(36, 1), put(40, 1);
    bytes_.resize(data);
    put(namehash + 12 + 0, 1234), put(namehash + 12 + 4, strings + 1), put(namehash + 12 + 8, record);
    std::memcpy(bytes_.data() + strings, names.data(), names.size());
    put(record, 1);
    for (std::uint32_t c = 0; c < 13; ++c) {
      const std::string content = "cat" + std::to_string(c);
      put(record + 4 + c * 8, static_cast<std::uint32_t>(bytes_.size()));
      put(record + 8 + c * 8, static_cast<std::uint32_t>(content.size()));
      bytes_.insert(bytes_.end(), content.begin(), content.end());
    }
  }
  void put(std::size_t at, std::uint32_t v) { std::memcpy(bytes_.data() + at, &v, 4); }
  std::vector<unsigned char> bytes_;
};

TEST(LocaleArchive, TakesOneLocaleOutAsItsDirectoryFiles) {
  const Archive a;
  const auto files = read_archived_locale(a.bytes_, "xx_XX.utf8", "archive");
  ASSERT_TRUE(files.has_value());
  EXPECT_EQ(files->size(), 12u);  // every category but LC_ALL
  EXPECT_EQ(files->at("LC_CTYPE"), "cat0");
  EXPECT_EQ(files->at("LC_COLLATE"), "cat3");
  EXPECT_EQ(files->at("LC_MESSAGES/SYS_LC_MESSAGES"), "cat5");
  EXPECT_EQ(files->at("LC_IDENTIFICATION"), "cat12");
  EXPECT_FALSE(read_archived_locale(a.bytes_, "yy_YY.utf8", "archive").has_value());
}

TEST(LocaleArchive, RejectsWhatIsNotOne) {
  const std::vector<unsigned char> text(100, 'x');
  EXPECT_THROW(read_archived_locale(text, "xx_XX.utf8", "archive"), Error);
  EXPECT_THROW(read_archived_locale({}, "xx_XX.utf8", "archive"), Error);
}

TEST(LocaleArchive, OffsetsPastTheEndAreErrorsNamingTheFile) {
  const auto damaged = [](std::size_t at, std::uint32_t value) {
    Archive a;
    a.put(at, value);
    try {
      read_archived_locale(a.bytes_, "xx_XX.utf8", "/x/locale-archive");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(damaged(16, 0x10000000).find("/x/locale-archive: damaged locale archive"), std::string::npos);  // hash size
  EXPECT_NE(damaged(56 + 12 + 4, 0xfffffff0).find("damaged"), std::string::npos);     // name offset
  EXPECT_NE(damaged(56 + 12 + 8, 0xfffffff0).find("damaged"), std::string::npos);     // record offset
  Archive a;
  const std::uint32_t record = 56 + 36 + 12;
  a.put(record + 8, 0xffffffff);  // LC_CTYPE's length
  EXPECT_THROW(read_archived_locale(a.bytes_, "xx_XX.utf8", "archive"), Error);
  // A name that runs to the end with no NUL.
  Archive b;
  b.bytes_.resize(b.bytes_.size() + 1, 'z');
  b.put(56 + 12 + 4, static_cast<std::uint32_t>(b.bytes_.size() - 1));
  EXPECT_THROW(read_archived_locale(b.bytes_, "xx_XX.utf8", "archive"), Error);
}

}  // namespace
}  // namespace elfpack
