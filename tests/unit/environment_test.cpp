// add_environment (src/runtime/environment.cpp) over closures made by hand, in a Debian root made
// by hand: the fonts and the configuration that the libraries of a plugin's closure assume.
#include "elfpack/runtime/runtime_files.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace elfpack {
namespace {

class EnvironmentRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("elfpack-environment-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void write(const std::string& path, const std::string& text, mode_t mode = 0644) {
    std::filesystem::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path, std::ios::binary) << text;
    ::chmod((root_ / path).c_str(), mode);
  }
  // dpkg's status database: each package installed, with its Depends.
  void packages(const std::vector<std::pair<std::string, std::string>>& depends) {
    std::string status;
    for (const auto& [name, on] : depends) {
      status += "Package: " + name + "\nStatus: install ok installed\nArchitecture: all\n";
      if (!on.empty()) status += "Depends: " + on + "\n";
      status += "\n";
    }
    write("var/lib/dpkg/status", status);
  }
  // An object of a closure: its bytes are not read as ELF (its imports are given: none).
  LoadedObject object(const std::string& path, const std::string& soname = "") const {
    LoadedObject o;
    o.path = path;
    o.file = (root_ / path.substr(1)).string();
    if (!soname.empty()) o.elf.soname = soname;
    o.elf.imports = std::vector<std::string>{};
    return o;
  }
  CollectOptions options() const {
    CollectOptions o;
    o.sysroot = root_.string();
    return o;
  }
  static std::vector<std::string> paths(const RuntimeFiles& r) {
    std::vector<std::string> out;
    for (const auto& f : r.files) out.push_back(f.path);
    return out;
  }
  std::filesystem::path root_;
};

// fontconfig loaded by a plugin only: the fonts come all the same, of every installed package of
// a dependency that any of several font packages satisfies, not of its first alone.
TEST_F(EnvironmentRoot, FontsOfAPluginsFontconfigAndOfEveryInstalledAlternative) {
  packages({{"app", ""},
            {"libfontconfig1", "fontconfig-config"},
            {"fontconfig-config", "fonts-first | fonts-absent | fonts-second"},
            {"fonts-first", ""},
            {"fonts-second", ""}});
  write("usr/bin/app", "program");
  write("usr/lib/app/plugin.so", "plugin");
  write("usr/lib/libfontconfig.so.1", "fontconfig");
  write("etc/fonts/fonts.conf", "<fontconfig/>");
  write("usr/share/fonts/truetype/first/First.ttf", "font");
  write("usr/share/fonts/opentype/second/Second.otf", "font");
  write("var/lib/dpkg/info/app.list", "/.\n/usr/bin/app\n/usr/lib/app/plugin.so\n");
  write("var/lib/dpkg/info/libfontconfig1.list", "/.\n/usr/lib/libfontconfig.so.1\n");
  write("var/lib/dpkg/info/fontconfig-config.list", "/.\n/etc/fonts/fonts.conf\n");
  write("var/lib/dpkg/info/fonts-first.list", "/.\n/usr/share/fonts/truetype/first/First.ttf\n");
  write("var/lib/dpkg/info/fonts-second.list", "/.\n/usr/share/fonts/opentype/second/Second.otf\n");
  Closure program, plugin;
  program.objects = {object("/usr/bin/app")};
  plugin.objects = {object("/usr/lib/app/plugin.so"), object("/usr/lib/libfontconfig.so.1", "libfontconfig.so.1")};

  RuntimeFiles without;
  add_environment({&program}, options(), without);
  EXPECT_TRUE(without.files.empty());

  RuntimeFiles r;
  add_environment({&program, &plugin}, options(), r);
  EXPECT_EQ(paths(r), (std::vector<std::string>{"/etc/fonts/conf.d/05-elfpack-font-dirs.conf", "/etc/fonts/fonts.conf",
                                                "/usr/share/fonts/opentype/second/Second.otf",
                                                "/usr/share/fonts/truetype/first/First.ttf"}));
  ASSERT_FALSE(r.files.empty());
  const std::string conf = r.files[0].contents.value_or("");
  EXPECT_NE(conf.find("<dir>/usr/share/fonts/opentype/second</dir>"), std::string::npos) << conf;
  EXPECT_NE(conf.find("<cachedir>/tmp/fontconfig-cache-"), std::string::npos) << conf;
  EXPECT_EQ(r.served_whole,
            (std::vector<std::string>{"/usr/share/fonts/opentype/second", "/usr/share/fonts/truetype/first"}));
  // --exclude-package: none of its fonts.
  CollectOptions excluding = options();
  excluding.exclude_packages = {"fonts-second"};
  RuntimeFiles without_second;
  add_environment({&plugin}, excluding, without_second);
  EXPECT_EQ(paths(without_second), (std::vector<std::string>{"/etc/fonts/conf.d/05-elfpack-font-dirs.conf",
                                                             "/etc/fonts/fonts.conf",
                                                             "/usr/share/fonts/truetype/first/First.ttf"}));
  // Another set of fonts at the same directories: another cache directory, so that two bundles
  // sharing /tmp never take each other's caches.
  write("usr/share/fonts/opentype/second/Second.otf", "another font");
  RuntimeFiles other;
  add_environment({&plugin}, options(), other);
  ASSERT_FALSE(other.files.empty());
  const auto cachedir = [](const std::string& text) { return text.substr(text.find("<cachedir>")); };
  EXPECT_NE(cachedir(other.files[0].contents.value_or("")), cachedir(conf));
}

// The locale for Lambda's LANG when a plugin's closure calls setlocale; not for an NSS module's,
// which runs in the locale of the program glibc loaded it for.
TEST_F(EnvironmentRoot, LocaleForAPluginsSetlocaleButNotAnNssModules) {
  write("usr/lib/locale/en_US.utf8/LC_CTYPE", "ctype");
  write("usr/lib/app/plugin.so", "plugin");
  write("lib/libnss_demo.so.2", "module");
  Closure plugin, module;
  plugin.objects = {object("/usr/lib/app/plugin.so")};
  module.objects = {object("/lib/libnss_demo.so.2", "libnss_demo.so.2")};
  plugin.objects[0].elf.imports = module.objects[0].elf.imports = std::vector<std::string>{"setlocale", "localtime_r"};
  RuntimeFiles by_module;
  add_environment({&module}, options(), by_module);
  EXPECT_TRUE(by_module.files.empty());
  EXPECT_TRUE(by_module.environment.empty());
  RuntimeFiles by_plugin;
  add_environment({&module, &plugin}, options(), by_plugin);
  EXPECT_EQ(paths(by_plugin), (std::vector<std::string>{"/usr/lib/locale/en_US.utf8/LC_CTYPE"}));
  EXPECT_EQ(by_plugin.environment, (std::map<std::string, std::string>{{"LOCPATH", "/usr/lib/locale"}}));
}

// What a library's package wrote at install (libpaper's /etc/papersize): named by its maintainer
// scripts and compiled into its library, after bytes that are not a NUL (a double's); not what
// its scripts name but its library does not read, nor what only root may read.
TEST_F(EnvironmentRoot, ConfigurationALibrarysPackageWroteAtInstall) {
  packages({{"libsize1", ""}});
  write("usr/lib/libsize.so.1", std::string("\0\0R@/etc/size\0/etc/secret\0SIZE\0", 30));
  write("var/lib/dpkg/info/libsize1.list", "/.\n/usr/lib/libsize.so.1\n");
  write("var/lib/dpkg/info/libsize1.postinst",
        "#!/bin/sh\nset -e\nconf=/etc/size\necho a4 > /etc/size.new && mv /etc/size.new /etc/size\n"
        "touch /etc/unread.conf /etc/secret\necho 'see /etc/size.'\n");
  write("etc/size", "a4\n");
  write("etc/unread.conf", "x");
  write("etc/secret", "key", 0600);
  Closure closure;
  closure.objects = {object("/usr/lib/libsize.so.1", "libsize.so.1")};
  RuntimeFiles r;
  r.package_of[closure.objects[0].file] = "libsize1";
  add_environment({&closure}, options(), r);
  EXPECT_EQ(paths(r), (std::vector<std::string>{"/etc/size"}));
  ASSERT_FALSE(r.files.empty());
  EXPECT_EQ(r.files[0].why, "environment: configuration libsize.so.1 reads, written by libsize1's maintainer scripts");
  EXPECT_EQ(r.prefixes, (std::vector<std::string>{"/etc/size"}));
}

}  // namespace
}  // namespace elfpack
