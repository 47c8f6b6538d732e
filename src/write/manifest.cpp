#include "elfpack/write/manifest.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "elfpack/base/json_writer.h"

namespace elfpack {

std::vector<PackageSize> package_sizes(const BundlePlan& plan) {
  std::map<std::string, PackageSize> by_name;
  std::vector<const BundleEntry*> entries;
  for (const auto& e : plan.entries) entries.push_back(&e);
  if (plan.compressed) {  // the payload's files are the bundle's too
    for (const auto& e : plan.compressed->entries) entries.push_back(&e);
  }
  for (const BundleEntry* p : entries) {
    const BundleEntry& e = *p;
    if (e.package.empty() || e.kind == BundleEntry::Kind::kDirectory) continue;
    PackageSize& size = by_name[e.package];
    size.name = e.package;
    size.bytes += e.kind == BundleEntry::Kind::kBytes ? e.bytes.size() : e.size;
    ++size.files;
  }
  std::vector<PackageSize> sizes;
  for (auto& [name, size] : by_name) sizes.push_back(std::move(size));
  std::stable_sort(sizes.begin(), sizes.end(), [](const PackageSize& a, const PackageSize& b) { return a.bytes > b.bytes; });
  return sizes;
}

namespace {

// The entries but directories, as the "files" array; adds their sizes and count.
void write_files(JsonWriter& json, const std::vector<BundleEntry>& entries, std::uintmax_t& unpacked, int64_t& files) {
  json.begin_array();
  for (const auto& e : entries) {
    if (e.kind == BundleEntry::Kind::kDirectory) continue;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(e.mode));
    json.begin_object().key("path").value(e.path);
    std::uintmax_t size = 0;
    switch (e.kind) {
      case BundleEntry::Kind::kFile:
        size = e.size;  // as planned, and checked when written
        json.key("type").value("file").key("source").value(e.source);
        break;
      case BundleEntry::Kind::kBytes:
        size = e.bytes.size();
        json.key("type").value("generated");
        break;
      case BundleEntry::Kind::kSymlink:
        json.key("type").value("symlink").key("target").value(e.bytes);
        break;
      case BundleEntry::Kind::kDirectory: break;
    }
    if (!e.same_as.empty()) json.key("same_as").value(e.same_as);  // its bytes are that file's
    json.key("mode").value(mode).key("size").value(static_cast<int64_t>(size)).key("why").value(e.why);
    json.key("package");
    if (e.package.empty()) {
      json.null();
    } else {
      json.value(e.package);
    }
    json.end_object();
    unpacked += size;
    ++files;
  }
  json.end_array();
}

}  // namespace

std::string manifest_json(const BundlePlan& plan, const std::string& output, const std::string& format,
                          std::optional<std::uintmax_t> output_bytes) {
  JsonWriter json;
  json.begin_object().key("schema").value("elfpack-manifest/1");
  json.key("bundle_id").value(plan.id).key("output").value(output).key("format").value(format);
  json.key("files");
  std::uintmax_t unpacked = 0;
  int64_t files = 0;
  write_files(json, plan.entries, unpacked, files);
  json.key("packages").begin_array();
  for (const auto& p : package_sizes(plan)) {
    json.begin_object().key("name").value(p.name).key("files").value(p.files);
    json.key("bytes").value(static_cast<int64_t>(p.bytes)).end_object();
  }
  json.end_array();
  json.key("totals").begin_object().key("files").value(files).key("unpacked_bytes").value(static_cast<int64_t>(unpacked));
  json.key("stored_once_bytes").value(static_cast<int64_t>(plan.stored_once_bytes));
  json.key("output_bytes");
  if (output_bytes) {
    json.value(static_cast<int64_t>(*output_bytes));
  } else {
    json.null();
  }
  json.end_object();
  json.key("compressed");
  if (plan.compressed) {
    const CompressedPayload& c = *plan.compressed;
    json.begin_object().key("payload_bytes").value(static_cast<int64_t>(c.payload_bytes));
    json.key("expanded_bytes").value(static_cast<int64_t>(c.expanded_bytes));
    json.key("tmp_bytes").value(static_cast<int64_t>(c.tmp_bytes)).key("trees").begin_array();
    for (const auto& tree : c.trees) json.value(tree);
    json.end_array().key("files");
    std::uintmax_t expanded = 0;
    int64_t count = 0;
    write_files(json, c.entries, expanded, count);
    json.end_object();
  } else {
    json.null();
  }
  json.key("lambda");
  if (plan.lambda) {
    const LambdaFacts& l = *plan.lambda;
    json.begin_object().key("architecture").value(l.architecture);
    json.key("unzipped_bytes").value(static_cast<int64_t>(l.unzipped)).key("zipped_bytes");
    if (l.zipped) {
      json.value(static_cast<int64_t>(*l.zipped));
    } else {
      json.null();
    }
    json.key("direct_upload").value(l.direct_upload).key("glibc");
    if (l.glibc) {
      json.value(*l.glibc);
    } else {
      json.null();
    }
    json.end_object();
  } else {
    json.null();
  }
  json.key("warnings").begin_array();
  for (const auto& w : plan.warnings) json.value(w);
  json.end_array().end_object();
  return json.str();
}

}  // namespace elfpack
