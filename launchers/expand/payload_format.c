/* The payload reader (payload_format.h says the format): bounds-checked, no allocation, no
 * system call, so the static expander and elfpack's unit tests and fuzzer share it. */
#include "payload_format.h"

#include <string.h>

static uint64_t u64_at(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

static uint32_t u32_at(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static int fail(const char **problem, const char *why) {
  *problem = why;
  return -1;
}

int payload_open(struct payload *p, const unsigned char *bytes, uint64_t size, const char **problem) {
  memset(p, 0, sizeof *p);
  if (size < PAYLOAD_HEADER_SIZE) return fail(problem, "shorter than its header");
  if (memcmp(bytes, "EPZ1", 4) != 0) return fail(problem, "not an elfpack payload (no EPZ1 magic)");
  if (u32_at(bytes + 4) != 0) return fail(problem, "flags this expander does not know");
  p->bytes = bytes;
  p->size = size;
  p->digest = u64_at(bytes + 8);
  p->expanded = u64_at(bytes + 16);
  p->index_size = u64_at(bytes + 24);
  p->entries = u32_at(bytes + 32);
  p->frames = u32_at(bytes + 36);
  const uint64_t rest = size - PAYLOAD_HEADER_SIZE;
  if (p->index_size > rest) return fail(problem, "index past the end");
  if (p->entries > p->index_size / (PAYLOAD_ENTRY_SIZE + 1)) return fail(problem, "more entries than the index holds");
  if (p->frames > (rest - p->index_size) / PAYLOAD_FRAME_SIZE) return fail(problem, "frame table past the end");
  p->frame_table = PAYLOAD_HEADER_SIZE + p->index_size;
  p->data = p->frame_table + (uint64_t)p->frames * PAYLOAD_FRAME_SIZE;
  uint64_t coded = 0, content = 0;
  for (uint32_t i = 0; i < p->frames; i++) {
    const unsigned char *row = bytes + p->frame_table + (uint64_t)i * PAYLOAD_FRAME_SIZE;
    const uint64_t c = u64_at(row), n = u64_at(row + 8);
    if (c > size - p->data - coded) return fail(problem, "frames past the end");
    if (n > UINT64_MAX - content) return fail(problem, "frame sizes overflow");
    if (c == 0 || n == 0) return fail(problem, "an empty frame");
    coded += c;
    content += n;
  }
  if (coded != size - p->data) return fail(problem, "bytes after the last frame");
  if (content != p->expanded) return fail(problem, "frames do not add up to the expanded size");
  return 0;
}

/* A relative path of non-empty components, none "." or "..". */
static int good_path(const char *s, uint64_t n) {
  if (n == 0 || n >= PAYLOAD_PATH_MAX || s[0] == '/') return 0;
  uint64_t start = 0;
  for (uint64_t i = 0; i <= n; i++) {
    if (i < n && s[i] == '\0') return 0;
    if (i < n && s[i] != '/') continue;
    const uint64_t len = i - start;
    if (len == 0) return 0;
    if (s[start] == '.' && (len == 1 || (len == 2 && s[start + 1] == '.'))) return 0;
    start = i + 1;
  }
  return 1;
}

int payload_next(const struct payload *p, uint64_t *cursor, uint64_t *offset, struct payload_entry *e,
                 const char **problem) {
  const unsigned char *index = p->bytes + PAYLOAD_HEADER_SIZE;
  if (*cursor == p->index_size) return 0;
  if (*cursor > p->index_size || p->index_size - *cursor < PAYLOAD_ENTRY_SIZE) return fail(problem, "index entry cut short");
  const unsigned char *at = index + *cursor;
  e->kind = at[0];
  e->mode = (unsigned)at[2] | (unsigned)at[3] << 8;
  const uint64_t path_length = u32_at(at + 4);
  e->size = u64_at(at + 8);
  e->target = 0;
  e->offset = *offset;
  if (e->kind > PAYLOAD_HARDLINK || at[1] != 0) return fail(problem, "an entry of unknown kind");
  if (e->mode > 07777) return fail(problem, "a mode past 07777");
  uint64_t left = p->index_size - *cursor - PAYLOAD_ENTRY_SIZE;
  if (path_length >= left) return fail(problem, "a path past the index");
  e->path = (const char *)at + PAYLOAD_ENTRY_SIZE;
  if (e->path[path_length] != '\0' || !good_path(e->path, path_length)) return fail(problem, "a path that is not plain and relative");
  uint64_t used = PAYLOAD_ENTRY_SIZE + path_length + 1;
  left -= path_length + 1;
  if (e->kind == PAYLOAD_SYMLINK || e->kind == PAYLOAD_HARDLINK) {
    if (e->size == 0 || e->size >= left || e->size >= PAYLOAD_PATH_MAX) return fail(problem, "a link target past the index");
    e->target = (const char *)at + used;
    if (memchr(e->target, '\0', e->size) != 0 || e->target[e->size] != '\0') return fail(problem, "a link target with a NUL");
    if (e->kind == PAYLOAD_HARDLINK && !good_path(e->target, e->size)) return fail(problem, "a hard link to a path that is not plain and relative");
    used += e->size + 1;
  } else if (e->kind == PAYLOAD_FILE) {
    if (e->size > p->expanded - *offset) return fail(problem, "files past the expanded size");
    *offset += e->size;
  } else if (e->size != 0) {
    return fail(problem, "a directory with a size");
  }
  *cursor += used;
  return 1;
}

void payload_frame_at(const struct payload *p, uint32_t i, const struct payload_frame *before, struct payload_frame *f) {
  const unsigned char *row = p->bytes + p->frame_table + (uint64_t)i * PAYLOAD_FRAME_SIZE;
  f->coded_offset = before ? before->coded_offset + before->coded_size : p->data;
  f->content_offset = before ? before->content_offset + before->content_size : 0;
  f->coded_size = u64_at(row);
  f->content_size = u64_at(row + 8);
  f->hash = u64_at(row + 16);
}
