// Expands a compressed bundle's payload for verify (payload_tree.h): the files first, then the
// frames' content written into them in order, then hard links and symbolic links, so that no
// write passes through a link.
#include "verify/payload_tree.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include <xxhash.h>
#include <zstd.h>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"
#include "payload_format.h"
#include "verify/bundle_paths.h"

namespace elfpack {

namespace fs = std::filesystem;

namespace {

// Writes `n` bytes at `offset` of the file `path`.
void write_at(const fs::path& path, const unsigned char* bytes, std::uint64_t n, std::uint64_t offset) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw Error(path.string() + ": cannot open: " + std::strerror(errno));
  for (std::uint64_t done = 0; done < n;) {
    const ssize_t put = ::pwrite(fd, bytes + done, n - done, static_cast<off_t>(offset + done));
    if (put <= 0) {
      const int why = errno;
      ::close(fd);
      throw Error(path.string() + ": cannot write: " + std::strerror(why));
    }
    done += static_cast<std::uint64_t>(put);
  }
  ::close(fd);
}

}  // namespace

std::uint64_t expand_payload(const std::string& payload_file, const std::string& file, const fs::path& into) {
  const MappedFile mapped(payload_file);
  const auto bytes = mapped.bytes();
  payload p;
  const char* problem = "";
  if (payload_open(&p, bytes.data(), bytes.size(), &problem) != 0) throw Error(file + ": " + problem);
  if (XXH3_64bits(bytes.data() + PAYLOAD_DIGESTED_FROM, p.data - PAYLOAD_DIGESTED_FROM) != p.digest) {
    throw Error(file + ": payload damaged: its index does not match its digest");
  }
  std::vector<payload_entry> entries, files;
  std::uint64_t cursor = 0, offset = 0;
  payload_entry e;
  int r;
  while ((r = payload_next(&p, &cursor, &offset, &e, &problem)) == 1) entries.push_back(e);
  if (r < 0) throw Error(file + ": " + problem);
  if (entries.size() != p.entries || offset != p.expanded) throw Error(file + ": the index does not match its header");

  if (!fs::create_directory(into)) throw Error(into.string() + ": already there");
  std::set<std::string> made;  // the files so far: what a hard link may name
  for (const auto& entry : entries) {
    const fs::path path = into / entry.path;
    if (entry.kind == PAYLOAD_DIRECTORY) {
      if (!fs::create_directory(path)) throw Error(file + ": " + entry.path + " twice");
    } else if (entry.kind == PAYLOAD_FILE) {
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0) throw Error(path.string() + ": cannot create: " + std::strerror(errno));
      ::close(fd);
      made.insert(entry.path);
      if (entry.size > 0) files.push_back(entry);
    }
  }
  std::string content;
  std::size_t k = 0;  // the first file not written whole
  payload_frame before{}, frame{};
  for (std::uint32_t i = 0; i < p.frames; ++i) {
    payload_frame_at(&p, i, i ? &before : nullptr, &frame);
    before = frame;
    content.resize(frame.content_size);
    const std::size_t n = ZSTD_decompress(content.data(), content.size(), bytes.data() + frame.coded_offset, frame.coded_size);
    if (ZSTD_isError(n) || n != frame.content_size || XXH3_64bits(content.data(), n) != frame.hash) {
      throw Error(file + ": payload damaged: a frame does not expand to the content its hash names");
    }
    const std::uint64_t from = frame.content_offset, to = from + n;
    for (; k < files.size() && files[k].offset < to; ++k) {
      const std::uint64_t start = std::max(files[k].offset, from), end = std::min(files[k].offset + files[k].size, to);
      write_at(into / files[k].path, reinterpret_cast<const unsigned char*>(content.data()) + (start - from), end - start,
               start - files[k].offset);
      if (files[k].offset + files[k].size > to) break;  // goes on in the next frame
    }
  }
  for (const auto& entry : entries) {
    std::error_code error;
    if (entry.kind == PAYLOAD_HARDLINK) {
      if (!made.contains(entry.target)) throw Error(file + ": " + entry.path + ": a hard link to " + entry.target + ", not a file");
      fs::create_hard_link(into / entry.target, into / entry.path, error);
    } else if (entry.kind == PAYLOAD_SYMLINK) {
      if (!link_stays_inside(entry.path, entry.target)) {
        throw Error(file + ": link '" + entry.path + "' -> '" + entry.target + "' leaves the bundle; refused");
      }
      fs::create_symlink(entry.target, into / entry.path, error);
    }
    if (error) throw Error((into / entry.path).string() + ": cannot make the link: " + error.message());
  }
  return p.digest;
}

}  // namespace elfpack
