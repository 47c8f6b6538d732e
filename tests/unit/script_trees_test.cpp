// A script's own tree (runtime/script_trees.cpp): npm packages found as Node's require finds
// them, and Python virtual environments.
#include "elfpack/runtime/runtime_files.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace elfpack {
namespace {

class ScriptTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/elfpack-script-tree-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    root_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories((root_ / path.substr(1)).parent_path());
    std::ofstream(root_ / path.substr(1)) << text;
  }
  void link(const std::string& path, const std::string& target) {
    std::filesystem::create_directories((root_ / path.substr(1)).parent_path());
    std::filesystem::create_symlink(target, root_ / path.substr(1));
  }
  // The runtime files of a script at `path` run by `interpreter`, with no package detection.
  RuntimeFiles collect(const std::string& path, const std::string& interpreter) {
    Script script;
    script.name = "tool";
    script.interpreter = interpreter;
    script.chain.push_back({path, (root_ / path.substr(1)).string(), interpreter});
    scripts_ = {script};
    CollectOptions options;
    options.detect = false;
    options.sysroot = root_.string();
    options.scripts = &scripts_;
    return collect_runtime_files({}, options);
  }
  static std::vector<std::string> paths(const RuntimeFiles& r) {
    std::vector<std::string> out;
    for (const auto& f : r.files) out.push_back(f.path + (f.link.empty() ? "" : " -> " + f.link));
    return out;
  }
  static bool has_note(const RuntimeFiles& r, const std::string& text) {
    return std::any_of(r.notes.begin(), r.notes.end(), [&](const std::string& n) { return n.find(text) != std::string::npos; });
  }
  std::filesystem::path root_;
  std::vector<Script> scripts_;
};

TEST_F(ScriptTree, AGlobalNpmCommandBringsItsPackageAndWhatItRequires) {
  // npm install -g: the command's link, the package with its own node_modules; beside it another
  // global package nothing names, and in its node_modules a package nothing depends on.
  const std::string g = "/usr/local/lib/node_modules";
  link("/usr/local/bin/tool", "../lib/node_modules/tool/bin/tool.js");
  write(g + "/tool/bin/tool.js", "#!/usr/bin/env node\nrequire('dep')\n");
  write(g + "/tool/package.json",
        R"({"name": "tool", "dependencies": {"dep": "1", "@s/scoped": "2", "missing": "3"},
            "optionalDependencies": {"absent-optional": "1"}, "devDependencies": {"unused": "1"}})");
  write(g + "/tool/node_modules/dep/index.js", "require('shared')");
  write(g + "/tool/node_modules/dep/package.json", R"({"dependencies": {"shared": "1"}})");
  write(g + "/tool/node_modules/@s/scoped/package.json", "{}");
  write(g + "/tool/node_modules/shared/package.json", R"({"peerDependencies": {"dep": "1"}})");
  write(g + "/tool/node_modules/unused/package.json", "{}");
  write(g + "/tool/node_modules/.bin/x", "");
  write(g + "/other/package.json", "{}");
  const RuntimeFiles r = collect(g + "/tool/bin/tool.js", "/usr/bin/node");
  EXPECT_EQ(paths(r), (std::vector<std::string>{
                          g + "/tool/bin/tool.js",
                          g + "/tool/node_modules/@s/scoped/package.json",
                          g + "/tool/node_modules/dep/index.js",
                          g + "/tool/node_modules/dep/package.json",
                          g + "/tool/node_modules/shared/package.json",
                          g + "/tool/package.json",
                      }));
  EXPECT_EQ(r.files[0].why, "script run by bin/tool");
  EXPECT_EQ(r.files[2].why, "npm package dep of the script " + g + "/tool/bin/tool.js");
  EXPECT_TRUE(has_note(r, g + "/tool: its dependency missing is not installed"));
  EXPECT_FALSE(has_note(r, "absent-optional"));
  EXPECT_TRUE(has_note(r, "in the npm package " + g + "/tool: 4 packages (6 files) come with it"));
  // A script that is itself in node_modules/.bin (not a link into a package) is in no package.
  write("/srv/app/node_modules/.bin/direct", "#!/usr/bin/env node\n");
  write("/srv/app/node_modules/.bin/package.json", "{}");
  EXPECT_EQ(paths(collect("/srv/app/node_modules/.bin/direct", "/usr/bin/node")),
            std::vector<std::string>{"/srv/app/node_modules/.bin/direct"});
}

TEST_F(ScriptTree, AProjectsHoistedAndLinkedDependenciesAreFoundAbove) {
  // npm install in a project: dependencies hoisted to the project's node_modules; one linked
  // (npm link, workspaces) to a directory outside node_modules; a bad package.json is a note.
  write("/srv/app/node_modules/cli/bin/run.js", "#!/usr/bin/env node\n");
  write("/srv/app/node_modules/cli/package.json", R"({"dependencies": {"hoisted": "1", "linked": "1", "broken": "1"}})");
  write("/srv/app/node_modules/hoisted/package.json", "{}");
  write("/srv/app/node_modules/broken/package.json", R"({"dependencies": )");
  write("/srv/packages/linked/package.json", "{}");
  link("/srv/app/node_modules/linked", "../../packages/linked");
  write("/srv/app/node_modules/not-needed/package.json", "{}");
  const RuntimeFiles r = collect("/srv/app/node_modules/cli/bin/run.js", "/usr/bin/node");
  EXPECT_EQ(paths(r), (std::vector<std::string>{
                          "/srv/app/node_modules/broken/package.json",
                          "/srv/app/node_modules/cli/bin/run.js",
                          "/srv/app/node_modules/cli/package.json",
                          "/srv/app/node_modules/hoisted/package.json",
                          "/srv/app/node_modules/linked -> ../../packages/linked",
                          "/srv/packages/linked/package.json",
                      }));
  EXPECT_TRUE(has_note(r, "/srv/app/node_modules/broken/package.json: not valid JSON at byte 17"));
}

TEST_F(ScriptTree, AVirtualEnvironmentComesWhole) {
  // python3 -m venv: pyvenv.cfg, bin/python3 linked to the base interpreter, site-packages with
  // a module; the console script's #! names the venv's python.
  std::filesystem::create_directories(root_ / "usr/bin");
  std::filesystem::copy_file("/bin/true", root_ / "usr/bin/python3");
  write("/srv/venv/pyvenv.cfg", "home = /usr/bin\n");
  link("/srv/venv/bin/python3", "/usr/bin/python3");
  link("/srv/venv/bin/python", "python3");
  write("/srv/venv/bin/tool", "#!/srv/venv/bin/python3\nimport greet\n");
  write("/srv/venv/lib/python3.11/site-packages/greet/__init__.py", "print('hi')\n");
  link("/srv/venv/lib64", "lib");
  write("/srv/other/pyvenv.cfg", "");
  const RuntimeFiles r = collect("/srv/venv/bin/tool", "/srv/venv/bin/python3");
  EXPECT_EQ(paths(r), (std::vector<std::string>{
                          "/srv/venv/bin/tool",
                          "/srv/venv/lib/python3.11/site-packages/greet/__init__.py",
                          "/srv/venv/lib64 -> lib",
                          "/srv/venv/pyvenv.cfg",
                      }));
  // Its links out of it to the base interpreter are the program, run by the bundle's linker.
  std::vector<std::string> helpers;
  for (const auto& h : r.helpers) helpers.push_back(h.path + " " + h.file);
  const std::string python3 = (root_ / "usr/bin/python3").string();
  EXPECT_EQ(helpers, (std::vector<std::string>{"/srv/venv/bin/python " + python3, "/srv/venv/bin/python3 " + python3}));
  EXPECT_TRUE(has_note(r, "in the Python virtual environment /srv/venv: its 6 files come with it"));
  // A script elsewhere run by the venv's interpreter brings the venv too.
  write("/srv/scripts/job.py", "#!/srv/venv/bin/python3\n");
  const RuntimeFiles by_interpreter = collect("/srv/scripts/job.py", "/srv/venv/bin/python3");
  EXPECT_TRUE(has_note(by_interpreter, "in the Python virtual environment /srv/venv"));
  // A script in no tree brings nothing more.
  write("/srv/plain/job.py", "#!/usr/bin/python3\n");
  EXPECT_EQ(paths(collect("/srv/plain/job.py", "/usr/bin/python3")), std::vector<std::string>{"/srv/plain/job.py"});
}

}  // namespace
}  // namespace elfpack
