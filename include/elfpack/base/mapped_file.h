// A read-only memory mapping of a whole file. Mapping (rather than reading) lets the ELF reader
// touch only the pages it needs and lets the writer compress straight from the page cache; small
// files are read instead (kReadBelow).
//
// A file cut short while mapped (a package upgrade rewriting a library, a build writing its
// output) would make reads past its new end die by SIGBUS. Every mapping is registered with a
// SIGBUS handler that maps a page of zeros where the file's page went and marks the mapping
// changed: the reader goes on over zeros, and ensure_intact() turns that into an Error naming
// the file. Whoever uses the bytes calls it once done with them.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace elfpack {

// Reads exactly `n` bytes at `offset` of the open file `path` (of `size` bytes when opened) into
// `out`. Throws Error naming the path: a read error, or "changed while being read" for a file cut
// short meanwhile. The reader of files that are not mapped (elf_file.cpp) uses it too.
void read_exactly(int fd, unsigned char* out, std::size_t n, std::uint64_t offset, const std::string& path,
                  std::uint64_t size);

// Files under this size are read into memory instead: unmapping a mapping while other threads of
// the process run sends their CPUs a TLB shootdown, which costs more than copying a small file
// (cmake's bundle, with 3,151 small module files, took 0.45 s as tar.zst mapped and 0.31 s read).
// A copy cannot be cut short afterwards; a file cut short while it is read is an Error as ever.
constexpr std::size_t kReadBelow = 64 * 1024;

class MappedFile {
 public:
  // Maps `path`, which must be a regular file. Throws Error naming the path on failure.
  explicit MappedFile(const std::string& path);
  // Maps an open file whose status the caller has; the descriptor stays the caller's.
  MappedFile(int fd, const struct stat& status, const std::string& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const unsigned char> bytes() const { return {data_, size_}; }
  // Throws Error if the file was cut short while its bytes were read (those reads saw zeros).
  void ensure_intact() const;
  const struct stat& status() const { return status_; }
  const std::string& path() const { return path_; }

 private:
  void map(int fd);
  void release();

  std::string path_;
  const unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
  int slot_ = -1;      // its place in the SIGBUS handler's table, -1 if none
  bool heap_ = false;  // read into memory from malloc (a file under kReadBelow), not mapped
  struct stat status_ {};
};

}  // namespace elfpack
