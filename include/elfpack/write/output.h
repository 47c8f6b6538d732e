// Step (6): writing a bundle plan out. Every writer builds its output in a temporary next to the
// destination and renames it into place on commit(); a writer destroyed without commit() removes
// its temporary, so a failed run leaves the destination as it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "elfpack/bundle.h"

namespace elfpack {

enum class OutputFormat { kDirectory, kZip, kTar, kTarGz, kTarXz, kTarZst, kInstaller, kExe };

// By the name: .zip, .tar, .tar.gz/.tgz, .tar.xz/.txz, .tar.zst/.tzst, .sh (a self-extracting
// installer); a name ending in '/' or an existing directory is a directory. `format`, when not
// empty (--format), decides instead: dir, zip, tar, tar.gz, tar.xz, tar.zst, sh, exe (one
// executable: a compressed bundle's expander with the payload after it, exe_writer.cpp). "-" (standard
// output) is an installer unless a format is named.
OutputFormat output_format_for(const std::string& output, const std::string& format = "");
// The names --format takes, in the order of the table above; the name of one format.
std::vector<std::string> output_format_names();
std::string output_format_name(OutputFormat format);

// How a writer wants file contents handed to it.
enum class Codec {
  kNone,     // the bytes as they are
  kDeflate,  // raw deflate (RFC 1951), each piece ending on a byte boundary, so that pieces follow each other
};

// How a writer stores an entry whose bytes an earlier one holds (BundleEntry::same_as).
enum class Links {
  kNone,      // a copy, as any file
  kHard,      // a hard link to the first: a directory, a tar (type '1', linkname)
  kSymbolic,  // a relative symbolic link to the first, where same_as_symlink_ok says it is safe: a zip
};

// The size of a piece: the unit of parallel compression (fixed, so the output does not depend on
// the number of threads).
inline constexpr std::size_t kPieceSize = std::size_t{1} << 20;

// One piece of an entry's content, in order: up to kPieceSize bytes of the content (and, for the
// last piece, the zeros a format pads with), compressed by write_bundle's workers.
struct Piece {
  std::span<const unsigned char> raw;       // the content bytes of this piece
  std::size_t padding = 0;                  // zeros after them (in `coded` and `crc` too)
  std::vector<unsigned char> coded;         // kDeflate: the codec's output
  bool stored = false;                      // kDeflate with final blocks: `raw` goes as it is (an entry of
                                            // one piece that compressing did not pay, or every piece of an
                                            // entry compressed already)
  std::uint32_t crc = 0;                    // CRC-32 of raw + padding, when Coding::crc
  bool last = false;                        // the entry's last piece
};

class BundleWriter {
 public:
  struct Coding {
    Codec codec = Codec::kNone;
    int level = -1;           // the codec's level (-1: its default)
    bool crc = false;         // wants Piece::crc
    unsigned pad_to = 0;      // content padded with zeros to a multiple of this (tar: 512)
    bool patches_id = true;   // takes kPendingId in names and is told the id by set_id()
    std::size_t piece_size = kPieceSize;
    std::uint64_t whole_up_to = 0;  // kDeflate with final_blocks: an entry up to this size is one
                                    // piece, compressed whole (by libdeflate, faster than zlib)
    bool final_blocks = true;  // kDeflate: an entry's last piece ends the stream (false: a sync
                               // flush, for a stream that goes on: tar.gz is one)
    Links links = Links::kNone;
  };
  virtual ~BundleWriter() = default;
  virtual Coding coding() const { return {}; }
  // Called once before the entries.
  virtual void begin(const BundlePlan& plan) { (void)plan; }
  // Each entry: start_entry, its pieces in order (none for an empty file, a directory or a link),
  // end_entry. `size` is the content's size (files and bytes).
  virtual void start_entry(const BundleEntry& entry, std::uint64_t size) = 0;
  virtual void piece(const Piece& piece) { (void)piece; }
  virtual void end_entry() {}
  // The private directory's id, once known: what was written under kPendingId is now under `id`,
  // and the entries still to come carry it. Never called for writers that do not patch.
  virtual void set_id(const std::string& id) { (void)id; }
  virtual void commit() = 0;
};

// Whether `entry` is written as a link to the entry that holds its bytes (then with no content:
// start_entry is told size 0 and no piece follows).
bool stored_as_link(const BundleEntry& entry, const BundleWriter::Coding& coding);
// The target of a symbolic link at `path` to `target` (both relative to the bundle's root).
std::string relative_link(const std::string& path, const std::string& target);

std::unique_ptr<BundleWriter> open_directory_writer(const std::string& output, bool force);
// --format exe, for a compressed plan (compress_bundle): the expander, the payload, the name of
// the program to run by default (the first launcher of bin/), a trailer that says where they are.
std::unique_ptr<BundleWriter> open_exe_writer(const std::string& output);
// `level`: the compressor's level (-1: its default); `jobs`: the threads of a compressor that has
// its own (zstd; 0: one per CPU).
std::unique_ptr<BundleWriter> open_archive_writer(const std::string& output, OutputFormat format, int level,
                                                  unsigned jobs = 0);
std::unique_ptr<BundleWriter> open_output(const std::string& output, bool force, const std::string& format = "",
                                          int level = -1, unsigned jobs = 0);
// The threads to use for `jobs` (0: one per CPU this process may run on).
unsigned effective_jobs(unsigned jobs);

// Writes every entry of the plan through the writer and commits. Each file is read once, by
// `jobs` threads (0: one per CPU) that hash it for the bundle's id and compress it piece by piece
// while the calling thread writes the pieces in order. A plan whose id is pending (kPendingId,
// from plan_bundle) gets its id here: plan.id, the entries' paths and the bytes that name the
// private directory are updated. `progress`, when set, hears the content bytes written so far and
// the total.
void write_bundle(BundlePlan& plan, BundleWriter& writer,
                  const std::function<void(std::uintmax_t, std::uintmax_t)>& progress = {}, unsigned jobs = 0);

// Where a name written before the id was known holds the pending id: right after "lib/elfpack/"
// in the pending private directory and in it; nothing else is ever renamed.
std::optional<std::size_t> pending_id_at(const std::string& name);

// The id of a plan's private directory: a digest of every path, mode, link and content under
// lib/elfpack/<id>/ (reading every file). write_bundle computes the same while it writes.
std::string content_id(const BundlePlan& plan);

// Names a plan's pending private directory by its content (content_id), in its paths and in the
// bytes that name it, as write_bundle does while writing.
void name_private_dir(BundlePlan& plan);

// The timestamp archives carry: SOURCE_DATE_EPOCH when set (reproducible builds), else a fixed
// date (1980-01-01, the earliest a zip can hold), so that the same input gives the same bytes.
long long archive_timestamp();

}  // namespace elfpack
