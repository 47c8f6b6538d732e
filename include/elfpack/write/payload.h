// The compressed payload of a --compress bundle: entries of a plan (files, links, directories)
// written as one file in the format the expander reads (launchers/expand/payload_format.h): an
// index, then the files' contents cut into independent zstd frames, compressed on every CPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "elfpack/bundle.h"

namespace elfpack {

// The content of each frame (the last may be shorter): large enough that zstd's window sees most
// of what repeats, small enough that a big bundle expands on every CPU.
inline constexpr std::size_t kPayloadFrameSize = std::size_t{16} << 20;

// The payload's zstd level unless --compress-level says: the fastest that keeps issue 21's
// target (a payload at most 1.1 times `tar | zstd -19 --long=27` of the same tree) with margin.
// bench/payload_levels.sh (docs/benchmarks.md): on ffmpeg's tree (287 MiB) level 17 gives 1.064
// times in 81 s of CPU, 16 gives 1.082 (too close), 18 gives 1.029 in 103 s, 19 in about 110 s
// (19 took a compressed layer past the corpus's 3 minutes); below 16 (btlazy2 and faster) the
// payload is 1.12 times, whatever the level.
inline constexpr int kPayloadDefaultLevel = 17;

struct Payload {
  std::string bytes;
  std::uint64_t digest = 0;       // the header's digest: it names the tree in /tmp
  std::uint64_t expanded = 0;     // the files' bytes
  std::uint64_t space_needed = 0; // what the tree takes in /tmp (files rounded to 4 KiB blocks,
                                  // a block per directory and link), as the expander reckons it
  std::uint32_t frames = 0;
};

// `entries` in any order, paths relative (as in the tree); their parent directories are added
// when missing. `level`: zstd's (1 to 19; -1: kPayloadDefaultLevel); `jobs`: threads (0: one per CPU, at most 8,
// each frame's compressor taking up to ~200 MiB at level 19). Throws Error (a file that changed
// since planned, a path the expander would refuse).
Payload make_payload(const std::vector<BundleEntry>& entries, int level = -1, unsigned jobs = 0);

// The tree a payload expands into on a machine: /tmp/elfpack-<digest>-<arch>.
std::string payload_tree(std::uint64_t digest, std::uint16_t e_machine);

// Makes `plan` a compressed bundle: the launchers of bin/ and everything under lib/elfpack/ go into
// a payload (plan.compressed says what it holds); bin/ gets launchers that expand it into /tmp on
// a first run and run from there, and the private directory holds the payload and an expander
// for each machine of those launchers (pending id: write_bundle names it). Names the plan's
// private directory first if it is pending (reading every file). Throws Error (no launcher to
// compress, no expander for a machine in this build).
void compress_bundle(BundlePlan& plan, int level = -1, unsigned jobs = 0);

}  // namespace elfpack
