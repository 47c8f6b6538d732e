#include "elfpack/lambda/lambda.h"

#include <sys/stat.h>

#include <cstdio>
#include <set>
#include <string_view>

#include "elfpack/base/error.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/base/paths.h"

namespace elfpack {

namespace {

std::string megabytes(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

// The highest GLIBC_2.N version a C library defines (its version strings name every one).
std::optional<std::string> glibc_version(const std::string& libc) {
  const MappedFile file(libc);
  const std::string_view bytes(reinterpret_cast<const char*>(file.bytes().data()), file.bytes().size());
  int best = -1;
  for (auto at = bytes.find("GLIBC_2."); at != std::string_view::npos; at = bytes.find("GLIBC_2.", at + 1)) {
    int minor = 0, digits = 0;
    for (std::size_t i = at + 8; i < bytes.size() && bytes[i] >= '0' && bytes[i] <= '9' && digits < 3; ++i, ++digits) {
      minor = minor * 10 + (bytes[i] - '0');
    }
    if (digits > 0 && minor > best) best = minor;
  }
  file.ensure_intact();
  if (best < 0) return std::nullopt;
  return "2." + std::to_string(best);
}

}  // namespace

LambdaFacts check_lambda_layer(const BundlePlan& plan, const std::vector<Program>& programs, bool function) {
  LambdaFacts facts;
  for (const auto& e : plan.entries) {
    if ((e.path == "bootstrap" && !function) || e.path == "extensions" || e.path.starts_with("extensions/")) {
      throw Error(e.path + ": a layer with a top-level " + e.path + " would be run by Lambda itself");
    }
    if (e.kind == BundleEntry::Kind::kFile) {
      facts.unzipped += e.size;
      if (base_name(e.path) == "libc.so.6") facts.glibc = glibc_version(e.source);
    } else if (e.kind == BundleEntry::Kind::kBytes) {
      facts.unzipped += e.bytes.size();
    }
  }
  if (plan.compressed && !facts.glibc) {  // the C library is in the payload, not among the layer's files
    for (const auto& e : plan.compressed->entries) {
      if (e.kind == BundleEntry::Kind::kFile && base_name(e.path) == "libc.so.6") facts.glibc = glibc_version(e.source);
    }
  }
  std::set<std::string> architectures;
  for (const auto& p : programs) {
    architectures.insert(p.elf.ident.machine == kEmX86_64 ? "x86_64" : p.elf.ident.machine == kEmAarch64 ? "arm64" : "?");
  }
  if (architectures.size() == 1 && *architectures.begin() != "?") facts.architecture = *architectures.begin();
  if (facts.unzipped > kLambdaUnzippedLimit) {
    throw Error("the layer would be " + megabytes(facts.unzipped) + " unzipped, over Lambda's " +
                megabytes(kLambdaUnzippedLimit) + " for a function and all its layers; nothing written");
  }
  return facts;
}

std::string describe_lambda_layer(LambdaFacts& facts, std::optional<std::uintmax_t> zipped,
                                  std::vector<std::string>& warnings) {
  facts.zipped = zipped;
  facts.direct_upload = !zipped || *zipped <= kLambdaDirectUploadLimit;
  if (!facts.direct_upload) {
    warnings.push_back("the zip is " + megabytes(*zipped) + ", over the " + megabytes(kLambdaDirectUploadLimit) +
                       " of a direct upload: upload it to S3 and publish the layer from there "
                       "(aws lambda publish-layer-version --content S3Bucket=...,S3Key=...)");
  }
  std::string line = "Lambda layer: " + (facts.architecture.empty() ? std::string("mixed architectures") : facts.architecture) +
                     ", " + (zipped ? megabytes(*zipped) + " zipped, " : std::string()) + megabytes(facts.unzipped) + " unzipped (limit " +
                     megabytes(kLambdaUnzippedLimit) + "); ";
  line += facts.glibc ? "needs no glibc from the runtime (brings glibc " + *facts.glibc + ")"
                      : "needs no glibc from the runtime";
  return line;
}

}  // namespace elfpack
