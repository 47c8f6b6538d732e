// AWS Lambda's rules for a layer (../shared/lambda.md as the project knows them): at most 250 MB
// unzipped (all layers and the function together, so one layer over it can never deploy), 50 MB
// zipped for a direct upload (larger goes through S3), nothing at the top that Lambda runs by
// itself (bootstrap, extensions/) unless that is meant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "elfpack/bundle.h"

namespace elfpack {

constexpr std::uintmax_t kLambdaUnzippedLimit = 250ull * 1024 * 1024;    // 262,144,000 bytes: "250 MB"
constexpr std::uintmax_t kLambdaDirectUploadLimit = 50ull * 1024 * 1024;  // "50 MB"

// What the plan would put in a layer. Throws Error (before anything is written) when the layer
// could never be deployed: over 250 MB unzipped, or a top-level bootstrap or extensions/.
// `function`: a function zip, whose bootstrap at the top is meant.
LambdaFacts check_lambda_layer(const BundlePlan& plan, const std::vector<Program>& programs, bool function = false);

// The line elfpack prints about a written layer; `zipped`: the zip's size (none for a directory),
// which it records in `facts` with whether a direct upload takes it. Adds the S3 advice to
// `warnings` when the zip is over the direct-upload limit.
std::string describe_lambda_layer(LambdaFacts& facts, std::optional<std::uintmax_t> zipped,
                                  std::vector<std::string>& warnings);

}  // namespace elfpack
