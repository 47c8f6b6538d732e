// Content that is compressed already, told by its format's signature: an archive's writer stores
// it as it is rather than spend time deflating what will not shrink (write_bundle.cpp).
#pragma once

#include <span>

namespace elfpack {

// Whether `content` starts with the signature of a compressed format: a zstd frame, xz, gzip,
// bzip2, an LZ4 frame, 7-Zip, PNG, JPEG, WOFF or WOFF2. A file that only looks like one is
// stored as it is too: bigger in the archive, never wrong.
bool has_compressed_signature(std::span<const unsigned char> content);

}  // namespace elfpack
