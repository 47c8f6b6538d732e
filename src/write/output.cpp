#include "elfpack/write/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

#include "elfpack/base/error.h"
#include "elfpack/base/interrupt.h"
#include "elfpack/base/paths.h"

namespace elfpack {

namespace {

namespace fs = std::filesystem;

std::string strip_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string system_error(const std::string& path, const char* what) {
  return path + ": " + what + ": " + std::strerror(errno);
}

// False, errno set, when a write fails.
bool write_all(int fd, std::span<const unsigned char> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

// Builds the tree in a hidden sibling directory and renames it over the destination.
class DirectoryWriter : public BundleWriter {
 public:
  DirectoryWriter(const std::string& output, bool force) : output_(strip_trailing_slashes(output)), force_(force) {
    struct stat st;
    if (::stat(output_.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) throw Error(output_ + ": exists and is not a directory");
      if (!fs::is_empty(output_)) {
        if (!force_) throw Error(output_ + ": directory exists and is not empty (--force replaces a bundle)");
        // --force deletes the old tree: only ever one that elfpack made.
        if (!fs::is_directory(output_ + "/lib/elfpack")) {
          throw Error(output_ + ": not an elfpack bundle (no lib/elfpack); refusing to replace it");
        }
      }
    }
    std::string pattern = directory_of(output_) + "/.elfpack-tmp-XXXXXX";
    const auto held = hold_temporaries();  // made and registered before an interruption can look
    if (::mkdtemp(pattern.data()) == nullptr) throw Error(system_error(directory_of(output_), "cannot create a directory in"));
    temp_ = pattern;
    temp_guard_.reset(temp_);
  }

  ~DirectoryWriter() override {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ignored;
    if (!temp_.empty()) fs::remove_all(temp_, ignored);
    if (!old_.empty()) fs::remove_all(old_, ignored);
  }

  Coding coding() const override { return {.links = Links::kHard}; }

  void start_entry(const BundleEntry& entry, std::uint64_t size) override {
    (void)size;
    const auto held = hold_temporaries();  // an interruption's clean-up waits for this entry
    const std::string path = temp_ + "/" + entry.path;
    entry_ = entry.path;
    if (stored_as_link(entry, coding())) {
      // Its bytes and mode are those of an entry written before it.
      if (::link((temp_ + "/" + entry.same_as).c_str(), path.c_str()) != 0) throw failed("link");
      return;
    }
    switch (entry.kind) {
      case BundleEntry::Kind::kDirectory:
        if (::mkdir(path.c_str(), entry.mode) != 0) throw failed("create directory");
        ::chmod(path.c_str(), entry.mode);
        break;
      case BundleEntry::Kind::kSymlink:
        if (::symlink(entry.bytes.c_str(), path.c_str()) != 0) throw failed("create link");
        break;
      case BundleEntry::Kind::kFile:
      case BundleEntry::Kind::kBytes:
        fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, entry.mode);
        if (fd_ < 0) throw failed("create");
        mode_ = entry.mode;
        break;
    }
  }

  void piece(const Piece& piece) override {
    if (!write_all(fd_, piece.raw)) throw failed("write");
  }

  void end_entry() override {
    if (fd_ < 0) return;
    bool ok = ::fchmod(fd_, mode_) == 0;
    const int saved = errno;
    ok = ::close(std::exchange(fd_, -1)) == 0 && ok;
    errno = ok ? errno : saved;
    if (!ok) throw failed("write");
  }

  // The private directory was made under the pending id: it takes its name.
  void set_id(const std::string& id) override {
    const auto held = hold_temporaries();
    const std::string dir = temp_ + "/" + kPrivateRoot + "/";
    if (::rename((dir + kPendingId).c_str(), (dir + id).c_str()) != 0 && errno != ENOENT) {
      throw Error(system_error(output_, "cannot name the bundle's directory in"));
    }
  }

  void commit() override {
    // Under the lock: an interruption finds the destination either old or new, never missing.
    auto held = hold_temporaries();
    ::chmod(temp_.c_str(), 0755);
    if (::rename(temp_.c_str(), output_.c_str()) != 0) {
      if ((errno != ENOTEMPTY && errno != EEXIST) || !force_) throw Error(system_error(output_, "cannot create"));
      // Replacing a non-empty directory cannot be one rename: move the old one aside first.
      old_ = output_ + ".elfpack-old";
      if (::rename(output_.c_str(), old_.c_str()) != 0) throw Error(system_error(output_, "cannot replace"));
      old_guard_.reset(old_);  // removed by the destructor, or by an interruption's clean-up
      if (::rename(temp_.c_str(), output_.c_str()) != 0) {
        const std::string message = system_error(output_, "cannot create");
        ::rename(old_.c_str(), output_.c_str());
        old_.clear();
        throw Error(message);
      }
    }
    temp_.clear();
    temp_guard_.release();
  }

 private:
  // Errors name the destination and the entry, not the temporary tree.
  Error failed(const char* what) const { return Error(output_ + ": cannot " + what + " " + entry_ + ": " + std::strerror(errno)); }

  std::string output_, temp_, old_, entry_;
  bool force_;
  int fd_ = -1;
  mode_t mode_ = 0644;
  TemporaryGuard temp_guard_, old_guard_;
};

}  // namespace

namespace {

const std::pair<const char*, OutputFormat> kFormatNames[] = {
    {"dir", OutputFormat::kDirectory}, {"zip", OutputFormat::kZip},       {"tar", OutputFormat::kTar},
    {"tar.gz", OutputFormat::kTarGz},  {"tar.xz", OutputFormat::kTarXz}, {"tar.zst", OutputFormat::kTarZst},
    {"sh", OutputFormat::kInstaller}, {"exe", OutputFormat::kExe}};

}  // namespace

std::string output_format_name(OutputFormat format) {
  for (const auto& [name, f] : kFormatNames) {
    if (f == format) return name;
  }
  return "";
}

std::vector<std::string> output_format_names() {
  std::vector<std::string> names;
  for (const auto& [name, f] : kFormatNames) names.emplace_back(name);
  return names;
}

OutputFormat output_format_for(const std::string& output, const std::string& format) {
  if (output.empty()) throw Error("no output given: name one with -o (a .zip file, or a directory ending in /)");
  if (!format.empty()) {
    for (const auto& [name, f] : kFormatNames) {
      if (format == name) {
        if (output == "-" && f == OutputFormat::kDirectory) throw Error("-o -: a directory cannot go to standard output");
        return f;
      }
    }
    throw Error("--format " + format + ": not one of dir, zip, tar, tar.gz, tar.xz, tar.zst, sh, exe");
  }
  if (output == "-") return OutputFormat::kInstaller;
  struct stat st;
  if (output.back() == '/' || (::stat(output.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) return OutputFormat::kDirectory;
  static const std::pair<const char*, OutputFormat> kSuffixes[] = {
      {".zip", OutputFormat::kZip},      {".tar", OutputFormat::kTar},      {".tar.gz", OutputFormat::kTarGz},
      {".tgz", OutputFormat::kTarGz},    {".tar.xz", OutputFormat::kTarXz}, {".txz", OutputFormat::kTarXz},
      {".tar.zst", OutputFormat::kTarZst}, {".tzst", OutputFormat::kTarZst}, {".sh", OutputFormat::kInstaller}};
  for (const auto& [suffix, f] : kSuffixes) {
    if (output.ends_with(suffix)) return f;
  }
  throw Error(output + ": cannot tell the output format from the name: use .zip, .tar, .tar.gz, .tar.xz, .tar.zst, "
                       "end a directory name with /, or say --format");
}

std::unique_ptr<BundleWriter> open_directory_writer(const std::string& output, bool force) {
  return std::make_unique<DirectoryWriter>(output, force);
}

std::unique_ptr<BundleWriter> open_output(const std::string& output, bool force, const std::string& format, int level,
                                          unsigned jobs) {
  const OutputFormat f = output_format_for(output, format);
  if (level > 9 && f != OutputFormat::kTarZst) {
    throw Error("--level " + std::to_string(level) + ": " + output_format_name(f) +
                " takes 0-9 (1-19 is zstd's range, for .tar.zst)");
  }
  if (f == OutputFormat::kDirectory) return open_directory_writer(output, force);
  if (f == OutputFormat::kExe) return open_exe_writer(output);
  return open_archive_writer(output, f, level, jobs);
}

long long archive_timestamp() {
  constexpr long long kZipEpoch = 315532800;  // 1980-01-01T00:00:00Z
  const char* env = std::getenv("SOURCE_DATE_EPOCH");
  if (env == nullptr || *env == '\0') return kZipEpoch;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(env, &end, 10);
  if (errno != 0 || *end != '\0' || value < 0) {
    throw Error(std::string("SOURCE_DATE_EPOCH: '") + env + "' is not a number of seconds since 1970");
  }
  // A zip's times (UT field: 32 bits; MS-DOS: to 2107) and ustar's end in 2106.
  constexpr long long kLatest = 4294967295;  // 2106-02-07T06:28:15Z
  if (value > kLatest) throw Error(std::string("SOURCE_DATE_EPOCH: ") + env + " is past 2106, later than archives can hold");
  return std::max(value, kZipEpoch);
}

}  // namespace elfpack
