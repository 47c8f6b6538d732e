/* The compressed payload of a bundle made with --compress (lib/elfpack/<id>/payload): the files
 * of the bundle's private directory and its launchers, in one file that the expander
 * (expand.c) unpacks into /tmp on a program's first run. elfpack writes it
 * (src/write/payload.cpp); this reader, shared by the expander and elfpack's tests, checks every
 * size and offset before use, in subtraction form, and every path before it reaches the file system.
 *
 * Layout (integers little-endian):
 *    0  "EPZ1"
 *    4  u32 flags (0)
 *    8  u64 digest: XXH3-64 of bytes 16 up to the first frame (the rest of this header, the
 *       index and the frame table, which holds each frame's content hash): so it covers everything
 *   16  u64 expanded size: the sum of the files' sizes
 *   24  u64 index size in bytes
 *   32  u32 number of entries
 *   36  u32 number of frames
 *   40  u64 0
 *   48  the index: per entry, in path order (a directory before what it holds):
 *         u8 kind (0 directory, 1 file, 2 symlink, 3 hard link), u8 0, u16 mode (permission bits),
 *         u32 path length, u64 size (a file's content; a link's target length),
 *         the path and a NUL, for a link its target and a NUL
 *       A hard link is a file whose bytes a file entry holds (identical files are stored once;
 *       elfpack names the first in path order): its target is that entry's path, its mode that
 *       entry's; it has no content.
 *       the frame table: per frame u64 coded size, u64 content size, u64 XXH3-64 of the content
 *       the frames: independent zstd frames, in order
 * The content is the files' bytes one after the other in index order, cut into frames of a fixed
 * size (a file may span frames), so that frames expand on every CPU at once. */
#ifndef ELFPACK_PAYLOAD_FORMAT_H
#define ELFPACK_PAYLOAD_FORMAT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PAYLOAD_HEADER_SIZE 48
#define PAYLOAD_ENTRY_SIZE 16 /* the fixed part of an index entry */
#define PAYLOAD_FRAME_SIZE 24 /* one row of the frame table */
#define PAYLOAD_DIGESTED_FROM 16
#define PAYLOAD_PATH_MAX 4096

enum payload_kind { PAYLOAD_DIRECTORY = 0, PAYLOAD_FILE = 1, PAYLOAD_SYMLINK = 2, PAYLOAD_HARDLINK = 3 };

struct payload {
  const unsigned char *bytes;
  uint64_t size;
  uint64_t digest, expanded, index_size;
  uint32_t entries, frames;
  uint64_t frame_table; /* offset of the frame table */
  uint64_t data;        /* offset of the first frame */
};

struct payload_entry {
  unsigned kind, mode;
  const char *path;   /* NUL-terminated, inside the payload's bytes */
  const char *target; /* a link's, NUL-terminated (a hard link's: a plain relative path); 0 otherwise */
  uint64_t size;
  uint64_t offset; /* a file's first byte in the content */
};

struct payload_frame {
  uint64_t coded_offset, coded_size; /* in the payload */
  uint64_t content_offset, content_size;
  uint64_t hash;
};

/* Reads the header and checks that the index, the frame table and the frames fit the payload and
 * agree with each other (the frames' content sizes add up to the expanded size, their coded sizes
 * to the rest of the file). 0, or -1 with *problem saying why. */
int payload_open(struct payload *p, const unsigned char *bytes, uint64_t size, const char **problem);

/* The entries one after the other: *cursor starts at 0 and *offset at 0 (the content offset,
 * advanced past each file). 1 with an entry, 0 at the end (the index used exactly), -1 with
 * *problem on a bad one: a kind or mode out of range, a path that is empty, absolute, has an
 * empty, "." or ".." component, a NUL inside or is too long, a link target with a NUL (a hard
 * link's: not a plain relative path), sizes past the index or the content. Whether a hard link's
 * target is a file entry is the caller's to check. */
int payload_next(const struct payload *p, uint64_t *cursor, uint64_t *offset, struct payload_entry *e,
                 const char **problem);

/* Frame i (< p->frames), given the frame before it (0 for frame 0). */
void payload_frame_at(const struct payload *p, uint32_t i, const struct payload_frame *before, struct payload_frame *f);

#ifdef __cplusplus
}
#endif

#endif
