// Reading one locale out of glibc's locale archive (/usr/lib/locale/locale-archive, where
// Debian's locale-gen puts every locale it compiles), so that a bundle can carry that locale
// alone, in the directory form glibc reads through LOCPATH.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

namespace elfpack {

// The categories of the locale `name` (e.g. "en_US.utf8") in the archive `data`, each by the
// file name it has in a locale directory ("LC_CTYPE", ..., "LC_MESSAGES/SYS_LC_MESSAGES") with
// its bytes; nullopt when the archive has no such name. Mirrors glibc's
// _nl_load_locale_from_archive (locale/loadarchive.c) for the lookup, with every offset checked.
// Throws Error, naming `file`, for an archive that is not one or is damaged.
std::optional<std::map<std::string, std::string>> read_archived_locale(std::span<const unsigned char> data,
                                                                       const std::string& name,
                                                                       const std::string& file);

}  // namespace elfpack
