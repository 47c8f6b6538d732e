// A compressed bundle's payload (lib/elfpack/<id>/payload, format: launchers/expand/payload_format.h)
// expanded for `elfpack verify`, so that the programs it holds are checked as an uncompressed
// bundle's are.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace elfpack {

// Expands the file `payload` into the new directory `into`, with the checks the expander makes
// (the reader's bounds and paths, the index's digest, each frame's hash, hard links to files
// only) and links that stay inside. Returns the payload's digest (it names the tree in /tmp).
// Throws Error naming the payload as `shown` and the problem.
std::uint64_t expand_payload(const std::string& payload, const std::string& shown, const std::filesystem::path& into);

}  // namespace elfpack
