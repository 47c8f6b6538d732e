// Paths of a bundle being verified that must stay inside it: entry names (an archive's, a
// payload's) and relative link targets. Shared by verify.cpp (archives) and payload_tree.cpp.
#pragma once

#include <string>

namespace elfpack {

// An entry name that stays inside the directory it is unpacked into: relative, no ".." component.
bool stays_inside(const std::string& name);

// A link target, relative to the link's directory (`link_path` relative to the root), that stays
// inside the root.
bool link_stays_inside(const std::string& link_path, const std::string& target);

}  // namespace elfpack
