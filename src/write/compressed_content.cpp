// The signatures of compressed formats (compressed_content.h), each from its format's
// specification: zstd (RFC 8878), xz (.xz file format 1.1), gzip (RFC 1952, with its only method,
// deflate), bzip2 (the stream header and the first block's magic), LZ4 frames, 7-Zip, PNG, JPEG
// (SOI then a marker), WOFF and WOFF2.
#include "compressed_content.h"

#include <algorithm>
#include <string_view>

namespace elfpack {

namespace {

bool begins_with(std::span<const unsigned char> content, std::string_view signature) {
  return content.size() >= signature.size() &&
         std::equal(signature.begin(), signature.end(), content.begin(),
                    [](char s, unsigned char c) { return static_cast<unsigned char>(s) == c; });
}

}  // namespace

bool has_compressed_signature(std::span<const unsigned char> content) {
  using namespace std::string_view_literals;
  static constexpr std::string_view kSignatures[] = {
      "\x28\xb5\x2f\xfd"sv,          // zstd
      "\xfd\x37\x7a\x58\x5a\x00"sv,  // xz
      "\x1f\x8b\x08"sv,              // gzip
      "\x04\x22\x4d\x18"sv,          // LZ4 frame
      "\x37\x7a\xbc\xaf\x27\x1c"sv,  // 7-Zip
      "\x89PNG\r\n\x1a\n"sv,         // PNG
      "\xff\xd8\xff"sv,              // JPEG
      "wOFF"sv,                      // WOFF
      "wOF2"sv,                      // WOFF2
  };
  if (std::any_of(std::begin(kSignatures), std::end(kSignatures),
                  [&](std::string_view s) { return begins_with(content, s); })) {
    return true;
  }
  // bzip2: "BZh", the block size '1' to '9', then the first block's magic (pi's digits in BCD).
  return begins_with(content, "BZh"sv) && content.size() >= 10 && content[3] >= '1' && content[3] <= '9' &&
         begins_with(content.subspan(4), "\x31\x41\x59\x26\x53\x59"sv);
}

}  // namespace elfpack
