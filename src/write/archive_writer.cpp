// The tar.xz writer (libarchive: POSIX pax restricted to ustar where it can, xz). Deterministic:
// entries come from the plan, every entry gets the same timestamp, uid/gid 0 and no owner names,
// a normalised mode. It cannot patch what it wrote, so write_bundle names the bundle first (reading
// each file twice). The other archives are written by elfpack itself (zip_writer.cpp,
// tar_writer.cpp), compressed in parallel.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "elfpack/base/error.h"
#include "elfpack/write/libarchive_api.h"
#include "elfpack/write/output.h"
#include "elfpack/write/output_file.h"

namespace elfpack {

namespace {

class XzWriter : public BundleWriter {
 public:
  XzWriter(const std::string& output, int level) : la_(libarchive()), file_(output), mtime_(archive_timestamp()) {
    archive_ = la_.archive_write_new();
    const std::string level_option = "xz:compression-level=" + std::to_string(level);
    const bool ok = la_.archive_write_set_format_pax_restricted(archive_) == ARCHIVE_OK &&
                    la_.archive_write_add_filter_xz(archive_) == ARCHIVE_OK &&
                    (level < 0 || la_.archive_write_set_options(archive_, level_option.c_str()) == ARCHIVE_OK) &&
                    la_.archive_write_set_bytes_in_last_block(archive_, 1) == ARCHIVE_OK &&
                    la_.archive_write_open_fd(archive_, file_.fd()) == ARCHIVE_OK;
    if (!ok) fail("cannot start the archive");
  }

  ~XzWriter() override {
    if (archive_ != nullptr) la_.archive_write_free(archive_);
  }

  Coding coding() const override { return {.patches_id = false, .links = Links::kHard}; }

  void start_entry(const BundleEntry& entry, std::uint64_t size) override {
    entry_ = &entry;
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
        la_.archive_entry_set_size(e, static_cast<la_int64_t>(size));
        if (stored_as_link(entry, coding())) la_.archive_entry_set_hardlink(e, entry.same_as.c_str());
        break;
    }
    const int status = la_.archive_write_header(archive_, e);
    la_.archive_entry_free(e);
    if (status != ARCHIVE_OK) fail(("cannot add " + entry.path).c_str());
  }

  void piece(const Piece& piece) override {
    if (la_.archive_write_data(archive_, piece.raw.data(), piece.raw.size()) < 0) fail(("cannot write " + entry_->path).c_str());
  }

  void commit() override {
    if (la_.archive_write_close(archive_) != ARCHIVE_OK) fail("cannot finish the archive");
    la_.archive_write_free(archive_);
    archive_ = nullptr;
    file_.sync_size();
    file_.commit();
  }

 private:
  [[noreturn]] void fail(const char* what) {
    const char* reason = archive_ != nullptr ? la_.archive_error_string(archive_) : nullptr;
    // libarchive says "Write error" for any failed write: the system's reason says which.
    const int error = archive_ != nullptr ? la_.archive_errno(archive_) : 0;
    std::string why = reason != nullptr ? reason : "unknown libarchive error";
    if (error > 0 && why.find(std::strerror(error)) == std::string::npos) why += " (" + std::string(std::strerror(error)) + ")";
    throw Error(file_.output() + ": " + what + ": " + why);
  }

  const LibArchive& la_;
  OutputFile file_;
  long long mtime_;
  const BundleEntry* entry_ = nullptr;
  archive* archive_ = nullptr;
};

}  // namespace

// A POSIX sh script (busybox is enough) that extracts the tar after it into
// PREFIX/lib/elfpack/<id> (PREFIX: --prefix, default ~/.local), atomically (a temporary
// then a rename), links PREFIX/bin/<program> to it, and says where; a bundle already installed is
// left as it is. Run as a file (`sh rig.sh`) it reads the tar from itself from byte `start`;
// piped (`elfpack rig | ssh host sh`) from its standard input, after a marker line.
std::string installer_script(const BundlePlan& plan, const std::string& id) {
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
  replace("@ID@", id);
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

std::unique_ptr<BundleWriter> open_zip_writer(const std::string& output, int level);
std::unique_ptr<BundleWriter> open_tar_writer(const std::string& output, OutputFormat format, int level, unsigned jobs);

std::unique_ptr<BundleWriter> open_archive_writer(const std::string& output, OutputFormat format, int level,
                                                  unsigned jobs) {
  if (format == OutputFormat::kZip) return open_zip_writer(output, level);
  if (format == OutputFormat::kTarXz) return std::make_unique<XzWriter>(output, level);
  return open_tar_writer(output, format, level, effective_jobs(jobs));
}

}  // namespace elfpack
