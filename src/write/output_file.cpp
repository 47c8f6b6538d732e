#include "elfpack/write/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "elfpack/base/error.h"
#include "elfpack/base/paths.h"

namespace elfpack {

namespace {

std::string temporary_directory() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

}  // namespace

OutputFile::OutputFile(const std::string& output) : output_(output) {
  const bool to_stdout = output_ == "-";
  const std::string dir = to_stdout ? temporary_directory() : directory_of(output_);
  // Naming an O_TMPFILE later takes /proc, or root for AT_EMPTY_PATH; standard output's is never named.
  if (to_stdout || ::access("/proc/self/fd", F_OK) == 0 || ::geteuid() == 0) {
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  }
  if (fd_ < 0) {
    std::string pattern = dir + "/.elfpack-tmp-XXXXXX";
    const auto held = hold_temporaries();
    fd_ = ::mkstemp(pattern.data());
    if (fd_ < 0) {
      throw Error((to_stdout ? std::string("standard output") : output_) + ": cannot create a file in " + dir + ": " +
                  std::strerror(errno));
    }
    if (to_stdout) {
      ::unlink(pattern.c_str());  // nothing to name: only the descriptor is needed
    } else {
      temp_ = pattern;
      guard_.reset(temp_);
    }
  }
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

void OutputFile::write(std::span<const unsigned char> bytes, const std::string& what) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(output_ + ": cannot write " + what + ": " + std::strerror(n < 0 ? errno : EIO));
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    size_ += static_cast<std::uint64_t>(n);
  }
}

void OutputFile::patch(std::uint64_t offset, std::span<const unsigned char> bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(output_ + ": cannot write: " + std::strerror(n < 0 ? errno : EIO));
    done += static_cast<std::size_t>(n);
  }
}

void OutputFile::sync_size() {
  struct stat st;
  if (::fstat(fd_, &st) == 0) size_ = static_cast<std::uint64_t>(st.st_size);
}

void OutputFile::commit(unsigned mode) {
  if (output_ == "-") {
    // Copied out only now: standard output gets a whole archive or nothing.
    for (std::uint64_t off = 0; off < size_;) {
      char buffer[1 << 16];
      const ssize_t got = ::pread(fd_, buffer, sizeof buffer, static_cast<off_t>(off));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) throw Error("standard output: cannot read back the archive: " + std::string(std::strerror(errno)));
      for (ssize_t put = 0; put < got;) {
        const ssize_t n = ::write(STDOUT_FILENO, buffer + put, static_cast<std::size_t>(got - put));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error("standard output: cannot write: " + std::string(std::strerror(errno)));
        put += n;
      }
      off += static_cast<std::uint64_t>(got);
    }
    return;
  }
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd_, static_cast<mode_t>(mode) & ~mask) != 0 || ::fsync(fd_) != 0) throw Error(output_ + ": cannot write: " + std::strerror(errno));
  auto held = hold_temporaries();
  if (temp_.empty()) give_a_name();
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_.c_str(), output_.c_str()) != 0) throw Error(output_ + ": cannot create: " + std::strerror(errno));
  temp_.clear();
  guard_.release();
}

// The anonymous file gets a temporary name beside the destination (then renamed over it, as a
// link cannot replace a file): through /proc/self/fd, or AT_EMPTY_PATH where /proc is absent.
void OutputFile::give_a_name() {
  const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
  for (unsigned attempt = 0;; ++attempt) {
    const std::string name = directory_of(output_) + "/.elfpack-tmp-" + std::to_string(::getpid()) + "-" +
                             std::to_string(attempt);
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      temp_ = name;
      guard_.reset(temp_);
      return;
    }
    const int first = errno;
    if (::linkat(fd_, "", AT_FDCWD, name.c_str(), AT_EMPTY_PATH) == 0) {
      temp_ = name;
      guard_.reset(temp_);
      return;
    }
    // A name taken (by a run killed before it could clean up) is tried again with the next.
    const bool taken = first == EEXIST || errno == EEXIST;
    if (!taken || attempt > 100) throw Error(output_ + ": cannot create: " + std::strerror(first == EEXIST ? errno : first));
  }
}

}  // namespace elfpack
