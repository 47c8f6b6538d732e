// libarchive, loaded with dlopen when the first archive is written. libarchive links ten more
// libraries (ICU, libxml2, nettle, the compressors...) whose loading and relocation took 1.4 ms
// of elfpack's 2 ms start-up, paid by every run, including `elfpack inspect` and directory
// output, which never write an archive. The headers are libarchive's own, so each function
// pointer has exactly the library's type.
#pragma once

#include <archive.h>
#include <archive_entry.h>

namespace elfpack {

#define ELFPACK_LIBARCHIVE_FUNCTIONS(X)                                                              \
  X(archive_write_new) X(archive_write_free) X(archive_write_set_format_zip) X(archive_write_set_options) \
  X(archive_write_set_bytes_in_last_block) X(archive_write_open_fd) X(archive_write_header)            \
  X(archive_write_data) X(archive_write_close) X(archive_error_string) X(archive_entry_new)            \
  X(archive_entry_free) X(archive_entry_set_pathname) X(archive_entry_set_mtime)                      \
  X(archive_entry_set_uid) X(archive_entry_set_gid) X(archive_entry_set_filetype)                     \
  X(archive_entry_set_perm) X(archive_entry_set_symlink) X(archive_entry_set_size)                   \
  X(archive_write_set_format_pax_restricted) X(archive_write_add_filter_gzip) X(archive_write_add_filter_xz) \
  X(archive_write_add_filter_zstd) X(archive_read_new) X(archive_read_support_format_all)             \
  X(archive_read_support_filter_all) X(archive_read_open_filename) X(archive_read_next_header)         \
  X(archive_read_data_block) X(archive_read_free) X(archive_entry_pathname) X(archive_entry_filetype)   \
  X(archive_entry_symlink) X(archive_entry_perm) X(archive_errno) X(archive_entry_set_hardlink)            \
  X(archive_entry_hardlink)

struct LibArchive {
#define ELFPACK_LIBARCHIVE_MEMBER(name) decltype(&::name) name = nullptr;
  ELFPACK_LIBARCHIVE_FUNCTIONS(ELFPACK_LIBARCHIVE_MEMBER)
#undef ELFPACK_LIBARCHIVE_MEMBER
};

// The library, loaded on first use (the SONAME elfpack was built against). Throws Error naming
// the library if it cannot be loaded or lacks a function.
const LibArchive& libarchive();

}  // namespace elfpack
