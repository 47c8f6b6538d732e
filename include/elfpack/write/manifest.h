// `elfpack --json`: the bundle's manifest, one JSON document (schema: docs/manifest-json.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "elfpack/bundle.h"

namespace elfpack {

// The bytes each package's files take in the bundle (copied files whose source a package
// installed), largest first.
struct PackageSize {
  std::string name;
  std::uintmax_t bytes = 0;
  std::int64_t files = 0;
};
std::vector<PackageSize> package_sizes(const BundlePlan& plan);

// Every entry of `plan` but directories: its path, type, mode, size, source file (copied
// entries) or link target, the file it is identical to (same_as), and why it is there; the bundle
// id, the output, its size once written (`output_bytes`), totals (with the bytes identical files
// stored once saved), a layer's Lambda figures and warnings.
std::string manifest_json(const BundlePlan& plan, const std::string& output, const std::string& format,
                          std::optional<std::uintmax_t> output_bytes);

}  // namespace elfpack
