// Plugin packages (src/runtime/plugin_packages.cpp), in a fake dpkg database: the installed
// packages of a chosen package's project that install into its plugin directory come; another
// project's plugin, a package that installs nothing there and a -dev package do not.
#include "runtime/package_rule.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "runtime/package_manager.h"

namespace elfpack {
namespace {

TEST(PluginPackages, ThoseOfTheHostsProjectThatInstallIntoItsPluginDirectory) {
  const auto root = std::filesystem::temp_directory_path() / ("elfpack-plugins-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  const auto write = [&](const std::string& path, const std::string& text) {
    std::filesystem::create_directories((root / path).parent_path());
    std::ofstream(root / path) << text;
  };
  const std::string info = "var/lib/dpkg/info/";
  write(info + "libhost1.list", "/.\n/usr/lib/x86_64-linux-gnu/libhost.so.1\n/usr/lib/host-1.0\n/usr/lib/host-1.0/libcore.so\n");
  write(info + "host-plugins-good.list", "/.\n/usr/lib/host-1.0\n/usr/lib/host-1.0/libgood.so\n");
  write(info + "other-loader.list", "/.\n/usr/lib/host-1.0/libforeign.so\n");
  write(info + "host-tools.list", "/.\n/usr/bin/host-inspect\n");
  write(info + "host-plugins-dev.list", "/.\n/usr/lib/host-1.0/libgood-dev.so\n");
  write(info + "libsibling.list", "/.\n/usr/lib/x86_64-linux-gnu/libsibling.so.2\n");
  write("var/lib/dpkg/status",
        "Package: libhost1\nStatus: install ok installed\nSource: host\n\n"
        "Package: host-plugins-good\nStatus: install ok installed\nSource: host-plugins-good\nDepends: libhost1 (>= 1.0)\n\n"
        "Package: other-loader\nStatus: install ok installed\nSource: other\nDepends: libhost1\n\n"
        "Package: host-tools\nStatus: install ok installed\nSource: host\nDepends: libhost1\n\n"
        "Package: host-plugins-dev\nStatus: install ok installed\nSource: host-plugins-good\nDepends: libhost1\n\n"
        "Package: libsibling\nStatus: install ok installed\nSource: sibling\nDepends: libhost1\n");
  const auto dpkg = make_dpkg((root / "var/lib/dpkg").string());
  const std::vector<ChosenPackage> chosen{{"libhost1", "libhost1", "owns libhost.so.1 of the closure"}};
  const auto found = plugin_packages(*dpkg, chosen, {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name, "host-plugins-good");
  EXPECT_EQ(found[0].why,
            "plugins: it installs libgood.so into /usr/lib/host-1.0, libhost1's plugin directory, and depends on libhost1");
  EXPECT_TRUE(plugin_packages(*dpkg, chosen, {"host-plugins-good"}).empty());  // --exclude-package
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace elfpack
