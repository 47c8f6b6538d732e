// Identical files stored once (see identical_files.h). Only entries that share a size and mode
// with another are read: those of one (device, inode) on this machine are the same file without
// reading; the others are told apart by XXH3, and a match is confirmed byte by byte.
#include "elfpack/layout/identical_files.h"

#include <sys/stat.h>

#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include <xxhash.h>

#include "elfpack/base/mapped_file.h"
#include "elfpack/base/paths.h"

namespace elfpack {

namespace {

// The bytes of an entry: its own, or its file's, mapped while they are compared.
class Content {
 public:
  explicit Content(const BundleEntry& e) : entry_(e) {}
  std::span<const unsigned char> bytes() {
    if (entry_.kind == BundleEntry::Kind::kBytes) {
      return {reinterpret_cast<const unsigned char*>(entry_.bytes.data()), entry_.bytes.size()};
    }
    if (!map_) map_ = std::make_unique<MappedFile>(entry_.source);
    return map_->bytes();
  }
  // Whether the file was read whole and intact, at the size it was planned with.
  bool intact() const {
    if (!map_) return true;
    map_->ensure_intact();
    return map_->bytes().size() == entry_.size;
  }

 private:
  const BundleEntry& entry_;
  std::unique_ptr<MappedFile> map_;
};

std::uint64_t size_of(const BundleEntry& e) { return e.kind == BundleEntry::Kind::kBytes ? e.bytes.size() : e.size; }

bool is_elf(std::span<const unsigned char> bytes) { return bytes.size() >= 4 && std::memcmp(bytes.data(), "\x7f" "ELF", 4) == 0; }

// Whether `copy` may be a symbolic link to `first` in a zip, which has no hard links. A link is
// seen where a copy is not: lstat and readlink see it, realpath and /proc/self/maps name its
// target. So only a data file served under root/ (not a program, whose /proc/self/exe, nor a
// library, whose /proc/self/maps and $ORIGIN would name the target), whose first copy is in the
// same directory (realpath still names a file of the directory the program looked in, where its
// neighbours are), and big enough for the link to save something.
bool symlink_is_safe(const BundleEntry& copy, const BundleEntry& first, std::span<const unsigned char> bytes) {
  return copy.path.find("/root/") != std::string::npos && (copy.mode & 0111) == 0 && size_of(copy) >= kSymlinkAtLeast &&
         directory_of(copy.path) == directory_of(first.path) && !is_elf(bytes);
}

}  // namespace

void mark_identical_files(BundlePlan& plan) {
  const std::string private_dir = std::string(kPrivateRoot) + "/" + plan.id + "/";
  const std::string pending = std::string(kPrivateRoot) + "/" + kPendingId;
  // Candidates by (size, mode, inside the private directory), in path order.
  std::map<std::tuple<std::uint64_t, mode_t, bool>, std::vector<std::size_t>> by_size;
  for (std::size_t i = 0; i < plan.entries.size(); ++i) {
    BundleEntry& e = plan.entries[i];
    e.same_as.clear();
    e.same_as_symlink_ok = false;
    if (e.kind != BundleEntry::Kind::kFile && e.kind != BundleEntry::Kind::kBytes) continue;
    if (size_of(e) == 0 || (e.kind == BundleEntry::Kind::kBytes && e.bytes.find(pending) != std::string::npos)) continue;
    by_size[{size_of(e), e.mode, e.path.starts_with(private_dir)}].push_back(i);
  }
  for (auto& [key, group] : by_size) {
    if (group.size() < 2) continue;
    // The distinct contents of the group so far, by digest: the entry that holds each. Only the
    // entry at hand is kept in memory; a first copy is read again when a digest matches.
    std::multimap<XXH64_hash_t, std::size_t> firsts;
    std::map<std::pair<dev_t, ino_t>, std::size_t> by_inode;
    for (const std::size_t i : group) {
      BundleEntry& e = plan.entries[i];
      std::optional<std::size_t> first;
      struct stat st {};
      const bool has_inode = e.kind == BundleEntry::Kind::kFile && ::stat(e.source.c_str(), &st) == 0;
      if (has_inode) {
        if (const auto it = by_inode.find({st.st_dev, st.st_ino}); it != by_inode.end()) first = it->second;
      }
      Content content(e);
      const auto bytes = content.bytes();
      if (!first) {
        const XXH64_hash_t digest = XXH3_64bits(bytes.data(), bytes.size());
        for (auto [it, end] = firsts.equal_range(digest); it != end && !first; ++it) {
          Content other(plan.entries[it->second]);
          const auto theirs = other.bytes();
          if (theirs.size() == bytes.size() && std::memcmp(theirs.data(), bytes.data(), bytes.size()) == 0 &&
              other.intact()) {
            first = it->second;
          }
        }
        if (!first) firsts.emplace(digest, i);
      }
      if (has_inode) by_inode.emplace(std::make_pair(st.st_dev, st.st_ino), first.value_or(i));
      // A file that changed since it was planned is left as it is: writing it says so.
      if (!first || !content.intact()) continue;
      e.same_as = plan.entries[*first].path;
      e.same_as_symlink_ok = symlink_is_safe(e, plan.entries[*first], bytes);
    }
  }
}

bool same_bytes(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0 || !S_ISREG(sa.st_mode) || !S_ISREG(sb.st_mode)) return false;
  if (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino) return true;
  if (sa.st_size != sb.st_size) return false;
  const MappedFile fa(a), fb(b);
  const bool same = fa.bytes().size() == fb.bytes().size() &&
                    (fa.bytes().empty() || std::memcmp(fa.bytes().data(), fb.bytes().data(), fa.bytes().size()) == 0);
  fa.ensure_intact();
  fb.ensure_intact();
  return same;
}

}  // namespace elfpack
