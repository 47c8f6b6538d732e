// The zip writer past 4 GiB: a file of 4 GiB + 1 MiB (sparse, so it costs no disk to make) needs
// zip64 sizes, and, stored uncompressed (--level 0), the entry after it a zip64 offset and the
// central directory a zip64 end record; Info-ZIP's unzip must check every CRC, and Python's
// zipfile read the entries back. The zip takes 4 GiB of disk for a moment.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "elfpack/bundle.h"
#include "elfpack/write/output.h"

namespace elfpack {
namespace {

namespace fs = std::filesystem;

TEST(ZipWriter, Zip64SizesAndOffsetsPastFourGiB) {
  const fs::path dir = fs::temp_directory_path() / ("elfpack-zip64-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  if (fs::space(dir).available < (std::uint64_t{10} << 30)) GTEST_SKIP() << "needs 10 GiB free in " << dir;
  const std::uint64_t big_size = (std::uint64_t{4} << 30) + (1 << 20);
  const std::string big = (dir / "big").string(), small = (dir / "small").string();
  {
    std::ofstream(big, std::ios::binary).put('x');
    fs::resize_file(big, big_size);  // a hole after the first byte
    std::ofstream(small, std::ios::binary) << "after the big one\n";
  }
  BundlePlan plan;
  plan.entries.push_back({BundleEntry::Kind::kDirectory, "data", 0755, {}, {}, {}});
  plan.entries.push_back({BundleEntry::Kind::kFile, "data/big", 0644, big, {}, "big", big_size});
  plan.entries.push_back({BundleEntry::Kind::kFile, "data/small", 0644, small, {}, "small", 18});
  const std::string zip = (dir / "out.zip").string();
  auto writer = open_archive_writer(zip, OutputFormat::kZip, 0);
  write_bundle(plan, *writer, {}, 0);
  EXPECT_GT(fs::file_size(zip), big_size);
  EXPECT_EQ(std::system(("unzip -tqq " + zip).c_str()), 0);
  const std::string check =
      "python3 -c \"import sys, zipfile\n"
      "z = zipfile.ZipFile(sys.argv[1])\n"
      "i = z.getinfo('data/big')\n"
      "assert i.file_size == " + std::to_string(big_size) + ", i.file_size\n"
      "assert z.getinfo('data/small').header_offset > 2**32\n"
      "assert z.read('data/small') == b'after the big one\\\\n'\n"
      "with z.open('data/big') as f: assert f.read(2) == b'x\\\\0'\n\" " + zip;
  EXPECT_EQ(std::system(check.c_str()), 0) << check;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace elfpack
