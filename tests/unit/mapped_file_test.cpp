#include "elfpack/mapped_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "elfpack/bundle.h"
#include "elfpack/error.h"
#include "elfpack/output.h"

namespace elfpack {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() : path_(fs::temp_directory_path() / ("elfpack-mapped-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  // A file of `size` bytes, each (offset % 251) + 1, so none is zero.
  std::string file(const std::string& name, std::size_t size) const {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i % 251 + 1);
    const std::string path = (path_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

 private:
  fs::path path_;
};

const std::size_t kPage = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));

TEST(MappedFile, AFileCutShortWhileMappedReadsZerosAndIsReported) {
  ScratchDir dir;
  const std::string path = dir.file("shrinks", 3 * kPage + 100);
  const MappedFile file(path);
  EXPECT_NO_THROW(file.ensure_intact());
  ASSERT_EQ(::truncate(path.c_str(), 10), 0);
  // Without the handler this read dies of SIGBUS: the file has no page there any more.
  EXPECT_EQ(file.bytes()[2 * kPage + 5], 0);
  EXPECT_EQ(file.bytes()[3 * kPage + 99], 0);
  try {
    file.ensure_intact();
    FAIL() << "a shrunk file passed as intact";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": changed while being read (now shorter than the " +
                                         std::to_string(3 * kPage + 100) + " bytes it had)");
  }
}

TEST(MappedFile, AnotherMappingStaysIntactAndAFreedSlotStartsClean) {
  ScratchDir dir;
  const std::string a = dir.file("a", 2 * kPage);
  const std::string b = dir.file("b", 2 * kPage);
  {
    const MappedFile shrinking(a);
    const MappedFile steady(b);
    ASSERT_EQ(::truncate(a.c_str(), 0), 0);
    EXPECT_EQ(shrinking.bytes()[kPage], 0);
    EXPECT_EQ(steady.bytes()[kPage], static_cast<unsigned char>(kPage % 251 + 1));
    EXPECT_THROW(shrinking.ensure_intact(), Error);
    EXPECT_NO_THROW(steady.ensure_intact());
  }
  const MappedFile again(b);  // may take the slot the shrunk file had
  EXPECT_NO_THROW(again.ensure_intact());
}

TEST(MappedFile, MoreFilesThanTheHandlerHasSlotsForAreReadInstead) {
  ScratchDir dir;
  std::vector<MappedFile> files;
  for (int i = 0; i < 1100; ++i) files.emplace_back(dir.file("f" + std::to_string(i), 300 + i));
  for (int i = 0; i < 1100; ++i) {
    ASSERT_EQ(files[i].bytes().size(), static_cast<std::size_t>(300 + i));
    EXPECT_EQ(files[i].bytes()[299 + i], static_cast<unsigned char>((299 + i) % 251 + 1));
  }
  files.clear();
  const MappedFile after(dir.file("after", kPage + 1));  // slots were given back
  ASSERT_EQ(::truncate(after.path().c_str(), 0), 0);
  EXPECT_EQ(after.bytes()[kPage], 0);
  EXPECT_THROW(after.ensure_intact(), Error);
}

TEST(MappedFileDeathTest, ASigbusNotFromAMappingStillKills) {
  ScratchDir dir;
  const MappedFile file(dir.file("x", 10));  // the handler is installed
  EXPECT_EXIT(::raise(SIGBUS), testing::KilledBySignal(SIGBUS), "");
}

// A writer that cuts the file short: after it was mapped, just before reading a piece of it, as a
// concurrent rewrite would (`in_piece`), or before it was mapped (after it was planned).
class ShrinkingWriter : public BundleWriter {
 public:
  ShrinkingWriter(std::string source, bool in_piece) : source_(std::move(source)), in_piece_(in_piece) {}
  void begin(const BundlePlan&) override {
    if (!in_piece_) {
      EXPECT_EQ(::truncate(source_.c_str(), 1), 0);
    }
  }
  void start_entry(const BundleEntry&, std::uint64_t) override {}
  void piece(const Piece& piece) override {
    if (in_piece_) {
      EXPECT_EQ(::truncate(source_.c_str(), 1), 0);
    }
    for (const unsigned char c : piece.raw) sum += c;
  }
  void commit() override { committed = true; }
  unsigned long sum = 0;
  bool committed = false;

 private:
  std::string source_;
  bool in_piece_;
};

void expect_cut_short_is_an_error(bool in_piece) {
  ScratchDir dir;
  const std::string source = dir.file("lib.so", 5 * kPage);
  BundlePlan plan;
  plan.entries.push_back({BundleEntry::Kind::kFile, "lib/lib.so", 0644, source, "", "a test file", 5 * kPage});
  ShrinkingWriter writer(source, in_piece);
  try {
    write_bundle(plan, writer);
    FAIL() << "a shrunk file was written";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(source + ": changed while being read"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(writer.committed);
}

TEST(MappedFile, ABundleFileCutShortWhileWrittenIsAnErrorBeforeCommit) { expect_cut_short_is_an_error(true); }

TEST(MappedFile, ABundleFileCutShortAfterPlanningIsAnErrorBeforeCommit) { expect_cut_short_is_an_error(false); }

}  // namespace
}  // namespace elfpack
