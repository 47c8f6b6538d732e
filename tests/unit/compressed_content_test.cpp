// Content compressed already is not deflated again: told by its signature, or marked compressed
// (the payload); a zip stores it (method 0), a tar.gz carries it in stored blocks. Content
// without either is deflated as before.
#include "write/compressed_content.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "elfpack/bundle.h"
#include "elfpack/write/output.h"

namespace elfpack {
namespace {

namespace fs = std::filesystem;

bool signed_as_compressed(std::string_view bytes) {
  return has_compressed_signature({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()});
}

TEST(CompressedContent, KnowsTheSignaturesOfCompressedFormats) {
  using namespace std::string_view_literals;
  for (const auto bytes : {"\x28\xb5\x2f\xfd\x04\x00"sv, "\xfd\x37\x7a\x58\x5a\x00\x00"sv, "\x1f\x8b\x08\x00"sv,
                           "\x04\x22\x4d\x18"sv, "\x37\x7a\xbc\xaf\x27\x1c"sv, "\x89PNG\r\n\x1a\n...."sv,
                           "\xff\xd8\xff\xe0"sv, "wOFF\x00\x01"sv, "wOF2\x00\x01"sv, "BZh91AY&SY..."sv}) {
    EXPECT_TRUE(signed_as_compressed(bytes)) << bytes;
  }
  for (const auto bytes : {""sv, "\x28\xb5\x2f"sv, "\x7f" "ELF\x02\x01"sv, "BZh9 is text"sv, "BZh0" "1AY&SY"sv,
                           "\x1f\x8b\x07"sv, "#!/bin/sh\n"sv, "EPZ1"sv}) {
    EXPECT_FALSE(signed_as_compressed(bytes)) << bytes;
  }
}

TEST(CompressedContent, ArchivesStoreItAsItIs) {
  const fs::path dir = fs::temp_directory_path() / ("elfpack-compressed-content-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // Zeros deflate to almost nothing: an entry that stays their size was not deflated. Two MiB
  // and 40 MiB: one piece, and many (past the size a zip's entry is compressed whole).
  const std::string zeros(2 << 20, '\0'), big(40 << 20, '\0');
  BundlePlan plan;
  plan.entries.push_back({BundleEntry::Kind::kBytes, "marked", 0644, {}, zeros, "test"});
  plan.entries.back().compressed = true;
  plan.entries.push_back({BundleEntry::Kind::kBytes, "marked-big", 0644, {}, big, "test"});
  plan.entries.back().compressed = true;
  plan.entries.push_back({BundleEntry::Kind::kBytes, "plain", 0644, {}, zeros, "test"});
  plan.entries.push_back({BundleEntry::Kind::kBytes, "zstd", 0644, {}, "\x28\xb5\x2f\xfd" + zeros, "test"});
  const std::string zip = (dir / "out.zip").string();
  {
    BundlePlan p = plan;
    write_bundle(p, *open_archive_writer(zip, OutputFormat::kZip, 6), {}, 2);
  }
  const std::string check =
      "python3 -c \"import sys, zipfile\n"
      "z = zipfile.ZipFile(sys.argv[1])\n"
      "m = {i.filename: (i.compress_type, i.compress_size) for i in z.infolist()}\n"
      "assert m['marked'] == (0, 2 << 20), m\n"
      "assert m['marked-big'] == (0, 40 << 20), m\n"
      "assert m['zstd'] == (0, (2 << 20) + 4), m\n"
      "assert m['plain'][0] == 8 and m['plain'][1] < 65536, m\n"
      "assert z.testzip() is None\n\" " + zip;
  EXPECT_EQ(std::system(check.c_str()), 0) << check;
  // A tar.gz: the stream goes on, in stored blocks, and stays valid.
  const std::string tgz = (dir / "out.tar.gz").string();
  {
    BundlePlan p = plan;
    write_bundle(p, *open_archive_writer(tgz, OutputFormat::kTarGz, 6), {}, 2);
  }
  EXPECT_GT(fs::file_size(tgz), (std::uintmax_t{44} << 20));
  const std::string read_back =
      "python3 -c \"import sys, tarfile\n"
      "t = tarfile.open(sys.argv[1])\n"
      "assert t.extractfile('marked-big').read() == bytes(40 << 20)\n"
      "assert t.extractfile('zstd').read()[4:] == bytes(2 << 20)\n\" " + tgz;
  EXPECT_EQ(std::system(read_back.c_str()), 0) << read_back;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace elfpack
