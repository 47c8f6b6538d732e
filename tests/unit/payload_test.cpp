#include "elfpack/write/payload.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <xxhash.h>
#include <zstd.h>

#include "elfpack/base/error.h"
#include "payload_format.h"

namespace elfpack {
namespace {

namespace fs = std::filesystem;

BundleEntry bytes_entry(const std::string& path, const std::string& bytes, mode_t mode = 0644) {
  return {BundleEntry::Kind::kBytes, path, mode, {}, bytes, "test"};
}

struct Read {
  std::vector<payload_entry> entries;
  std::string content;  // every frame expanded, in order
};

// What the expander would see: the entries and the content, every check of the reader passed.
Read read_payload(const std::string& bytes) {
  payload p;
  const char* problem = "";
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (payload_open(&p, data, bytes.size(), &problem) != 0) throw Error(problem);
  EXPECT_EQ(XXH3_64bits(data + PAYLOAD_DIGESTED_FROM, p.data - PAYLOAD_DIGESTED_FROM), p.digest);
  Read read;
  std::uint64_t cursor = 0, offset = 0;
  payload_entry e;
  int r;
  while ((r = payload_next(&p, &cursor, &offset, &e, &problem)) == 1) read.entries.push_back(e);
  if (r < 0) throw Error(problem);
  EXPECT_EQ(read.entries.size(), p.entries);
  EXPECT_EQ(offset, p.expanded);
  payload_frame before{}, f{};
  for (std::uint32_t i = 0; i < p.frames; ++i) {
    payload_frame_at(&p, i, i ? &before : nullptr, &f);
    std::string out(f.content_size, '\0');
    const std::size_t n = ZSTD_decompress(out.data(), out.size(), data + f.coded_offset, f.coded_size);
    EXPECT_EQ(n, f.content_size);
    EXPECT_EQ(XXH3_64bits(out.data(), out.size()), f.hash);
    EXPECT_EQ(f.content_offset, read.content.size());
    read.content += out;
    before = f;
  }
  return read;
}

TEST(Payload, HoldsFilesLinksAndTheirParentDirectoriesInPathOrder) {
  const fs::path dir = fs::temp_directory_path() / ("elfpack-payload-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  { std::ofstream(dir / "big") << std::string(3 << 20, 'x') << "end"; }
  BundleEntry copied{BundleEntry::Kind::kFile, "lib/elfpack/id/exe/prog", 0755, (dir / "big").string(), {}, "test",
                     (3u << 20) + 3};
  BundleEntry link{BundleEntry::Kind::kSymlink, "lib/elfpack/id/lib/libx.so.1", 0777, {}, "libx.so.1.2", "test"};
  const std::vector<BundleEntry> entries = {bytes_entry("bin/prog", "launcher", 0755), copied, link,
                                            bytes_entry("lib/elfpack/id/lib/libx.so.1.2", "library"),
                                            bytes_entry("lib/elfpack/id/empty", "")};
  const Payload payload = make_payload(entries, 1, 2);
  fs::remove_all(dir);
  const Read read = read_payload(payload.bytes);
  std::vector<std::string> paths;
  for (const auto& e : read.entries) paths.push_back(e.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"bin", "bin/prog", "lib", "lib/elfpack", "lib/elfpack/id",
                                             "lib/elfpack/id/empty", "lib/elfpack/id/exe", "lib/elfpack/id/exe/prog",
                                             "lib/elfpack/id/lib", "lib/elfpack/id/lib/libx.so.1",
                                             "lib/elfpack/id/lib/libx.so.1.2"}));
  EXPECT_EQ(read.entries[1].mode, 0755u);
  EXPECT_EQ(read.entries[9].kind, unsigned{PAYLOAD_SYMLINK});
  EXPECT_STREQ(read.entries[9].target, "libx.so.1.2");
  EXPECT_EQ(read.content, "launcher" + std::string(3 << 20, 'x') + "end" + "library");
  EXPECT_EQ(read.entries[7].offset, 8u);
  EXPECT_EQ(payload.expanded, read.content.size());
  EXPECT_EQ(payload.frames, 1u);
}

TEST(Payload, StoresTheBytesOfIdenticalFilesOnceAsHardLinks) {
  const std::string big(1 << 20, 'b');
  BundleEntry copy = bytes_entry("lib/two", big), other_mode = bytes_entry("lib/three", big, 0755);
  copy.same_as = other_mode.same_as = "lib/one";
  const Payload payload = make_payload({bytes_entry("lib/one", big), copy, other_mode}, 1, 1);
  const Read read = read_payload(payload.bytes);
  ASSERT_EQ(read.entries.size(), 4u);  // lib, lib/one, lib/three, lib/two
  EXPECT_EQ(read.entries[1].kind, unsigned{PAYLOAD_FILE});
  EXPECT_EQ(read.entries[2].kind, unsigned{PAYLOAD_FILE});  // another mode: a link would change it
  EXPECT_EQ(read.entries[3].kind, unsigned{PAYLOAD_HARDLINK});
  EXPECT_STREQ(read.entries[3].path, "lib/two");
  EXPECT_STREQ(read.entries[3].target, "lib/one");
  EXPECT_EQ(read.content, big + big);
  EXPECT_EQ(payload.expanded, 2 * big.size());
  EXPECT_EQ(payload.space_needed, 4096 + 4096 + 2 * big.size());  // the link takes no block
}

TEST(Payload, CutsTheContentIntoFramesThatSpanFiles) {
  const std::string a(kPayloadFrameSize - 10, 'a'), b(30, 'b'), c(kPayloadFrameSize + 5, 'c');
  const Payload payload = make_payload({bytes_entry("a", a), bytes_entry("b", b), bytes_entry("c", c)}, 1, 3);
  EXPECT_EQ(payload.frames, 3u);
  EXPECT_EQ(read_payload(payload.bytes).content, a + b + c);
  // The same bytes for any number of threads.
  EXPECT_EQ(make_payload({bytes_entry("a", a), bytes_entry("b", b), bytes_entry("c", c)}, 1, 1).bytes, payload.bytes);
}

TEST(Payload, TheDigestNamesTheTreeAndChangesWithTheContent) {
  const Payload one = make_payload({bytes_entry("f", "one")}, 1, 1);
  const Payload two = make_payload({bytes_entry("f", "two")}, 1, 1);
  EXPECT_NE(one.digest, two.digest);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(one.digest));
  EXPECT_EQ(payload_tree(one.digest, 62), std::string("/tmp/elfpack-") + hex + "-x86_64");
  EXPECT_EQ(payload_tree(one.digest, 183), std::string("/tmp/elfpack-") + hex + "-aarch64");
}

TEST(Payload, RefusesWhatTheExpanderWouldRefuse) {
  EXPECT_THROW(make_payload({bytes_entry("/abs", "x")}), Error);
  EXPECT_THROW(make_payload({bytes_entry("a", "x"), bytes_entry("a", "y")}), Error);
}

// A valid payload with one byte of its index changed.
std::string with_byte(std::string bytes, std::size_t at, char value) {
  bytes[at] = value;
  return bytes;
}

TEST(PayloadReader, RefusesCutOrInconsistentPayloads) {
  const std::string good = make_payload({bytes_entry("dir/file", "content")}, 1, 1).bytes;
  payload p;
  const char* problem = "";
  const auto open = [&](const std::string& bytes) {
    return payload_open(&p, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), &problem);
  };
  ASSERT_EQ(open(good), 0);
  for (std::size_t n = 0; n < good.size(); ++n) EXPECT_EQ(open(good.substr(0, n)), -1) << "cut at " << n;
  EXPECT_EQ(open(good + "x"), -1);
  EXPECT_EQ(open(with_byte(good, 0, 'X')), -1);
  EXPECT_STREQ(problem, "not an elfpack payload (no EPZ1 magic)");
  EXPECT_EQ(open(with_byte(good, 24, '\x7f')), -1);  // index size
  EXPECT_EQ(open(with_byte(good, 32, '\x7f')), -1);  // entries
  EXPECT_EQ(open(with_byte(good, 16, '\x01')), -1);  // expanded size
}

// The entries of `bytes` read until the end or the first refusal: the refusal's text, or "".
std::string first_refusal(const std::string& bytes) {
  payload p;
  const char* problem = "";
  if (payload_open(&p, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), &problem) != 0) return problem;
  std::uint64_t cursor = 0, offset = 0;
  payload_entry e;
  int r;
  while ((r = payload_next(&p, &cursor, &offset, &e, &problem)) == 1) {
  }
  return r < 0 ? problem : "";
}

TEST(PayloadReader, RefusesHardLinksThatLeaveTheTree) {
  BundleEntry copy = bytes_entry("two", "x");
  copy.same_as = "one";
  std::string bytes = make_payload({bytes_entry("one", "x"), copy}, 1, 1).bytes;
  EXPECT_EQ(first_refusal(bytes), "");
  bytes.replace(bytes.rfind(std::string("one") + '\0'), 3, "/et");
  EXPECT_EQ(first_refusal(bytes), "a hard link to a path that is not plain and relative");
}

TEST(PayloadReader, RefusesPathsThatLeaveTheTree) {
  // Made with a harmless name of the same length, then the name changed in the index.
  const auto with_path = [](const std::string& harmless, const std::string& bad) {
    std::string bytes = make_payload({bytes_entry(harmless, "x")}, 1, 1).bytes;
    const auto at = bytes.find(harmless + '\0');
    bytes.replace(at, bad.size(), bad);
    return bytes;
  };
  EXPECT_EQ(first_refusal(with_path("abcd", "abcd")), "");
  const std::string plain = "a path that is not plain and relative";
  EXPECT_EQ(first_refusal(with_path("abcd", "/etc")), plain);
  EXPECT_EQ(first_refusal(with_path("a/bcd", "a/../")), plain);
  EXPECT_EQ(first_refusal(with_path("abcd", "../x")), plain);
  EXPECT_EQ(first_refusal(with_path("a/bc", "a//c")), plain);
  EXPECT_EQ(first_refusal(with_path("a/bc", "a/./")), plain);
  EXPECT_EQ(first_refusal(with_path("abcd", std::string("ab\0d", 4))), plain);
  // An unknown kind, a mode past 07777 (the entry of "a" after the parent directory entries).
  std::string bytes = make_payload({bytes_entry("a", "x")}, 1, 1).bytes;
  EXPECT_EQ(first_refusal(with_byte(bytes, PAYLOAD_HEADER_SIZE, 7)), "an entry of unknown kind");
  EXPECT_EQ(first_refusal(with_byte(bytes, PAYLOAD_HEADER_SIZE + 3, '\x10')), "a mode past 07777");
}

}  // namespace
}  // namespace elfpack
