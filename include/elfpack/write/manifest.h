// `elfpack --json`: the bundle's manifest, one JSON document (schema: docs/manifest-json.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "elfpack/bundle.h"

namespace elfpack {

// Every entry of `plan` but directories: its path, type, mode, size, source file (copied
// entries) or link target, and why it is there; the bundle id, the output, its size once
// written (`output_bytes`), totals and warnings.
std::string manifest_json(const BundlePlan& plan, const std::string& output, const std::string& format,
                          std::optional<std::uintmax_t> output_bytes);

}  // namespace elfpack
