// Step (6), the hot path: every file of the plan read once, hashed for the bundle's id and
// compressed piece by piece on every CPU, while this thread writes the pieces out in order.
//
// The id names the private directory, so it is in the names of entries written before it is
// known: writers that can (zip, tar, directories) take kPendingId there and patch it in place
// once the last private file is hashed (set_id); the entries outside the private directory that
// name it in their bytes (launchers) are written last, after that. A writer that cannot patch
// (the xz and zstd streams) gets the id from a hashing pass first, on every CPU, over mappings
// kept for the writing.
//
// Pieces are kPieceSize bytes of one entry, compressed independently (deflate primed with the
// 32 KiB before the piece, so the ratio is that of one stream), so the bytes written do not
// depend on the number of threads. A zip's entries up to Coding::whole_up_to are one piece each,
// compressed whole by libdeflate (2.7 times as fast as zlib at level 6 on gdb's files, 1.8%
// smaller), which cannot continue a stream as pieces need.
//
// Content compressed already (a payload, or a compressed format's signature: compressed_content.h)
// is not deflated again, which would cost time for nothing: a zip stores it, a gzip stream carries
// it in stored blocks (deflate at level 0).
#include <libdeflate.h>
#include <sched.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include <xxhash.h>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/write/output.h"
#include "compressed_content.h"

namespace elfpack {

namespace {

const std::string& pending_prefix() {
  static const std::string prefix = std::string(kPrivateRoot) + "/" + kPendingId;
  return prefix;
}

bool in_private_dir(const std::string& path, const std::string& prefix) {
  return path.size() > prefix.size() && path.starts_with(prefix) && path[prefix.size()] == '/';
}

bool has_content(const BundleEntry& e) {
  return e.kind == BundleEntry::Kind::kFile || e.kind == BundleEntry::Kind::kBytes;
}

std::uint64_t content_size(const BundleEntry& e) {
  return e.kind == BundleEntry::Kind::kFile ? e.size : e.kind == BundleEntry::Kind::kBytes ? e.bytes.size() : 0;
}

// The digest that names the private directory: for every entry under it (directories aside), in
// path order, its path inside it, mode, and link target or the XXH3 of its content.
class IdDigest {
 public:
  IdDigest() : state_(XXH3_createState()) { XXH3_64bits_reset(state_); }
  ~IdDigest() { XXH3_freeState(state_); }
  IdDigest(const IdDigest&) = delete;
  IdDigest& operator=(const IdDigest&) = delete;

  void add(const std::string& path, mode_t mode, const std::string& link, XXH64_hash_t content) {
    XXH3_64bits_update(state_, path.data(), path.size() + 1);
    const uint32_t m = mode;
    XXH3_64bits_update(state_, &m, sizeof m);
    if (!link.empty()) {
      XXH3_64bits_update(state_, link.data(), link.size() + 1);
    } else {
      XXH3_64bits_update(state_, &content, sizeof content);
    }
  }
  std::string finish() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(XXH3_64bits_digest(state_)));
    return text;
  }

 private:
  XXH3_state_t* state_;
};

// The id of the plan's private files, given the XXH3 of entry i's content as hash_of(i) (asked
// for files and bytes under the private directory).
template <class HashOf>
std::string digest_of(const BundlePlan& plan, HashOf hash_of) {
  const std::string prefix = std::string(kPrivateRoot) + "/" + plan.id;
  IdDigest digest;
  for (std::size_t i = 0; i < plan.entries.size(); ++i) {
    const BundleEntry& e = plan.entries[i];
    if (!in_private_dir(e.path, prefix) || e.kind == BundleEntry::Kind::kDirectory) continue;
    const bool link = e.kind == BundleEntry::Kind::kSymlink;
    digest.add(e.path.substr(prefix.size() + 1), e.mode, link ? e.bytes : std::string(), link ? 0 : hash_of(i));
  }
  return digest.finish();
}

// Puts `id` where kPendingId names the private directory: in paths, and in the bytes of entries
// (the launchers' paths to it). Same length: nothing else moves.
void settle_id(BundlePlan& plan, const std::string& id) {
  const std::string& from = pending_prefix();
  const std::string to = std::string(kPrivateRoot) + "/" + id;
  for (auto& e : plan.entries) {
    if (e.path == from || in_private_dir(e.path, from)) e.path.replace(0, from.size(), to);
    if (in_private_dir(e.same_as, from)) e.same_as.replace(0, from.size(), to);
    if (e.kind == BundleEntry::Kind::kDirectory) continue;
    for (auto at = e.bytes.find(from); at != std::string::npos; at = e.bytes.find(from, at + to.size())) {
      e.bytes.replace(at, from.size(), to);
    }
  }
  plan.id = id;
}

// What a worker keeps between pieces: a compressor each.
struct WorkerState {
  z_stream deflate{};
  bool deflate_ready = false;
  int deflate_level = 0;
  libdeflate_compressor* whole = nullptr;
  int whole_level = 0;
  ~WorkerState() {
    if (deflate_ready) deflateEnd(&deflate);
    if (whole != nullptr) libdeflate_free_compressor(whole);
  }
  WorkerState() = default;
  WorkerState(const WorkerState&) = delete;
  WorkerState& operator=(const WorkerState&) = delete;
};

const unsigned char* zeros() {
  static const std::vector<unsigned char> z(512, 0);  // padding never exceeds a tar block
  return z.data();
}

// Raw deflate of one piece: primed with the 32 KiB before it, ending on a byte boundary (a sync
// flush) so that the next piece's stream follows it, or with the final block.
void deflate_piece(WorkerState& w, int level, bool final_block, std::span<const unsigned char> before, Piece& piece) {
  if (!w.deflate_ready || w.deflate_level != level) {
    if (w.deflate_ready) deflateEnd(&w.deflate);
    w.deflate = {};
    if (deflateInit2(&w.deflate, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw Error("deflate: cannot start at level " + std::to_string(level));
    }
    w.deflate_ready = true;
    w.deflate_level = level;
  } else {
    deflateReset(&w.deflate);
  }
  z_stream& z = w.deflate;
  if (!before.empty()) {
    const std::size_t n = std::min<std::size_t>(before.size(), 32768);
    deflateSetDictionary(&z, before.data() + before.size() - n, static_cast<uInt>(n));
  }
  piece.coded.resize(deflateBound(&z, piece.raw.size() + piece.padding) + 64);
  z.next_out = piece.coded.data();
  z.avail_out = static_cast<uInt>(piece.coded.size());
  const int final_flush = piece.last && final_block ? Z_FINISH : Z_SYNC_FLUSH;
  auto run = [&](const unsigned char* data, std::size_t n, int flush) {
    z.next_in = const_cast<unsigned char*>(data);
    z.avail_in = static_cast<uInt>(n);
    for (;;) {
      if (z.avail_out < 64) {
        const std::size_t used = piece.coded.size() - z.avail_out;
        piece.coded.resize(piece.coded.size() * 2);
        z.next_out = piece.coded.data() + used;
        z.avail_out = static_cast<uInt>(piece.coded.size() - used);
      }
      const int status = deflate(&z, flush);
      if (status == Z_STREAM_END) return;
      if (status != Z_OK && status != Z_BUF_ERROR) throw Error("deflate: failed");
      if (z.avail_in == 0 && z.avail_out >= 64 && flush == Z_NO_FLUSH) return;
      if (z.avail_in == 0 && z.avail_out >= 64 && flush == Z_SYNC_FLUSH) return;
    }
  };
  if (piece.padding == 0) {
    run(piece.raw.data(), piece.raw.size(), final_flush);
  } else {
    run(piece.raw.data(), piece.raw.size(), Z_NO_FLUSH);
    run(zeros(), piece.padding, final_flush);
  }
  piece.coded.resize(piece.coded.size() - z.avail_out);
  piece.stored = piece.last && piece.raw.data() != nullptr && piece.coded.size() >= piece.raw.size() + piece.padding &&
                 before.empty();
}

// Raw deflate of a whole entry, ending with the final block.
void deflate_whole(WorkerState& w, int level, Piece& piece) {
  if (w.whole == nullptr || w.whole_level != level) {
    if (w.whole != nullptr) libdeflate_free_compressor(w.whole);
    w.whole = libdeflate_alloc_compressor(level);
    if (w.whole == nullptr) throw Error("deflate: cannot start at level " + std::to_string(level));
    w.whole_level = level;
  }
  piece.coded.resize(libdeflate_deflate_compress_bound(w.whole, piece.raw.size()));
  const std::size_t n =
      libdeflate_deflate_compress(w.whole, piece.raw.data(), piece.raw.size(), piece.coded.data(), piece.coded.size());
  if (n == 0) throw Error("deflate: the output did not fit its bound");
  piece.coded.resize(n);
  piece.stored = piece.raw.data() != nullptr && n >= piece.raw.size();
}

// One piece of work: a piece of an entry's content.
struct Unit {
  std::size_t entry = 0;
  std::uint64_t offset = 0;
  std::size_t length = 0;
  bool first = false;
  bool whole = false;  // the entry's whole content, compressed by libdeflate
  bool keep = false;   // the entry's content is compressed already: stored as it is (a zip) or, in a
                       // stream, deflated at level 0 (stored blocks)
  Piece piece;
  XXH64_hash_t hash = 0;  // the entry's, when first and the id needs it
  bool ready = false;
  std::exception_ptr error;
};

class Pipeline {
 public:
  Pipeline(BundlePlan& plan, BundleWriter& writer, unsigned jobs,
           const std::function<void(std::uintmax_t, std::uintmax_t)>& progress)
      : plan_(plan), writer_(writer), coding_(writer.coding()), progress_(progress) {
    jobs_ = effective_jobs(jobs);
    pending_ = plan_.id == kPendingId;
    maps_.resize(plan_.entries.size());
    if (pending_ && !coding_.patches_id) {
      settle_id(plan_, hash_first());
      pending_ = false;
    }
    barrier_ = plan_.entries.size();
    if (pending_) {
      // Entries outside the private directory whose bytes name it go last, once it has its id.
      const auto late = std::stable_partition(plan_.entries.begin(), plan_.entries.end(), [](const BundleEntry& e) {
        return pending_id_at(e.path) || e.bytes.find(pending_prefix()) == std::string::npos;
      });
      barrier_ = static_cast<std::size_t>(late - plan_.entries.begin());
    }
    first_unit_.resize(plan_.entries.size() + 1);
    hashes_.resize(plan_.entries.size());
    plan_.stored_once_bytes = 0;
    for (std::size_t i = 0; i < plan_.entries.size(); ++i) {
      first_unit_[i] = units_.size();
      const auto& e = plan_.entries[i];
      if (stored_as_link(e, coding_)) {
        plan_.stored_once_bytes += content_size(e);
        continue;
      }
      if (!has_content(e)) continue;
      const std::uint64_t size = content_size(e);
      total_ += size;
      const bool whole = coding_.codec == Codec::kDeflate && coding_.final_blocks && coding_.pad_to == 0 &&
                         size <= coding_.whole_up_to;
      const std::uint64_t step = whole ? size : coding_.piece_size;
      for (std::uint64_t off = 0; off < size; off += step) {
        Unit u;
        u.entry = i;
        u.offset = off;
        u.length = static_cast<std::size_t>(std::min<std::uint64_t>(step, size - off));
        u.whole = whole;
        u.first = off == 0;
        u.piece.last = off + u.length == size;
        if (u.piece.last && coding_.pad_to != 0) u.piece.padding = (coding_.pad_to - size % coding_.pad_to) % coding_.pad_to;
        units_.push_back(std::move(u));
      }
    }
    first_unit_[plan_.entries.size()] = units_.size();
    holder_ = holders();
    bytes_before_.reserve(units_.size() + 1);
    bytes_before_.push_back(0);
    for (const Unit& u : units_) bytes_before_.push_back(bytes_before_.back() + u.length);
    window_ = std::max<std::size_t>(8, 4 * jobs_);
    limit_ = first_unit_[barrier_];
    try {
      for (unsigned t = 0; t < jobs_; ++t) threads_.emplace_back([this] { work(); });
    } catch (const std::system_error& e) {
      stop();  // the destructor does not run for a constructor that throws
      throw Error("cannot start " + std::to_string(jobs_) + " threads (" + e.what() + "): ask for fewer with --jobs");
    }
  }

  ~Pipeline() { stop(); }

  void run() {
    writer_.begin(plan_);
    IdDigest digest;
    std::uintmax_t done = 0;
    for (std::size_t i = 0; i < plan_.entries.size(); ++i) {
      if (pending_ && i == barrier_) settle(digest.finish());
      const BundleEntry& e = plan_.entries[i];
      const bool link = stored_as_link(e, coding_);
      writer_.start_entry(e, link ? 0 : content_size(e));
      // A link's bytes are its first copy's, written before it (an earlier path; entries that
      // wait for the id are never either: mark_identical_files leaves them alone).
      XXH64_hash_t hash = link ? hashes_[holder_[i]] : XXH3_64bits(nullptr, 0);
      for (std::size_t u = first_unit_[i]; u < first_unit_[i + 1]; ++u) {
        Unit& unit = wait_for(u);
        if (unit.first) hash = unit.hash;
        writer_.piece(unit.piece);
        done += unit.length;
        unit.piece = Piece{};  // its buffer back
        if (progress_) progress_(done, total_);
      }
      if (maps_[i]) {
        maps_[i]->ensure_intact();  // before commit: a file cut short while read is an error, not zeros
        maps_[i].reset();
      }
      writer_.end_entry();
      hashes_[i] = hash;
      if (pending_ && in_private_dir(e.path, pending_prefix()) && e.kind != BundleEntry::Kind::kDirectory) {
        digest.add(e.path.substr(pending_prefix().size() + 1), e.mode,
                   e.kind == BundleEntry::Kind::kSymlink ? e.bytes : std::string(), hash);
      }
    }
    if (pending_ && barrier_ == plan_.entries.size()) settle(digest.finish());
    writer_.commit();
  }

 private:
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  void settle(const std::string& id) {
    settle_id(plan_, id);
    writer_.set_id(id);
    {
      std::lock_guard lock(mutex_);
      limit_ = units_.size();
    }
    admit();
  }

  // For a writer that needs the id before its first byte: every private file hashed first, on
  // every CPU. Their mappings are kept for the writing that follows, so each file is still read
  // once (from disk; the second pass finds its pages in memory), up to kKeptMaps of them: past
  // that (mapping slots are finite, see mapped_file.cpp) a file is mapped again to be written.
  std::string hash_first() {
    constexpr std::size_t kKeptMaps = 512;
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < plan_.entries.size(); ++i) {
      const BundleEntry& e = plan_.entries[i];
      if (has_content(e) && in_private_dir(e.path, pending_prefix()) && !stored_as_link(e, coding_)) todo.push_back(i);
    }
    std::vector<XXH64_hash_t> hashes(plan_.entries.size());
    std::size_t kept = 0;
    for (const std::size_t i : todo) {
      if (plan_.entries[i].kind == BundleEntry::Kind::kFile && kept < kKeptMaps) {
        content_of(i);  // mapped here, once
        ++kept;
      }
    }
    std::atomic<std::size_t> next{0};
    std::vector<std::exception_ptr> errors(jobs_);
    auto hash_some = [&](unsigned worker) {
      try {
        for (std::size_t k; (k = next.fetch_add(1)) < todo.size();) {
          const std::size_t i = todo[k];
          const BundleEntry& e = plan_.entries[i];
          if (e.kind == BundleEntry::Kind::kBytes || maps_[i]) {
            const auto bytes = content_view(i);
            hashes[i] = XXH3_64bits(bytes.data(), bytes.size());
          } else {
            const MappedFile file = map_planned(e);
            hashes[i] = XXH3_64bits(file.bytes().data(), file.bytes().size());
            file.ensure_intact();
          }
        }
      } catch (...) {
        errors[worker] = std::current_exception();
        next = todo.size();
      }
    };
    std::vector<std::thread> helpers;
    try {
      for (unsigned t = 1; t < jobs_; ++t) helpers.emplace_back(hash_some, t);
    } catch (const std::system_error& e) {
      next = todo.size();
      for (auto& h : helpers) h.join();
      throw Error("cannot start " + std::to_string(jobs_) + " threads (" + e.what() + "): ask for fewer with --jobs");
    }
    hash_some(0);
    for (auto& h : helpers) h.join();
    for (const auto& error : errors) {
      if (error) std::rethrow_exception(error);
    }
    for (const std::size_t i : todo) {
      if (maps_[i]) maps_[i]->ensure_intact();
    }
    const std::vector<std::size_t> holder = holders();
    return digest_of(plan_, [&](std::size_t i) { return hashes[holder[i]]; });
  }

  // Entry -> the entry that holds its bytes: itself, or the one a link names, written before it.
  std::vector<std::size_t> holders() const {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < plan_.entries.size(); ++i) index.emplace(plan_.entries[i].path, i);
    std::vector<std::size_t> holder(plan_.entries.size());
    for (std::size_t i = 0; i < plan_.entries.size(); ++i) {
      const BundleEntry& e = plan_.entries[i];
      holder[i] = i;
      if (!stored_as_link(e, coding_)) continue;
      const auto it = index.find(e.same_as);
      if (it == index.end() || it->second >= i || plan_.entries[it->second].same_as.size() != 0) {
        throw Error("internal error: " + e.path + " is planned as a copy of " + e.same_as + ", which is not a file written before it");
      }
      holder[i] = it->second;
    }
    return holder;
  }

  // The file of a planned entry, mapped; an Error if its size is not the one planned.
  static MappedFile map_planned(const BundleEntry& e) {
    MappedFile map(e.source);
    if (map.bytes().size() != e.size) {
      throw Error(e.source + ": changed while being read (" + std::to_string(e.size) + " bytes when planned, now " +
                  std::to_string(map.bytes().size()) + ")");
    }
    return map;
  }

  // The bytes of entry i, which has its own or is mapped already.
  std::span<const unsigned char> content_view(std::size_t i) const {
    const BundleEntry& e = plan_.entries[i];
    if (e.kind == BundleEntry::Kind::kBytes) return {reinterpret_cast<const unsigned char*>(e.bytes.data()), e.bytes.size()};
    return maps_[i]->bytes();
  }

  // The bytes of entry i: its mapping (made here, the first time) or its own bytes.
  std::span<const unsigned char> content_of(std::size_t i) {
    const BundleEntry& e = plan_.entries[i];
    if (e.kind == BundleEntry::Kind::kFile && !maps_[i]) maps_[i] = std::make_unique<MappedFile>(map_planned(e));
    return content_view(i);
  }

  // Hands workers the pieces up to the window ahead of the writer: window_ pieces, and no more
  // than kAheadBytes of content unless that is the next piece alone (whole zip entries are up to
  // 32 MiB; their compressed copies wait in memory for the writer).
  void admit() {
    constexpr std::uint64_t kAheadBytes = 64 << 20;
    std::size_t upto;
    {
      std::lock_guard lock(mutex_);
      upto = std::min(limit_, written_ + window_);
      while (upto > written_ + 1 && bytes_before_[upto] - bytes_before_[written_] > kAheadBytes) --upto;
      if (admitted_ >= upto) return;
    }
    for (std::size_t u = admitted_; u < upto; ++u) {
      Unit& unit = units_[u];
      const auto content = content_of(unit.entry);  // may throw: nothing handed out yet for u
      unit.piece.raw = content.subspan(static_cast<std::size_t>(unit.offset), unit.length);
      unit.keep = plan_.entries[unit.entry].compressed || has_compressed_signature(content);
      std::lock_guard lock(mutex_);
      admitted_ = u + 1;
      work_cv_.notify_one();
    }
  }

  Unit& wait_for(std::size_t u) {
    {
      std::lock_guard lock(mutex_);
      written_ = u;
    }
    admit();
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [&] { return units_[u].ready; });
    if (units_[u].error) std::rethrow_exception(units_[u].error);
    return units_[u];
  }

  void work() {
    WorkerState state;
    for (;;) {
      std::size_t u;
      {
        std::unique_lock lock(mutex_);
        work_cv_.wait(lock, [&] { return stop_ || taken_ < admitted_; });
        if (stop_) return;
        u = taken_++;
      }
      Unit& unit = units_[u];
      try {
        process(state, unit);
      } catch (...) {
        unit.error = std::current_exception();
      }
      {
        std::lock_guard lock(mutex_);
        unit.ready = true;
      }
      done_cv_.notify_all();
    }
  }

  void process(WorkerState& state, Unit& unit) {
    Piece& piece = unit.piece;
    const std::span<const unsigned char> whole(piece.raw.data() - unit.offset,
                                               static_cast<std::size_t>(unit.offset) + piece.raw.size());
    if (unit.first && pending_) {
      const BundleEntry& e = plan_.entries[unit.entry];
      if (in_private_dir(e.path, pending_prefix())) {
        const std::size_t size = static_cast<std::size_t>(content_size(e));
        unit.hash = XXH3_64bits(piece.raw.data(), size);
      }
    }
    if (coding_.crc) {
      piece.crc = libdeflate_crc32(0, piece.raw.data(), piece.raw.size());
      if (piece.padding != 0) piece.crc = libdeflate_crc32(piece.crc, zeros(), piece.padding);
    }
    const int level = coding_.level < 0 ? 6 : coding_.level;
    switch (coding_.codec) {
      case Codec::kNone:
        break;
      case Codec::kDeflate:
        if (unit.keep && coding_.final_blocks) {
          piece.stored = true;
        } else if (unit.whole) {
          deflate_whole(state, level, piece);
        } else {
          deflate_piece(state, unit.keep ? 0 : level, coding_.final_blocks, whole.first(static_cast<std::size_t>(unit.offset)),
                        piece);
        }
        break;
    }
  }

  BundlePlan& plan_;
  BundleWriter& writer_;
  const BundleWriter::Coding coding_;
  const std::function<void(std::uintmax_t, std::uintmax_t)>& progress_;
  unsigned jobs_ = 1;
  bool pending_ = false;
  std::size_t barrier_ = 0;                // the first entry that must wait for the id
  std::vector<Unit> units_;
  std::vector<std::size_t> first_unit_;    // entry -> its first unit (units_.size() past the end)
  std::vector<std::uint64_t> bytes_before_;  // unit -> the content bytes of the units before it
  std::vector<std::unique_ptr<MappedFile>> maps_;
  std::vector<XXH64_hash_t> hashes_;                // entry -> the XXH3 of its content, once written
  std::vector<std::size_t> holder_;                 // entry -> the entry that holds its bytes
  std::uintmax_t total_ = 0;
  std::size_t window_ = 8;

  std::mutex mutex_;
  std::condition_variable work_cv_, done_cv_;
  std::size_t admitted_ = 0, taken_ = 0, written_ = 0, limit_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

std::optional<std::size_t> pending_id_at(const std::string& name) {
  const std::string& prefix = pending_prefix();
  if (name != prefix && !in_private_dir(name, prefix)) return std::nullopt;
  return std::string(kPrivateRoot).size() + 1;
}

bool stored_as_link(const BundleEntry& entry, const BundleWriter::Coding& coding) {
  if (entry.same_as.empty() || !has_content(entry)) return false;
  return coding.links == Links::kHard || (coding.links == Links::kSymbolic && entry.same_as_symlink_ok);
}

std::string relative_link(const std::string& path, const std::string& target) {
  // The directories both are under, then up from the link's directory and down to the target.
  std::size_t common = 0;
  for (std::size_t i = 0; i < path.size() && i < target.size() && path[i] == target[i]; ++i) {
    if (path[i] == '/') common = i + 1;
  }
  std::string up;
  for (std::size_t i = common; i < path.size(); ++i) up += path[i] == '/' ? "../" : "";
  return up + target.substr(common);
}

unsigned effective_jobs(unsigned jobs) {
  if (jobs != 0) return jobs;
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string content_id(const BundlePlan& plan) {
  return digest_of(plan, [&](std::size_t i) {
    const BundleEntry& e = plan.entries[i];
    if (e.kind == BundleEntry::Kind::kBytes) return XXH3_64bits(e.bytes.data(), e.bytes.size());
    const MappedFile file(e.source);
    const XXH64_hash_t hash = XXH3_64bits(file.bytes().data(), file.bytes().size());
    file.ensure_intact();
    return hash;
  });
}

void name_private_dir(BundlePlan& plan) {
  if (plan.id == kPendingId) settle_id(plan, content_id(plan));
}

void write_bundle(BundlePlan& plan, BundleWriter& writer,
                  const std::function<void(std::uintmax_t, std::uintmax_t)>& progress, unsigned jobs) {
  {
    Pipeline pipeline(plan, writer, jobs, progress);
    pipeline.run();
  }
  // Back in path order (the launchers were written last), whatever the format.
  std::stable_sort(plan.entries.begin(), plan.entries.end(),
                   [](const BundleEntry& a, const BundleEntry& b) { return a.path < b.path; });
}

}  // namespace elfpack
