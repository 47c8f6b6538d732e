// Reading the members of a JSON document's top-level object, for the few manifests elfpack reads
// (an npm package's package.json). Takes the document's text; gives, for each member name asked
// for whose value is an object, that object's member names, in document order. The whole text is
// checked against RFC 8259's grammar (nesting at most kMaxJsonDepth): text that is not JSON
// throws Error naming `where` (the file), the byte offset and what was expected.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace elfpack {

inline constexpr int kMaxJsonDepth = 256;

// The member names of each object-valued member of the top-level object named in `members`; a
// member that is absent, or not an object, has no entry. A top-level value that is not an object
// gives nothing. Strings are decoded (escapes, \u surrogate pairs) to UTF-8.
std::map<std::string, std::vector<std::string>> json_object_keys(std::string_view text, const std::set<std::string>& members,
                                                                 const std::string& where);

}  // namespace elfpack
