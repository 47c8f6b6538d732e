// Writes (and, for tests and tools, reads back) the served-path index the path shim searches:
// takes the absolute paths a bundle serves from root/, gives the bytes of root.index. The
// format is described once, in include/elfpack/layout/served_paths.h.
#include "elfpack/layout/served_paths.h"

#include <algorithm>
#include <cstring>

#include "elfpack/base/error.h"

namespace elfpack {

namespace {

constexpr std::size_t kHeaderSize = 24;
constexpr std::size_t kEntrySize = 12;
constexpr std::size_t kMaxPath = 4095;

void put32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t get32(std::string_view bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

// Absolute, not "/", no empty, "." or ".." component, no trailing '/', no NUL.
bool is_normal(const std::string& path) {
  if (path.size() < 2 || path.size() > kMaxPath || path[0] != '/' || path.back() == '/') return false;
  if (path.find('\0') != std::string::npos || path.find("//") != std::string::npos) return false;
  for (std::size_t at = 0; at != std::string::npos;) {
    const std::size_t next = path.find('/', at + 1);
    const std::string_view part = std::string_view(path).substr(at + 1, next == std::string::npos ? next : next - at - 1);
    if (part == "." || part == "..") return false;
    at = next;
  }
  return true;
}

}  // namespace

std::string served_form(const std::string& path) {
  std::vector<std::string_view> parts;
  for (std::size_t at = 0; at < path.size();) {
    const std::size_t next = std::min(path.find('/', at), path.size());
    const std::string_view part = std::string_view(path).substr(at, next - at);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    at = next + 1;
  }
  std::string out;
  for (const auto part : parts) (out += '/') += part;
  return out.empty() ? "/" : out;
}

std::string write_served_index(std::vector<ServedPath> paths) {
  for (const auto& p : paths) {
    if (!is_normal(p.path)) throw Error("served-path index: not an absolute normal path: '" + p.path + "'");
  }
  std::sort(paths.begin(), paths.end(), [](const ServedPath& a, const ServedPath& b) { return a.path < b.path; });
  std::vector<ServedPath> unique;
  for (auto& p : paths) {
    if (!unique.empty() && unique.back().path == p.path) {
      unique.back().whole = unique.back().whole || p.whole;
    } else {
      unique.push_back(std::move(p));
    }
  }
  std::string strings;
  std::string entries;
  for (const auto& p : unique) {
    put32(entries, static_cast<std::uint32_t>(strings.size()));
    put32(entries, static_cast<std::uint32_t>(p.path.size()));
    put32(entries, static_cast<std::uint32_t>(p.kind) | (p.whole ? kServedWhole : 0));
    strings += p.path;
    strings += '\0';
  }
  if (strings.size() > 0xffffffffu) throw Error("served-path index: more than 4 GiB of paths");
  std::string out(kServedIndexMagic, 8);
  put32(out, kServedIndexVersion);
  put32(out, static_cast<std::uint32_t>(unique.size()));
  put32(out, static_cast<std::uint32_t>(strings.size()));
  put32(out, 0);
  return out + entries + strings;
}

std::optional<std::vector<ServedPath>> read_served_index(std::string_view bytes) {
  if (bytes.size() < kHeaderSize || bytes.substr(0, 8) != std::string_view(kServedIndexMagic, 8)) return std::nullopt;
  if (get32(bytes, 8) != kServedIndexVersion) return std::nullopt;
  const std::size_t count = get32(bytes, 12);
  const std::size_t strings_size = get32(bytes, 16);
  if ((bytes.size() - kHeaderSize) / kEntrySize < count) return std::nullopt;
  const std::size_t strings_at = kHeaderSize + kEntrySize * count;
  if (bytes.size() - strings_at != strings_size) return std::nullopt;
  const std::string_view strings = bytes.substr(strings_at);
  std::vector<ServedPath> out;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = kHeaderSize + kEntrySize * i;
    const std::size_t offset = get32(bytes, at), length = get32(bytes, at + 4), flags = get32(bytes, at + 8);
    if (offset > strings.size() || strings.size() - offset <= length || strings[offset + length] != '\0') return std::nullopt;
    const std::size_t kind = flags & 0xf;
    if (kind < 1 || kind > 3 || (flags & ~std::size_t{0x1f}) != 0) return std::nullopt;
    ServedPath p{std::string(strings.substr(offset, length)), static_cast<ServedPath::Kind>(kind), (flags & kServedWhole) != 0};
    if (!is_normal(p.path) || (!out.empty() && !(out.back().path < p.path))) return std::nullopt;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace elfpack
