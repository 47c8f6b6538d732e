// The package rule on hand-made status databases: each part of it (seeds, the C runtime, the
// data walk, the base system, the same-source family, never-brought packages, --add-package and
// --exclude-package, what came only through a library).
#include "runtime/package_rule.h"

#include <gtest/gtest.h>

#include "elfpack/base/error.h"

namespace elfpack {
namespace {

InstalledPackage package(std::string source, std::vector<std::vector<std::string>> depends = {},
                         std::string priority = "optional") {
  InstalledPackage p;
  p.source = std::move(source);
  p.depends = std::move(depends);
  p.priority = std::move(priority);
  return p;
}

class Rule : public ::testing::Test {
 protected:
  void SetUp() override {
    // A program (demo-bin) of source demo; its library libdemo1, whose data and plugins live in
    // libdemo-data; the C runtime; the base system; a family of demo's source.
    add("demo-bin", package("demo", {{"libdemo1"}, {"libc6"}}));
    add("libdemo1", package("demo", {{"libdemo-data", "libdemo-alt"}, {"fonts-virtual"}, {"libelf2"}, {"libdemo-doc"},
                                     {"libc6"}, {"debconf"}}));
    add("libdemo-data", package("demo", {{"tzdata"}, {"netbase"}, {"base-thing"}, {"ucf"}}));
    add("libdemo-alt", package("demo"));
    add("libdemo-doc", package("demo"));
    add("fonts-x", package("fonts-x"));
    installed_["fonts-x"].provides = {"fonts-virtual"};
    add("libelf2", package("elf", {{"elf-data"}}));  // ships an ELF object
    add("elf-data", package("elf"));
    add("libc6", package("glibc"));
    add("debconf", package("debconf", {}, "required"));
    add("base-thing", package("base-thing", {}, "optional"));
    installed_["base-thing"].essential = true;
    add("tzdata", package("tzdata", {}, "required"));
    add("netbase", package("netbase", {}, "important"));
    add("ucf", package("ucf", {}, "standard"));
    add("demo-stdlib", package("demo", {{"demo-bin"}}));             // family: depends on the program's package
    add("demo-dev", package("demo", {{"demo-bin"}}));                // never
    add("idle-demo", package("demo", {{"demo-bin"}}));               // never
    add("demo-elsewhere", package("demo", {{"fonts-x"}}));           // of the source, but not depending on it
    add("demo-tool", package("demo", {{"libdemo-alt"}}));           // on a package of the source not chosen
    add("other-user", package("other", {{"demo-bin"}}));             // another source
  }
  void add(const std::string& name, InstalledPackage p) {
    p.listed = name;
    p.order = installed_.size();
    installed_[name] = std::move(p);
  }
  PackageRuleInput input() {
    PackageRuleInput in;
    in.installed = &installed_;
    in.program_packages = {{"demo-bin", "demo"}};
    in.owner_packages = {{"libdemo1", "/usr/lib/x86_64-linux-gnu/libdemo.so.1"},
                         {"libc6:amd64", "/lib/x86_64-linux-gnu/libc.so.6"}};
    in.ships_elf = [](const std::string& listed) { return listed == "libelf2" || listed == "libdemo1"; };
    return in;
  }
  static std::vector<std::string> names(const PackageChoice& choice) {
    std::vector<std::string> out;
    for (const auto& c : choice.chosen) out.push_back(c.name);
    return out;
  }
  std::map<std::string, InstalledPackage> installed_;
};

TEST_F(Rule, SeedsAreTheProgramsAndTheClosuresPackagesButTheCRuntime) {
  PackageRuleInput in = input();
  in.installed = &installed_;
  const PackageChoice choice = choose_packages(in);
  ASSERT_GE(choice.chosen.size(), 2u);
  EXPECT_EQ(choice.chosen[0].name, "demo-bin");
  EXPECT_EQ(choice.chosen[0].why, "the package of demo");
  EXPECT_EQ(choice.chosen[1].name, "libdemo1");
  EXPECT_EQ(choice.chosen[1].why, "owns /usr/lib/x86_64-linux-gnu/libdemo.so.1 of the closure");
  const auto all = names(choice);
  EXPECT_EQ(std::count(all.begin(), all.end(), "libc6"), 0);
  EXPECT_NE(std::find(choice.notes.begin(), choice.notes.end(),
                      "package libc6: the C runtime: its libraries are in the closure, nothing else comes"),
            choice.notes.end());
}

TEST_F(Rule, TheWalkTakesDataOnlyPackagesButNotTheBaseSystemNorPackagesWithElfObjects) {
  const auto all = names(choose_packages(input()));
  auto has = [&](const char* n) { return std::find(all.begin(), all.end(), n) != all.end(); };
  EXPECT_TRUE(has("libdemo-data"));   // the first installed alternative
  EXPECT_FALSE(has("libdemo-alt"));   // a later alternative
  EXPECT_TRUE(has("fonts-x"));        // a virtual package, by its provider
  EXPECT_FALSE(has("libelf2"));       // ships an ELF object, not in the closure
  EXPECT_FALSE(has("elf-data"));      // nor walked through
  EXPECT_FALSE(has("libdemo-doc"));   // never brought
  EXPECT_FALSE(has("debconf"));       // Priority: required
  EXPECT_FALSE(has("base-thing"));    // Essential
  EXPECT_FALSE(has("ucf"));           // named plumbing
  EXPECT_TRUE(has("tzdata"));         // required, but data programs read
  EXPECT_TRUE(has("netbase"));        // important, but /etc/services
}

TEST_F(Rule, TheFamilyIsOneStepOfTheProgramsSourceTowardsItsChosenPackages) {
  const auto all = names(choose_packages(input()));
  auto has = [&](const char* n) { return std::find(all.begin(), all.end(), n) != all.end(); };
  EXPECT_TRUE(has("demo-stdlib"));     // depends on demo-bin
  EXPECT_FALSE(has("demo-dev"));       // never
  EXPECT_FALSE(has("idle-demo"));      // never
  EXPECT_FALSE(has("demo-elsewhere")); // depends on no package of its source that was chosen
  EXPECT_FALSE(has("demo-tool"));      // libdemo-alt was not chosen
  EXPECT_FALSE(has("other-user"));     // another source
}

// Same-source dependencies come from a program's own packages only: a library's package does not
// bring the daemons of its source (libnss-systemd would bring systemd).
TEST_F(Rule, SameSourceDependenciesComeOnlyFromTheProgramsOwnPackages) {
  add("libnss-thing", package("thing", {{"thing-daemon"}}));
  add("thing-daemon", package("thing"));
  add("demo-data2", package("demo"));
  installed_["demo-bin"].depends.push_back({"demo-data2"});
  PackageRuleInput in = input();
  in.owner_packages.emplace_back("libnss-thing", "/lib/x86_64-linux-gnu/libnss_thing.so.2");
  in.ships_elf = [](const std::string& listed) { return listed != "demo-data2"; };
  const auto all = names(choose_packages(in));
  EXPECT_NE(std::find(all.begin(), all.end(), "demo-data2"), all.end());
  EXPECT_NE(std::find(all.begin(), all.end(), "libnss-thing"), all.end());
  EXPECT_EQ(std::find(all.begin(), all.end(), "thing-daemon"), all.end());
}

// What came only through the closures' libraries (a package of another source owning one of
// them, and the data it depends on) is marked: the first to go for Lambda's size limit. A
// library of the program's own source, its data, and what --add-package brings are not.
TEST_F(Rule, WhatCameOnlyThroughALibraryIsMarked) {
  add("libother1", package("other", {{"other-data"}}));
  add("other-data", package("other"));
  PackageRuleInput in = input();
  in.owner_packages.emplace_back("libother1", "/usr/lib/x86_64-linux-gnu/libother.so.1");
  in.add_packages = {"libelf2"};
  in.ships_elf = [](const std::string& listed) { return listed == "libelf2" || listed == "libdemo1" || listed == "libother1"; };
  std::map<std::string, bool> through;
  for (const auto& c : choose_packages(in).chosen) through[c.name] = c.through_library;
  EXPECT_TRUE(through.at("libother1"));
  EXPECT_TRUE(through.at("other-data"));
  for (const char* own : {"demo-bin", "libdemo1", "libdemo-data", "fonts-x", "demo-stdlib", "libelf2", "elf-data"}) {
    EXPECT_FALSE(through.at(own)) << own;
  }
  // --add-package of such a package keeps it, and the data it brings.
  in.add_packages = {"libother1"};
  for (const auto& c : choose_packages(in).chosen) EXPECT_FALSE(c.through_library && c.name.find("other") != std::string::npos) << c.name;
}

TEST_F(Rule, AddAndExcludePackage) {
  PackageRuleInput in = input();
  in.exclude_packages = {"libdemo-data"};
  in.add_packages = {"libelf2"};
  const PackageChoice choice = choose_packages(in);
  const auto all = names(choice);
  auto has = [&](const char* n) { return std::find(all.begin(), all.end(), n) != all.end(); };
  EXPECT_FALSE(has("libdemo-data"));
  EXPECT_FALSE(has("tzdata"));  // only libdemo-data led there
  EXPECT_TRUE(has("libelf2"));
  EXPECT_TRUE(has("elf-data"));  // walked from what --add-package brings
  in.exclude_packages = {"no-such"};
  EXPECT_THROW(choose_packages(in), Error);
  in.exclude_packages = {};
  in.add_packages = {"no-such"};
  EXPECT_THROW(choose_packages(in), Error);
}

TEST(NeverBrought, DevelopmentDocumentationDebugTestsAndExamples) {
  for (const char* name : {"libfoo-dev", "foo-doc", "foo-dbg", "foo-dbgsym", "foo-tests", "libpython3.11-testsuite",
                           "python3.11-examples", "idle-python3.11"}) {
    EXPECT_TRUE(never_brought(name)) << name;
  }
  for (const char* name : {"libfoo1", "foo-data", "foo-common", "devscripts", "docker"}) {
    EXPECT_FALSE(never_brought(name)) << name;
  }
}

}  // namespace
}  // namespace elfpack
