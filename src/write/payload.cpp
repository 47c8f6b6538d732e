// Writes the compressed payload (payload.h; the format: launchers/expand/payload_format.h).
#include "elfpack/write/payload.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <set>
#include <system_error>
#include <thread>

#include <xxhash.h>
#include <zstd.h>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/elf/elf_file.h"
#include "elfpack/layout/launcher.h"
#include "elfpack/write/output.h"
#include "payload_format.h"

namespace elfpack {

namespace {

constexpr std::uint64_t kBlock = 4096;  // the expander's estimate of /tmp's block, for the summary

void put_u16(std::string& out, std::uint16_t v) {
  for (int i = 0; i < 2; ++i) out += static_cast<char>(v >> (8 * i));
}
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>(v >> (8 * i));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * i));
}
void set_u64(std::string& out, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[at + i] = static_cast<char>(v >> (8 * i));
}

std::uint64_t size_of(const BundleEntry& e) {
  return e.kind == BundleEntry::Kind::kFile ? e.size : e.kind == BundleEntry::Kind::kBytes ? e.bytes.size() : 0;
}

// The entries in path order, parents first, with the directories they lack.
std::vector<const BundleEntry*> in_tree_order(const std::vector<BundleEntry>& entries, std::vector<BundleEntry>& added) {
  std::set<std::string> have, need;
  for (const auto& e : entries) {
    if (e.path.empty() || e.path.starts_with('/') || e.path.ends_with('/')) throw Error("payload: bad path '" + e.path + "'");
    if (!have.insert(e.path).second) throw Error("payload: '" + e.path + "' twice");
    for (auto slash = e.path.find('/'); slash != std::string::npos; slash = e.path.find('/', slash + 1)) {
      need.insert(e.path.substr(0, slash));
    }
  }
  for (const auto& d : need) {
    if (!have.contains(d)) added.push_back({BundleEntry::Kind::kDirectory, d, 0755, {}, {}, {}});
  }
  std::vector<const BundleEntry*> order;
  for (const auto& e : entries) order.push_back(&e);
  for (const auto& e : added) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](const BundleEntry* a, const BundleEntry* b) { return a->path < b->path; });
  return order;
}

// The entries that hold their own bytes (files not marked as copies of another), by path: those a
// copy (BundleEntry::same_as) of the same mode can be a hard link to.
std::map<std::string, mode_t> holders_of_bytes(const std::vector<const BundleEntry*>& order) {
  std::map<std::string, mode_t> holders;
  for (const BundleEntry* e : order) {
    const bool file = e->kind == BundleEntry::Kind::kFile || e->kind == BundleEntry::Kind::kBytes;
    if (file && e->same_as.empty() && size_of(*e) > 0) holders.emplace(e->path, e->mode);
  }
  return holders;
}

// One frame: its content gathered from the files it covers, then compressed.
class FrameCompressor {
 public:
  FrameCompressor(const std::vector<const BundleEntry*>& files, const std::vector<std::uint64_t>& offsets, int level)
      : files_(files), offsets_(offsets), level_(level), z_(ZSTD_createCCtx()) {
    if (z_ == nullptr) throw Error("zstd: cannot make a compressor");
  }
  ~FrameCompressor() { ZSTD_freeCCtx(z_); }
  FrameCompressor(const FrameCompressor&) = delete;
  FrameCompressor& operator=(const FrameCompressor&) = delete;

  // The content [from, from + n) compressed into `coded`; its XXH3 in `hash`.
  void run(std::uint64_t from, std::size_t n, std::string& coded, std::uint64_t& hash) {
    content_.resize(n);
    // The first file that ends after `from`.
    auto k = static_cast<std::size_t>(
        std::upper_bound(offsets_.begin(), offsets_.end(), from) - offsets_.begin());
    k = k == 0 ? 0 : k - 1;
    for (; k < files_.size() && offsets_[k] < from + n; ++k) {
      const BundleEntry& e = *files_[k];
      const std::uint64_t size = size_of(e);
      if (offsets_[k] + size <= from) continue;
      const std::uint64_t start = std::max(offsets_[k], from), end = std::min(offsets_[k] + size, from + n);
      const auto put = content_.data() + (start - from);
      if (e.kind == BundleEntry::Kind::kBytes) {
        std::memcpy(put, e.bytes.data() + (start - offsets_[k]), end - start);
        continue;
      }
      const MappedFile file(e.source);
      if (file.bytes().size() != size) {
        throw Error(e.source + ": changed while being read (" + std::to_string(size) + " bytes when planned, now " +
                    std::to_string(file.bytes().size()) + ")");
      }
      std::memcpy(put, file.bytes().data() + (start - offsets_[k]), end - start);
      file.ensure_intact();
    }
    hash = XXH3_64bits(content_.data(), n);
    ZSTD_CCtx_reset(z_, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(z_, ZSTD_c_compressionLevel, level_);
    ZSTD_CCtx_setParameter(z_, ZSTD_c_windowLog, 24);  // the whole frame in reach of a match
    coded.resize(ZSTD_compressBound(n));
    const std::size_t size = ZSTD_compress2(z_, coded.data(), coded.size(), content_.data(), n);
    if (ZSTD_isError(size)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(size));
    coded.resize(size);
  }

 private:
  const std::vector<const BundleEntry*>& files_;
  const std::vector<std::uint64_t>& offsets_;
  int level_;
  ZSTD_CCtx* z_;
  std::vector<unsigned char> content_;
};

}  // namespace

Payload make_payload(const std::vector<BundleEntry>& entries, int level, unsigned jobs) {
  if (level < 0) level = kPayloadDefaultLevel;
  level = std::clamp(level, 1, ZSTD_maxCLevel());
  std::vector<BundleEntry> added;
  const auto order = in_tree_order(entries, added);
  Payload payload;
  payload.space_needed = kBlock;
  std::string index;
  std::vector<const BundleEntry*> files;
  std::vector<std::uint64_t> offsets;
  const auto holders = holders_of_bytes(order);
  for (const BundleEntry* e : order) {
    // A file identical to an earlier one the payload holds: a hard link to it, no bytes.
    const auto holder = e->same_as.empty() ? holders.end() : holders.find(e->same_as);
    const bool hard_link = holder != holders.end() && holder->second == e->mode;
    const bool link = e->kind == BundleEntry::Kind::kSymlink;
    const std::string& target = hard_link ? e->same_as : e->bytes;
    const std::uint64_t size = link || hard_link ? target.size() : size_of(*e);
    const bool file = !hard_link && (e->kind == BundleEntry::Kind::kFile || e->kind == BundleEntry::Kind::kBytes);
    index += static_cast<char>(e->kind == BundleEntry::Kind::kDirectory ? PAYLOAD_DIRECTORY
                               : hard_link                              ? PAYLOAD_HARDLINK
                               : file                                   ? PAYLOAD_FILE
                                                                        : PAYLOAD_SYMLINK);
    index += '\0';
    put_u16(index, static_cast<std::uint16_t>(e->mode & 07777));
    put_u32(index, static_cast<std::uint32_t>(e->path.size()));
    put_u64(index, size);
    index += e->path;
    index += '\0';
    if (link || hard_link) index += target + '\0';
    if (file && size > 0) {
      files.push_back(e);
      offsets.push_back(payload.expanded);
      payload.expanded += size;
    }
    if (!hard_link) payload.space_needed += ((file ? size : 1) + kBlock - 1) / kBlock * kBlock;
  }

  const std::uint64_t frame_count = (payload.expanded + kPayloadFrameSize - 1) / kPayloadFrameSize;
  if (order.size() > UINT32_MAX || frame_count > UINT32_MAX) throw Error("payload: too many entries or frames");
  payload.frames = static_cast<std::uint32_t>(frame_count);
  std::vector<std::string> coded(frame_count);
  std::vector<std::uint64_t> hashes(frame_count);
  std::atomic<std::uint64_t> next{0};
  const unsigned threads = static_cast<unsigned>(std::min<std::uint64_t>({effective_jobs(jobs), 8, std::max<std::uint64_t>(frame_count, 1)}));
  std::vector<std::exception_ptr> errors(threads);
  auto work = [&](unsigned t) {
    try {
      FrameCompressor compressor(files, offsets, level);
      for (std::uint64_t i; (i = next.fetch_add(1)) < frame_count;) {
        const std::uint64_t from = i * kPayloadFrameSize;
        compressor.run(from, static_cast<std::size_t>(std::min<std::uint64_t>(kPayloadFrameSize, payload.expanded - from)),
                       coded[i], hashes[i]);
      }
    } catch (...) {
      errors[t] = std::current_exception();
      next = frame_count;
    }
  };
  std::vector<std::thread> helpers;
  try {
    for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work, t);
  } catch (const std::system_error& e) {
    next = frame_count;
    for (auto& h : helpers) h.join();
    throw Error(std::string("cannot start the payload's threads: ") + e.what());
  }
  work(0);
  for (auto& h : helpers) h.join();
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }

  std::string& out = payload.bytes;
  std::uint64_t total = PAYLOAD_HEADER_SIZE + index.size() + frame_count * PAYLOAD_FRAME_SIZE;
  for (const auto& c : coded) total += c.size();
  out.reserve(total);
  out += "EPZ1";
  put_u32(out, 0);
  put_u64(out, 0);  // the digest, below
  put_u64(out, payload.expanded);
  put_u64(out, index.size());
  put_u32(out, static_cast<std::uint32_t>(order.size()));
  put_u32(out, payload.frames);
  put_u64(out, 0);
  out += index;
  for (std::uint64_t i = 0; i < frame_count; ++i) {
    const std::uint64_t from = i * kPayloadFrameSize;
    put_u64(out, coded[i].size());
    put_u64(out, std::min<std::uint64_t>(kPayloadFrameSize, payload.expanded - from));
    put_u64(out, hashes[i]);
  }
  payload.digest = XXH3_64bits(out.data() + PAYLOAD_DIGESTED_FROM, out.size() - PAYLOAD_DIGESTED_FROM);
  set_u64(out, 8, payload.digest);
  for (auto& c : coded) {
    out += c;
    std::string().swap(c);
  }
  return payload;
}

std::string payload_tree(std::uint64_t digest, std::uint16_t e_machine) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(digest));
  return std::string("/tmp/elfpack-") + hex + "-" + machine_name(e_machine);
}

void compress_bundle(BundlePlan& plan, int level, unsigned jobs) {
  name_private_dir(plan);
  const std::string lib = std::string(kPrivateRoot) + "/";
  const auto is_launcher = [](const BundleEntry& e) {
    return e.path.starts_with("bin/") && e.kind == BundleEntry::Kind::kBytes && e.why.starts_with("launcher");
  };
  std::vector<BundleEntry> inside, outside;
  for (auto& e : plan.entries) {
    const bool in_lib = e.path.starts_with(lib);
    (in_lib || is_launcher(e) ? inside : outside).push_back(std::move(e));
  }
  const auto machine_of = [](const std::string& bytes) {
    std::uint16_t m = 0;
    if (bytes.size() >= 20) std::memcpy(&m, bytes.data() + 18, sizeof m);
    return m;
  };
  std::set<std::uint16_t> machines;
  for (const auto& e : inside) {
    if (is_launcher(e)) machines.insert(machine_of(e.bytes));
  }
  if (machines.empty()) {
    throw Error("--compress: no program of this bundle runs through a launcher (a static program runs as it is)");
  }
  for (const auto m : machines) expander_template(m);  // an Error now, before the work, if one is missing

  Payload payload = make_payload(inside, level, jobs);
  CompressedPayload facts;
  facts.payload_bytes = payload.bytes.size();
  facts.expanded_bytes = payload.expanded;
  facts.tmp_bytes = payload.space_needed;
  const std::string private_dir = lib + kPendingId;
  for (const auto m : machines) {
    facts.trees.push_back(payload_tree(payload.digest, m));
    const auto bytes = expander_template(m);
    outside.push_back({BundleEntry::Kind::kBytes, private_dir + "/expand-" + machine_name(m), 0755, {},
                       std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                       "expander: unpacks the payload into " + facts.trees.back() + " on a first run"});
  }
  for (const auto& e : inside) {
    if (!is_launcher(e)) continue;
    const auto m = machine_of(e.bytes);
    outside.push_back({BundleEntry::Kind::kBytes, e.path, e.mode, {},
                       compressed_launcher(e.bytes, payload_tree(payload.digest, m), "../" + private_dir + "/expand-" + machine_name(m)),
                       e.why + ", from the payload expanded into " + payload_tree(payload.digest, m)});
  }
  outside.push_back({BundleEntry::Kind::kBytes, private_dir + "/payload", 0644, {}, std::move(payload.bytes),
                     "payload: the bundle's files, compressed (zstd)"});
  outside.back().compressed = true;  // an archive stores it as it is
  for (const auto& dir : {std::string("lib"), std::string(kPrivateRoot), private_dir}) {
    if (std::none_of(outside.begin(), outside.end(), [&](const BundleEntry& e) { return e.path == dir; })) {
      outside.push_back({BundleEntry::Kind::kDirectory, dir, 0755, {}, {}, {}});
    }
  }
  std::sort(outside.begin(), outside.end(), [](const BundleEntry& a, const BundleEntry& b) { return a.path < b.path; });
  facts.entries = std::move(inside);
  plan.entries = std::move(outside);
  plan.id = kPendingId;
  plan.compressed = std::move(facts);
}

}  // namespace elfpack
