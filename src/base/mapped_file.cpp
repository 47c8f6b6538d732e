#include "elfpack/base/mapped_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>

#include "elfpack/base/error.h"

namespace elfpack {

namespace {

std::string describe_errno(const std::string& path, const char* what) {
  return path + ": " + what + ": " + std::strerror(errno);
}

std::string cut_short(const std::string& path, std::uint64_t size) {
  return path + ": changed while being read (now shorter than the " + std::to_string(size) + " bytes it had)";
}

// The live mappings, for the SIGBUS handler, which may take no lock: each slot is claimed by a
// compare-and-swap of `taken`, becomes visible to the handler when `begin` is set last, and is
// hidden again (`begin` cleared) before its range is unmapped, so a slot the
// handler sees never names address space that is no longer the file's. Live mappings do not
// overlap, so the slot holding the faulting address is the mapping that was cut short.
struct Slot {
  std::atomic<bool> taken{false};  // claimed by a mapping (set before, cleared after `begin`)
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};
  std::atomic<bool> changed{false};
};
std::array<Slot, 1024> g_slots;

void on_sigbus(int signal, siginfo_t* info, void*) {
  const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  // BUS_ADRERR: a page with no file behind it (a signal sent by kill() has no address).
  for (Slot& slot : g_slots) {
    if (info->si_code != BUS_ADRERR) break;
    const std::uintptr_t begin = slot.begin.load(std::memory_order_acquire);
    if (begin == 0 || address < begin || address >= slot.end.load(std::memory_order_acquire)) continue;
    // The page the file no longer has becomes a page of zeros; the faulting read is retried.
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    void* at = reinterpret_cast<void*>(address & ~(page - 1));
    if (::mmap(at, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
      slot.changed.store(true, std::memory_order_release);
      return;
    }
    break;
  }
  // Not a mapping of ours (or no memory for the page): die of the signal as without a handler.
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

// A slot for [begin, begin + size), or -1 when all are taken.
int register_mapping(const unsigned char* begin, std::size_t size) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, nullptr);
  });
  const auto b = reinterpret_cast<std::uintptr_t>(begin);
  for (std::size_t i = 0; i < g_slots.size(); ++i) {
    bool expected = false;
    if (g_slots[i].taken.load(std::memory_order_relaxed) ||
        !g_slots[i].taken.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
      continue;
    }
    g_slots[i].changed.store(false, std::memory_order_relaxed);
    g_slots[i].end.store(b + size, std::memory_order_relaxed);
    g_slots[i].begin.store(b, std::memory_order_release);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_mapping(int slot) {
  if (slot < 0) return;
  g_slots[static_cast<std::size_t>(slot)].begin.store(0, std::memory_order_release);
  g_slots[static_cast<std::size_t>(slot)].taken.store(false, std::memory_order_release);
}

}  // namespace

MappedFile::MappedFile(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) throw Error(describe_errno(path, "cannot open"));
  try {
    if (::fstat(fd, &status_) != 0) throw Error(describe_errno(path, "cannot stat"));
    map(fd);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

MappedFile::MappedFile(int fd, const struct stat& status, const std::string& path) : path_(path), status_(status) {
  map(fd);
}

void MappedFile::map(int fd) {
  if (!S_ISREG(status_.st_mode)) throw Error(path_ + ": not a regular file");
  size_ = static_cast<std::size_t>(status_.st_size);
  if (size_ == 0) return;
  if (size_ < kReadBelow) {
    auto* buffer = static_cast<unsigned char*>(std::malloc(size_));
    if (buffer == nullptr) throw Error(path_ + ": cannot allocate memory for its bytes");
    try {
      read_exactly(fd, buffer, size_, 0, path_, size_);
    } catch (const Error&) {
      std::free(buffer);
      throw;
    }
    data_ = buffer;
    heap_ = true;
    return;
  }
  void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) throw Error(describe_errno(path_, "cannot map"));
  data_ = static_cast<const unsigned char*>(p);
  slot_ = register_mapping(data_, size_);
  if (slot_ >= 0) return;
  // No slot for the handler (a thousand files mapped at once): the bytes are read instead.
  ::munmap(p, size_);
  data_ = nullptr;
  p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw Error(describe_errno(path_, "cannot allocate memory for"));
  data_ = static_cast<const unsigned char*>(p);
  try {
    read_exactly(fd, static_cast<unsigned char*>(p), size_, 0, path_, size_);
  } catch (const Error&) {
    release();
    throw;
  }
}

void read_exactly(int fd, unsigned char* out, std::size_t n, std::uint64_t offset, const std::string& path,
                  std::uint64_t size) {
  for (std::size_t done = 0; done < n;) {
    const ssize_t got = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Error(describe_errno(path, "cannot read"));
    if (got == 0) throw Error(cut_short(path, size));
    done += static_cast<std::size_t>(got);
  }
}

void MappedFile::ensure_intact() const {
  if (slot_ >= 0 && g_slots[static_cast<std::size_t>(slot_)].changed.load(std::memory_order_acquire)) {
    throw Error(cut_short(path_, size_));
  }
}

void MappedFile::release() {
  unregister_mapping(std::exchange(slot_, -1));
  if (data_ != nullptr) {
    auto* data = const_cast<unsigned char*>(std::exchange(data_, nullptr));
    if (std::exchange(heap_, false)) {
      std::free(data);
    } else {
      ::munmap(data, size_);
    }
  }
  size_ = 0;
}

MappedFile::~MappedFile() { release(); }

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      slot_(std::exchange(other.slot_, -1)),
      heap_(std::exchange(other.heap_, false)),
      status_(other.status_) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    slot_ = std::exchange(other.slot_, -1);
    heap_ = std::exchange(other.heap_, false);
    status_ = other.status_;
  }
  return *this;
}

}  // namespace elfpack
