// Step (6): writing a bundle plan out. Every writer builds its output in a temporary next to the
// destination and renames it into place on commit(); a writer destroyed without commit() removes
// its temporary, so a failed run leaves the destination as it was.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "elfpack/bundle.h"

namespace elfpack {

enum class OutputFormat { kDirectory, kZip, kTar, kTarGz, kTarXz, kTarZst, kInstaller };

// By the name: .zip, .tar, .tar.gz/.tgz, .tar.xz/.txz, .tar.zst/.tzst, .sh (a self-extracting
// installer); a name ending in '/' or an existing directory is a directory. `format`, when not
// empty (--format), decides instead: dir, zip, tar, tar.gz, tar.xz, tar.zst, sh. "-" (standard
// output) is an installer unless a format is named.
OutputFormat output_format_for(const std::string& output, const std::string& format = "");
// The names --format takes, in the order of the table above; the name of one format.
std::vector<std::string> output_format_names();
std::string output_format_name(OutputFormat format);

class BundleWriter {
 public:
  virtual ~BundleWriter() = default;
  // Called once before the entries.
  virtual void begin(const BundlePlan& plan) { (void)plan; }
  // Entries come in plan order (sorted, parents first). `content` is the file's bytes for files.
  virtual void add(const BundleEntry& entry, std::span<const unsigned char> content) = 0;
  virtual void commit() = 0;
};

std::unique_ptr<BundleWriter> open_directory_writer(const std::string& output, bool force);
// `level`: the compressor's level (-1: its default).
std::unique_ptr<BundleWriter> open_archive_writer(const std::string& output, OutputFormat format, int level);
std::unique_ptr<BundleWriter> open_output(const std::string& output, bool force, const std::string& format = "",
                                          int level = -1);

// Feeds every entry of the plan to the writer and commits.
// `progress`, when set, hears the bytes written so far and the total after each entry.
void write_bundle(const BundlePlan& plan, BundleWriter& writer,
                  const std::function<void(std::uintmax_t, std::uintmax_t)>& progress = {});

// The timestamp archives carry: SOURCE_DATE_EPOCH when set (reproducible builds), else a fixed
// date (1980-01-01, the earliest a zip can hold), so that the same input gives the same bytes.
long long archive_timestamp();

}  // namespace elfpack
