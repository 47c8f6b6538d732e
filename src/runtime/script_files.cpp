// Scripts as runtime files: each script of a #! chain is served at its own path (the path its
// interpreter is given), and the ELF programs a shell front end runs by absolute path are helpers,
// bundled with their closures and a launcher at that path.
#include "runtime/sources.h"

#include "elfpack/resolve/loader_profile.h"

namespace elfpack {

void add_scripts(const std::vector<Script>& scripts, const std::string& sysroot,
                 const std::set<std::string>& program_paths, std::map<std::string, RuntimeFile>& kept,
                 std::map<std::string, RuntimeFile>& helpers, std::vector<std::string>& notes) {
  for (const auto& script : scripts) {
    for (std::size_t i = 0; i < script.chain.size(); ++i) {
      const Script::File& f = script.chain[i];
      kept.insert_or_assign(f.path, RuntimeFile{f.path, f.file,
                                                i == 0 ? "script run by bin/" + script.name
                                                       : "interpreter (a script) of " + script.chain[i - 1].path});
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
  }
}

}  // namespace elfpack
