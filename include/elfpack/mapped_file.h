// A read-only memory mapping of a whole file. Mapping (rather than reading) lets the ELF reader
// touch only the pages it needs and lets the writer compress straight from the page cache.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <span>
#include <string>

namespace elfpack {

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
  const struct stat& status() const { return status_; }
  const std::string& path() const { return path_; }

 private:
  void map(int fd);

  std::string path_;
  const unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
  struct stat status_ {};
};

}  // namespace elfpack
