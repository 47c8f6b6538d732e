// The files brought packages' maintainer scripts and triggers made (generated_files.cpp), in a
// fake root with a dpkg database: what comes, with its reason, and what never does.
#include "elfpack/runtime/runtime_files.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "elfpack/bundle.h"

namespace elfpack {
namespace {

class GeneratedRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("elfpack-generated-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "usr/bin");
    std::filesystem::copy_file("/bin/true", root_ / "usr/bin/demo");
    std::filesystem::copy_file("/bin/true", root_ / "usr/bin/update-db");
    // demo's own files, and what its scripts made beside them.
    write("usr/lib/demo/plugins.conf", "listed");
    write("usr/lib/demo/loaders.cache", "made by a trigger");
    write("usr/lib/demo/host.key", "a secret", 0600);
    write("usr/lib/demo/plugins.conf.dpkg-old", "a leftover");
    write("usr/lib/demo/__pycache__/m.pyc", "in a directory no package lists");
    std::filesystem::copy_file("/bin/true", root_ / "usr/lib/demo/made-program");
    write("etc/demo/available/x.conf", "made by postinst");
    std::filesystem::create_directories(root_ / "etc/demo/conf.d");
    std::filesystem::create_symlink("/etc/demo/available/x.conf", root_ / "etc/demo/conf.d/10-x.conf");
    write("var/lib/demo/state", "the machine's state");
    write("usr/bin/made-here", "in a directory every package shares");
    // A directory demo shares with a package not brought: nothing made there comes.
    write("usr/share/together/demo.dat", "demo's");
    write("usr/share/together/other.dat", "other's");
    write("usr/share/together/index.cache", "made");
    // mimedb: a dependency that ships a program (not brought), whose trigger made db.cache.
    write("usr/share/mimedb/packages.xml", "mimedb's source");
    write("usr/share/mimedb/db.cache", "made by mimedb's trigger");
    write("var/lib/dpkg/info/demo.list",
          "/.\n/usr\n/usr/bin\n/usr/bin/demo\n/usr/lib\n/usr/lib/demo\n/usr/lib/demo/plugins.conf\n/etc\n/etc/demo\n"
          "/etc/demo/available\n/etc/demo/conf.d\n/var\n/var/lib\n/var/lib/demo\n/usr/share/together\n"
          "/usr/share/together/demo.dat\n");
    write("var/lib/dpkg/info/other.list", "/.\n/usr/share/together\n/usr/share/together/other.dat\n");
    write("var/lib/dpkg/info/mimedb.list",
          "/.\n/usr/bin/update-db\n/usr/share/mimedb\n/usr/share/mimedb/packages.xml\n");
    write("var/lib/dpkg/status",
          "Package: demo\nStatus: install ok installed\nArchitecture: amd64\nDepends: mimedb\n\n"
          "Package: other\nStatus: install ok installed\nArchitecture: amd64\n\n"
          "Package: mimedb\nStatus: install ok installed\nArchitecture: amd64\n");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void write(const std::string& path, const std::string& text, mode_t mode = 0644) {
    std::filesystem::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path) << text;
    ::chmod((root_ / path).c_str(), mode);
  }
  RuntimeFiles collect(std::vector<std::string> exclude = {}) const {
    CollectOptions options;
    options.sysroot = root_.string();
    options.exclude_packages = std::move(exclude);
    return collect_runtime_files(load_programs({"/usr/bin/demo"}, root_), options);
  }
  static std::vector<std::string> generated(const RuntimeFiles& r) {
    std::vector<std::string> found;
    for (const auto& f : r.files) {
      if (f.why.starts_with("generated")) found.push_back(f.path + " (" + f.why + ")" + (f.link.empty() ? "" : " -> " + f.link));
    }
    return found;
  }
  std::filesystem::path root_;
};

TEST_F(GeneratedRoot, WhatScriptsMadeInAPackagesOwnDirectoriesComes) {
  const RuntimeFiles r = collect();
  EXPECT_EQ(generated(r), (std::vector<std::string>{
                              "/etc/demo/available/x.conf (generated in package demo's directory)",
                              // A link stays a link, inside the bundle.
                              "/etc/demo/conf.d/10-x.conf (generated in package demo's directory) -> ../available/x.conf",
                              "/usr/lib/demo/loaders.cache (generated in package demo's directory)",
                              // A dependency's trigger-made index, without the dependency's own files.
                              "/usr/share/mimedb/db.cache (generated in package mimedb's directory)",
                          }));
  const auto has = [&](const std::string& path) {
    return std::any_of(r.files.begin(), r.files.end(), [&](const RuntimeFile& f) { return f.path == path; });
  };
  EXPECT_FALSE(has("/usr/share/mimedb/packages.xml"));
  EXPECT_EQ(r.package_of.at((root_ / "usr/share/mimedb/db.cache").string()), "mimedb");
  EXPECT_NE(std::find(r.notes.begin(), r.notes.end(), "generated in package demo's directory /usr/lib/demo: loaders.cache"),
            r.notes.end());
  EXPECT_NE(std::find(r.notes.begin(), r.notes.end(),
                      "1 generated files left out: only their owner may read them (first: /usr/lib/demo/host.key)"),
            r.notes.end());
  EXPECT_NE(std::find(r.notes.begin(), r.notes.end(),
                      "1 generated ELF objects left out (first: /usr/lib/demo/made-program)"),
            r.notes.end());
}

// --exclude-package: neither its files nor what its scripts made.
TEST_F(GeneratedRoot, AnExcludedDependencyBringsNothing) {
  const auto found = generated(collect({"mimedb"}));
  EXPECT_EQ(std::count_if(found.begin(), found.end(), [](const std::string& f) { return f.starts_with("/usr/share/mimedb/"); }), 0);
}

// Once the package that shares the directory is gone, the directory is demo's own.
TEST_F(GeneratedRoot, ADirectorySharedWithAPackageNotBroughtIsLeftAlone) {
  const auto before = generated(collect());
  EXPECT_EQ(std::count(before.begin(), before.end(), "/usr/share/together/index.cache (generated in package demo's directory)"), 0);
  std::filesystem::remove(root_ / "var/lib/dpkg/info/other.list");
  std::filesystem::remove(root_ / "usr/share/together/other.dat");
  const auto found = generated(collect());
  EXPECT_EQ(std::count(found.begin(), found.end(), "/usr/share/together/index.cache (generated in package demo's directory)"), 1);
}

}  // namespace
}  // namespace elfpack
