// Plugin packages: installed packages that put shared objects into a chosen package's plugin
// directory and depend on it (GStreamer's gstreamer1.0-plugins-base and -good, which install
// into /usr/lib/x86_64-linux-gnu/gstreamer-1.0 beside libgstreamer1.0-0's own
// libgstcoreelements.so; PHP's extension packages; SoX's format packages), of the same project.
// Nothing depends on
// them, so the package rule's walk does not reach them, yet a plugin host without them lacks
// what the machine it was bundled on has. Takes the chosen packages and dpkg's database; gives
// the plugin packages, each with why.
#include <algorithm>
#include <map>
#include <set>

#include "elfpack/base/paths.h"
#include "runtime/package_manager.h"
#include "runtime/package_rule.h"
#include "runtime/sources.h"

namespace elfpack {

namespace {

// A shared object by its name: libgstcoreelements.so, libsox_fmt_flac.so.3.
bool shared_object_name(const std::string& name) {
  return name.ends_with(".so") || name.find(".so.") != std::string::npos;
}

}  // namespace

std::vector<ChosenPackage> plugin_packages(const PackageManager& dpkg, const std::vector<ChosenPackage>& chosen,
                                           const std::vector<std::string>& exclude) {
  const auto* installed = dpkg.installed();
  if (installed == nullptr) return {};
  // Each chosen package's plugin directories: where it installs a shared object itself, but the
  // directories every package shares (a library directory).
  std::map<std::string, std::set<std::string>> plugin_dirs;  // package -> directories
  std::set<std::string> taken;
  for (const auto& c : chosen) {
    taken.insert(c.name);
    for (const auto& path : dpkg.files(c.listed)) {
      const std::string dir = directory_of(path);
      if (shared_object_name(base_name(path)) && !shared_by_design(dir) && !is_documentation(path)) {
        plugin_dirs[c.name].insert(dir);
      }
    }
  }
  std::vector<ChosenPackage> found;
  if (plugin_dirs.empty()) return found;
  for (const auto& [name, p] : *installed) {
    if (taken.contains(name) || never_brought(name) || is_plumbing(name, p) || is_c_runtime(p) ||
        std::find(exclude.begin(), exclude.end(), name) != exclude.end()) {
      continue;
    }
    // The chosen packages with plugin directories that it depends on (any alternative) and
    // whose project it belongs to: built from the same source, or named after it as Debian
    // names a project's plugin sets (gstreamer1.0-plugins-good of source gstreamer1.0). Another
    // project's plugin (librsvg's SVG loader for gdk-pixbuf) brings that project whole.
    std::vector<std::string> hosts;
    for (const auto& group : p.depends) {
      for (const auto& alternative : group) {
        const auto host = installed->find(alternative);
        if (!plugin_dirs.contains(alternative) || host == installed->end()) continue;
        if (p.source == host->second.source || name.starts_with(host->second.source + "-")) hosts.push_back(alternative);
      }
    }
    if (hosts.empty()) continue;
    for (const auto& path : dpkg.files(p.listed)) {
      if (!shared_object_name(base_name(path))) continue;
      const auto host = std::find_if(hosts.begin(), hosts.end(), [&](const std::string& h) {
        return plugin_dirs.at(h).contains(directory_of(path));
      });
      if (host == hosts.end()) continue;
      ChosenPackage plugins{name, p.listed,
                            "plugins: it installs " + base_name(path) + " into " + directory_of(path) + ", " + *host +
                                "'s plugin directory, and depends on " + *host};
      // As its host: chosen only through a library, it goes first over Lambda's size limit.
      plugins.through_library = std::any_of(chosen.begin(), chosen.end(), [&](const ChosenPackage& c) {
        return c.name == *host && c.through_library;
      });
      found.push_back(std::move(plugins));
      taken.insert(name);
      break;
    }
  }
  return found;
}

}  // namespace elfpack
