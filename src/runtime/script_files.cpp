// Scripts as runtime files: each script of a #! chain is served at its own path (the path its
// interpreter is given), and so is each file a shell front end sources; the ELF programs it (and
// they) run are helpers, bundled with their closures and a launcher at their path.
#include "runtime/sources.h"

#include "elfpack/base/paths.h"
#include "elfpack/resolve/loader_profile.h"

#include <unistd.h>

namespace elfpack {

namespace {

// A script named by a symbolic link (/usr/bin/soffice -> ../lib/libreoffice/program/soffice)
// finds its own files through the link ($0 is the link: front ends read it with ls -l or
// readlink and cd to where it leads), so the links are served as links, each hop, and the file
// at the path they lead to. Returns that path (`path` itself when it is no link).
std::string add_links_to(std::string path, const std::string& sysroot, const std::string& why,
                         std::map<std::string, RuntimeFile>& kept) {
  const std::string root = sysroot == "/" ? "" : sysroot;
  for (int hop = 0; hop < 40; ++hop) {  // Linux's limit of links followed in one lookup
    const auto parent = canonical_in_root(root, directory_of(path));
    if (!parent) break;
    const std::string here = join_path(*parent, base_name(path));
    char target[4096];
    const ssize_t n = ::readlink(in_root(sysroot, *parent).append("/").append(base_name(path)).c_str(), target, sizeof target);
    if (n <= 0 || static_cast<std::size_t>(n) >= sizeof target) return here;
    const std::string to(target, static_cast<std::size_t>(n));
    RuntimeFile link{here, "", why};
    link.link = to;
    kept.insert_or_assign(here, link);
    path = to.starts_with('/') ? to : join_path(*parent, to);
  }
  return path;
}

}  // namespace

void add_scripts(const std::vector<Script>& scripts, const std::string& sysroot,
                 const std::set<std::string>& program_paths, std::map<std::string, RuntimeFile>& kept,
                 std::map<std::string, RuntimeFile>& helpers, std::vector<std::string>& notes) {
  for (const auto& script : scripts) {
    for (std::size_t i = 0; i < script.chain.size(); ++i) {
      const Script::File& f = script.chain[i];
      const std::string why =
          i == 0 ? "script run by bin/" + script.name : "interpreter (a script) of " + script.chain[i - 1].path;
      const std::string real = add_links_to(f.path, sysroot, why, kept);
      kept.insert_or_assign(real, RuntimeFile{real, f.file, why});
    }
    // What it sources, each at its path: all that a pattern matched, which the shell lists there.
    for (const auto& f : script.sourced) {
      kept.emplace(f.path, RuntimeFile{f.path, f.file, "sourced by the shell script " + script.self().path});
    }
    if (!script.sourced.empty()) {
      notes.push_back(script.name + ": a shell script that sources " + std::to_string(script.sourced.size()) + " files");
    }
    std::size_t added = 0;
    for (const auto& run : script.runs) {
      if (program_paths.contains(run)) continue;  // a program of the bundle, served at its path already
      helpers.emplace(run, RuntimeFile{run, in_root(sysroot, run), "run by the shell script " + script.self().path});
      ++added;
    }
    if (!script.runs.empty()) {
      notes.push_back(script.name + ": a shell script that runs " + std::to_string(script.runs.size()) +
                      " programs by absolute path; " + std::to_string(added) + " bundled as helpers");
    }
    // What it runs by name, found on this machine's PATH: a helper at that path, which the
    // shell's own PATH search finds served (Lambda's PATH has /usr/bin and /bin). Optional: one
    // whose closure is incomplete here is left out with a warning, as the script may not need it.
    for (const auto& run : script.runs_by_name) {
      if (program_paths.contains(run)) continue;
      RuntimeFile helper{run, in_root(sysroot, run), "run by name by the shell script " + script.self().path};
      helper.optional = true;
      helpers.emplace(run, helper);
    }
  }
}

}  // namespace elfpack
