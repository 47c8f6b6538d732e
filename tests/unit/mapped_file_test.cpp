#include "elfpack/base/mapped_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "elfpack/bundle.h"
#include "elfpack/base/error.h"
#include "elfpack/write/output.h"

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
  const std::string path = dir.file("shrinks", kReadBelow + 3 * kPage + 100);
  const MappedFile file(path);
  EXPECT_NO_THROW(file.ensure_intact());
  ASSERT_EQ(::truncate(path.c_str(), 10), 0);
  // Without the handler this read dies of SIGBUS: the file has no page there any more.
  EXPECT_EQ(file.bytes()[kReadBelow + 2 * kPage + 5], 0);
  EXPECT_EQ(file.bytes()[kReadBelow + 3 * kPage + 99], 0);
  try {
    file.ensure_intact();
    FAIL() << "a shrunk file passed as intact";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": changed while being read (now shorter than the " +
                                         std::to_string(kReadBelow + 3 * kPage + 100) + " bytes it had)");
  }
}

TEST(MappedFile, AnotherMappingStaysIntactAndAFreedSlotStartsClean) {
  ScratchDir dir;
  const std::string a = dir.file("a", kReadBelow + 2 * kPage);
  const std::string b = dir.file("b", kReadBelow + 2 * kPage);
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
  for (int i = 0; i < 1100; ++i) files.emplace_back(dir.file("f" + std::to_string(i), kReadBelow + i));
  for (std::size_t i = 0; i < 1100; ++i) {
    ASSERT_EQ(files[i].bytes().size(), kReadBelow + i);
    EXPECT_EQ(files[i].bytes()[kReadBelow + i - 1], static_cast<unsigned char>((kReadBelow + i - 1) % 251 + 1));
  }
  files.clear();
  const MappedFile after(dir.file("after", kReadBelow + kPage + 1));  // slots were given back
  ASSERT_EQ(::truncate(after.path().c_str(), 0), 0);
  EXPECT_EQ(after.bytes()[kReadBelow + kPage], 0);
  EXPECT_THROW(after.ensure_intact(), Error);
}

// A file under kReadBelow is read whole: its bytes are a copy, which the file changing later
// leaves as they were (a mapping would read zeros where the file was cut).
TEST(MappedFile, ASmallFileIsReadWholeAndKeepsItsBytes) {
  ScratchDir dir;
  const std::string path = dir.file("small", 3 * kPage);
  ASSERT_LT(3 * kPage, kReadBelow);
  MappedFile file(path);
  ASSERT_EQ(::truncate(path.c_str(), 0), 0);
  ASSERT_EQ(file.bytes().size(), 3 * kPage);
  EXPECT_EQ(file.bytes()[2 * kPage + 5], static_cast<unsigned char>((2 * kPage + 5) % 251 + 1));
  EXPECT_NO_THROW(file.ensure_intact());
  const MappedFile moved = std::move(file);  // the copy goes with it, freed once
  EXPECT_EQ(moved.bytes()[kPage], static_cast<unsigned char>(kPage % 251 + 1));
}

TEST(MappedFileDeathTest, ASigbusNotFromAMappingStillKills) {
  ScratchDir dir;
  const MappedFile file(dir.file("x", kReadBelow));  // mapped: the handler is installed
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
  const std::string source = dir.file("lib.so", kReadBelow + 5 * kPage);
  BundlePlan plan;
  plan.entries.push_back(
      {BundleEntry::Kind::kFile, "lib/lib.so", 0644, source, "", "a test file", kReadBelow + 5 * kPage});
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

// A writer of a stream that cannot be patched, as xz and zstd: the id is known before begin().
class UnpatchableWriter : public BundleWriter {
 public:
  explicit UnpatchableWriter(std::string cut = "") : cut_(std::move(cut)) {}
  Coding coding() const override { return {.patches_id = false}; }
  void begin(const BundlePlan& plan) override {
    id = plan.id;
    if (!cut_.empty()) {
      EXPECT_EQ(::truncate(cut_.c_str(), 1), 0);  // after the hashing pass, before the writing
    }
  }
  void start_entry(const BundleEntry& entry, std::uint64_t) override { paths.push_back(entry.path); }
  void piece(const Piece& piece) override {
    for (const unsigned char c : piece.raw) sum += c;
  }
  void commit() override { committed = true; }
  std::string id;
  std::vector<std::string> paths;
  unsigned long sum = 0;
  bool committed = false;

 private:
  std::string cut_;
};

// A pending plan of `files` private files of a few pages each.
BundlePlan private_files(const ScratchDir& dir, int files) {
  BundlePlan plan;
  plan.id = kPendingId;
  const std::string priv = std::string(kPrivateRoot) + "/" + kPendingId;
  for (int i = 0; i < files; ++i) {
    const std::string name = "f" + std::to_string(1000 + i);
    const std::size_t size = kReadBelow + kPage * static_cast<std::size_t>(1 + i % 3) + static_cast<std::size_t>(i);
    plan.entries.push_back({BundleEntry::Kind::kFile, priv + "/root/" + name, 0644, dir.file(name, size), "", "a test file", size});
  }
  return plan;
}

// The hashing pass before an unpatchable stream gives the id content_id gives, on any number of
// threads, past the mappings it keeps for the writing too (512), and the writer sees every byte.
TEST(MappedFile, AStreamThatCannotBePatchedGetsTheContentIdFirst) {
  ScratchDir dir;
  for (const int files : {3, 600}) {
    const BundlePlan planned = private_files(dir, files);
    const std::string expected = content_id(planned);
    for (const unsigned jobs : {1u, 3u}) {
      BundlePlan plan = planned;
      UnpatchableWriter writer;
      write_bundle(plan, writer, {}, jobs);
      EXPECT_EQ(writer.id, expected) << files << " files, " << jobs << " threads";
      EXPECT_EQ(plan.id, expected);
      ASSERT_EQ(writer.paths.size(), static_cast<std::size_t>(files));
      EXPECT_EQ(writer.paths[0], std::string(kPrivateRoot) + "/" + expected + "/root/f1000");
      EXPECT_TRUE(writer.committed);
      unsigned long sum = 0;
      for (const auto& e : planned.entries) {
        for (std::size_t at = 0; at < e.size; ++at) sum += at % 251 + 1;
      }
      EXPECT_EQ(writer.sum, sum);
    }
  }
}

// A file cut short after it was hashed and before it was written (its mapping kept between the
// two) is an error before commit, as when cut short while written.
TEST(MappedFile, AFileCutShortBetweenHashingAndWritingIsAnErrorBeforeCommit) {
  ScratchDir dir;
  BundlePlan plan = private_files(dir, 3);
  const std::string source = plan.entries[1].source;
  UnpatchableWriter writer(source);
  try {
    write_bundle(plan, writer, {}, 2);
    FAIL() << "a shrunk file was written";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(source + ": changed while being read"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(writer.committed);
}

}  // namespace
}  // namespace elfpack
