// The archive writers (libarchive): zip, and tar (POSIX pax, restricted to ustar where it can)
// plain or compressed with gzip, xz or zstd. Deterministic: entries come sorted from the plan,
// every entry gets the same timestamp, uid/gid 0 and no owner names, a normalised mode, links are
// stored as links (in zips, Info-ZIP's Unix extra fields, so `unzip` restores execute bits and
// symlinks as AWS Lambda needs them), and gzip headers carry no time.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "elfpack/error.h"
#include "elfpack/interrupt.h"
#include "elfpack/libarchive_api.h"
#include "elfpack/paths.h"
#include "elfpack/output.h"

namespace elfpack {

std::string installer_script(const BundlePlan& plan);

namespace {

class ArchiveWriter : public BundleWriter {
 public:
  ArchiveWriter(const std::string& output, OutputFormat format, int level)
      : la_(libarchive()), output_(output), mtime_(archive_timestamp()) {
    // A zip stores MS-DOS times in local time: fix the zone so that the bytes do not depend on
    // the machine's TZ.
    ::setenv("TZ", "UTC0", 1);
    ::tzset();
    if (output_ == "-") {
      fd_ = STDOUT_FILENO;  // no temporary: the stream is the caller's
    } else {
      // A file with no name (O_TMPFILE) until commit: not even kill -9 leaves anything behind.
      // Where the file system cannot, a named temporary that an interruption removes.
      // (Naming it later takes /proc, or root for AT_EMPTY_PATH.)
      if (::access("/proc/self/fd", F_OK) == 0 || ::geteuid() == 0) {
        fd_ = ::open(directory_of(output_).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
      }
      if (fd_ < 0) {
        std::string pattern = directory_of(output_) + "/.elfpack-tmp-XXXXXX";
        const auto held = hold_temporaries();
        fd_ = ::mkstemp(pattern.data());
        if (fd_ < 0) throw Error(output_ + ": cannot create a file in " + directory_of(output_) + ": " + std::strerror(errno));
        temp_ = pattern;
        guard_.reset(temp_);
      }
    }
    archive_ = la_.archive_write_new();
    const std::string level_option = level < 0 ? "" : std::to_string(level);
    bool ok = true;
    if (format == OutputFormat::kZip) {
      ok = la_.archive_write_set_format_zip(archive_) == ARCHIVE_OK &&
           la_.archive_write_set_options(archive_, "zip:compression=deflate") == ARCHIVE_OK &&
           (level < 0 || la_.archive_write_set_options(archive_, ("zip:compression-level=" + level_option).c_str()) == ARCHIVE_OK);
    } else {
      // An installer carries a plain tar: a machine with only sh and tar may have no gzip.
      ok = la_.archive_write_set_format_pax_restricted(archive_) == ARCHIVE_OK;
      if (format == OutputFormat::kTarGz) {
        ok = ok && la_.archive_write_add_filter_gzip(archive_) == ARCHIVE_OK &&
             la_.archive_write_set_options(archive_, "gzip:!timestamp") == ARCHIVE_OK &&
             (level < 0 || la_.archive_write_set_options(archive_, ("gzip:compression-level=" + level_option).c_str()) == ARCHIVE_OK);
      } else if (format == OutputFormat::kTarXz) {
        ok = ok && la_.archive_write_add_filter_xz(archive_) == ARCHIVE_OK &&
             (level < 0 || la_.archive_write_set_options(archive_, ("xz:compression-level=" + level_option).c_str()) == ARCHIVE_OK);
      } else if (format == OutputFormat::kTarZst) {
        ok = ok && la_.archive_write_add_filter_zstd(archive_) == ARCHIVE_OK &&
             (level < 0 || la_.archive_write_set_options(archive_, ("zstd:compression-level=" + level_option).c_str()) == ARCHIVE_OK);
      }
    }
    if (!ok || la_.archive_write_set_bytes_in_last_block(archive_, 1) != ARCHIVE_OK) fail("cannot start the archive");
    installer_ = format == OutputFormat::kInstaller;
  }

  // The installer's script goes first; the tar follows it.
  void begin(const BundlePlan& plan) override {
    if (installer_) {
      const std::string script = installer_script(plan);
      for (std::size_t done = 0; done < script.size();) {
        const ssize_t n = ::write(fd_, script.data() + done, script.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error(output_ + ": cannot write: " + std::strerror(errno));
        done += static_cast<std::size_t>(n);
      }
    }
    if (la_.archive_write_open_fd(archive_, fd_) != ARCHIVE_OK) fail("cannot start the archive");
  }

  ~ArchiveWriter() override {
    if (archive_ != nullptr) la_.archive_write_free(archive_);
    if (fd_ >= 0 && fd_ != STDOUT_FILENO) ::close(fd_);
    if (!temp_.empty()) ::unlink(temp_.c_str());
  }

  void add(const BundleEntry& entry, std::span<const unsigned char> content) override {
    archive_entry* e = la_.archive_entry_new();
    la_.archive_entry_set_pathname(e, entry.path.c_str());
    la_.archive_entry_set_mtime(e, static_cast<time_t>(mtime_), 0);
    la_.archive_entry_set_uid(e, 0);
    la_.archive_entry_set_gid(e, 0);
    switch (entry.kind) {
      case BundleEntry::Kind::kDirectory:
        la_.archive_entry_set_filetype(e, AE_IFDIR);
        la_.archive_entry_set_perm(e, entry.mode);
        break;
      case BundleEntry::Kind::kSymlink:
        la_.archive_entry_set_filetype(e, AE_IFLNK);
        la_.archive_entry_set_perm(e, 0777);
        la_.archive_entry_set_symlink(e, entry.bytes.c_str());
        break;
      case BundleEntry::Kind::kFile:
      case BundleEntry::Kind::kBytes:
        la_.archive_entry_set_filetype(e, AE_IFREG);
        la_.archive_entry_set_perm(e, entry.mode);
        la_.archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
        break;
    }
    const int status = la_.archive_write_header(archive_, e);
    la_.archive_entry_free(e);
    if (status != ARCHIVE_OK) fail(("cannot add " + entry.path).c_str());
    if (entry.kind == BundleEntry::Kind::kFile || entry.kind == BundleEntry::Kind::kBytes) {
      constexpr std::size_t kChunk = 1 << 20;
      for (std::size_t off = 0; off < content.size(); off += kChunk) {
        const std::size_t n = std::min(kChunk, content.size() - off);
        if (la_.archive_write_data(archive_, content.data() + off, n) < 0) fail(("cannot write " + entry.path).c_str());
      }
    }
  }

  void commit() override {
    if (la_.archive_write_close(archive_) != ARCHIVE_OK) fail("cannot finish the archive");
    la_.archive_write_free(archive_);
    archive_ = nullptr;
    if (fd_ == STDOUT_FILENO) return;
    const mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd_, 0666 & ~mask) != 0 || ::fsync(fd_) != 0) throw Error(output_ + ": cannot write: " + std::strerror(errno));
    auto held = hold_temporaries();
    if (temp_.empty()) give_a_name();
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_.c_str(), output_.c_str()) != 0) throw Error(output_ + ": cannot create: " + std::strerror(errno));
    temp_.clear();
    guard_.release();
  }

 private:
  // The anonymous file gets a temporary name beside the destination (then renamed over it, as a
  // link cannot replace a file): through /proc/self/fd, or AT_EMPTY_PATH where /proc is absent.
  void give_a_name() {
    const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
    for (unsigned attempt = 0;; ++attempt) {
      const std::string name = directory_of(output_) + "/.elfpack-tmp-" + std::to_string(::getpid()) + "-" +
                               std::to_string(attempt);
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0 ||
          ::linkat(fd_, "", AT_FDCWD, name.c_str(), AT_EMPTY_PATH) == 0) {
        temp_ = name;
        guard_.reset(temp_);
        return;
      }
      if (errno != EEXIST || attempt > 100) throw Error(output_ + ": cannot create: " + std::strerror(errno));
    }
  }

  [[noreturn]] void fail(const char* what) {
    const char* reason = archive_ != nullptr ? la_.archive_error_string(archive_) : nullptr;
    // libarchive says "Write error" for any failed write: the system's reason says which.
    const int error = archive_ != nullptr ? la_.archive_errno(archive_) : 0;
    std::string why = reason != nullptr ? reason : "unknown libarchive error";
    if (error > 0 && why.find(std::strerror(error)) == std::string::npos) why += " (" + std::string(std::strerror(error)) + ")";
    throw Error(output_ + ": " + what + ": " + why);
  }

  const LibArchive& la_;
  bool installer_ = false;
  std::string output_, temp_;
  TemporaryGuard guard_;
  long long mtime_;
  int fd_ = -1;
  archive* archive_ = nullptr;
};

}  // namespace

// A POSIX sh script (busybox is enough) that extracts the tar after it into
// PREFIX/lib/elfpack/<id> (PREFIX: --prefix, default ~/.local), atomically (a temporary
// then a rename), links PREFIX/bin/<program> to it, and says where; a bundle already installed is
// left as it is. Run as a file (`sh rig.sh`) it reads the tar from itself from byte `start`;
// piped (`elfpack rig | ssh host sh`) from its standard input, after a marker line.
std::string installer_script(const BundlePlan& plan) {
  std::string programs;
  for (const auto& e : plan.entries) {
    if (e.path.starts_with("bin/") && e.path.find('/', 4) == std::string::npos) programs += (programs.empty() ? "" : " ") + e.path.substr(4);
  }
  std::string script = R"SH(#!/bin/sh
# elfpack installer @ID@
# Installs @PROGRAMS@ (bundle @ID@) into ~/.local, or the directory given with --prefix:
# the bundle in PREFIX/lib/elfpack/@ID@, links in PREFIX/bin.
# Run it as a file (sh FILE [--prefix DIR]) or from a pipe (elfpack ... | ssh host sh).
set -eu
id=@ID@
programs='@PROGRAMS@'
start=@START@ # the first byte of the tar, for tail -c +start
install_bundle() {
  prefix=${HOME:-/root}/.local
  while [ $# -gt 0 ]; do
    case $1 in
      --prefix) [ $# -ge 2 ] || { echo "elfpack installer: --prefix needs a directory" >&2; exit 2; }
                prefix=$2; shift 2 ;;
      --prefix=*) prefix=${1#--prefix=}; shift ;;
      *) echo "elfpack installer: unknown argument: $1 (use --prefix DIR)" >&2; exit 2 ;;
    esac
  done
  bundles=$prefix/lib/elfpack
  dest=$bundles/$id
  mkdir -p "$bundles" "$prefix/bin"
  if [ -d "$dest" ]; then
    echo "elfpack installer: bundle $id is already installed in $dest"
  else
    tmp=$bundles/.$id.$$
    rm -rf "$tmp"
    mkdir "$tmp"
    if [ -f "$0" ] && [ "$(sed -n 2p "$0")" = "# elfpack installer $id" ]; then
      tail -c +"$start" "$0" | tar -xf - -C "$tmp"
    else
      # Standard input: skip what the shell has not read ahead of the padding, up to the marker.
      while IFS= read -r line; do [ "$line" = "__ELFPACK_TAR__" ] && break; done
      tar -xf - -C "$tmp"
    fi
    mv "$tmp" "$dest"
    echo "elfpack installer: installed bundle $id in $dest"
  fi
  for p in $programs; do
    ln -sf "../lib/elfpack/$id/bin/$p" "$prefix/bin/.$p.$$"
    mv -f "$prefix/bin/.$p.$$" "$prefix/bin/$p"
    echo "elfpack installer: $prefix/bin/$p"
  done
}
install_bundle "$@"; exit 0
)SH";
  // Shells read their script ahead (busybox ash, dash: a few KiB at a time), so from a pipe the
  // tar cannot follow the last line directly: 64 KiB of comment lines come first, then a marker
  // line that the script's `read` loop (which reads byte by byte) stops after.
  for (int i = 0; i < 1024; ++i) script += std::string(63, '#') + "\n";
  script += "__ELFPACK_TAR__\n";
  auto replace = [&script](const std::string& key, const std::string& value) {
    for (auto at = script.find(key); at != std::string::npos; at = script.find(key, at + value.size())) {
      script.replace(at, key.size(), value);
    }
  };
  replace("@ID@", plan.id);
  replace("@PROGRAMS@", programs);
  // The tar starts right after the script, whose length must not depend on how the number is
  // written: a fixed width, padded with spaces (not zeros, which sh would read as octal).
  constexpr std::size_t kWidth = 12;
  const std::size_t length = script.size() - std::string("@START@").size() + kWidth;
  std::string start = std::to_string(length + 1);
  start.append(kWidth - start.size(), ' ');
  replace("@START@", start);
  return script;
}

std::unique_ptr<BundleWriter> open_archive_writer(const std::string& output, OutputFormat format, int level) {
  return std::make_unique<ArchiveWriter>(output, format, level);
}

}  // namespace elfpack
