// The file an archive is written to: a temporary beside the destination (a file with no name,
// O_TMPFILE, where the file system can: not even kill -9 leaves anything behind), renamed over
// it by commit(). Seekable, so that writers can patch what they wrote (the bundle's id, sizes).
// For "-" (standard output) the temporary is in $TMPDIR and commit() copies it out.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "elfpack/base/interrupt.h"

namespace elfpack {

class OutputFile {
 public:
  explicit OutputFile(const std::string& output);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Appends; throws Error naming the destination and `what` was being written.
  void write(std::span<const unsigned char> bytes, const std::string& what);
  void write(const std::string& bytes, const std::string& what) {
    write({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()}, what);
  }
  // Writes over bytes already written.
  void patch(std::uint64_t offset, std::span<const unsigned char> bytes);
  std::uint64_t size() const { return size_; }
  int fd() const { return fd_; }
  const std::string& output() const { return output_; }
  // For writers that write through fd() themselves (libarchive): the size from the file.
  void sync_size();

  // Makes the file the destination (or copies it to standard output), with `mode` less the
  // umask (0777: an executable).
  void commit(unsigned mode = 0666);

 private:
  void give_a_name();

  std::string output_, temp_;
  TemporaryGuard guard_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace elfpack
