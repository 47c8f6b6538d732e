// The real loader's view, for differential checks: `ld.so --list FILE` parsed into name -> path.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>

namespace elfpack::testing {

struct LoaderListing {
  std::map<std::string, std::string> found;  // needed name -> path, as ld.so prints it
  std::string output;
  int status = 0;
};

inline LoaderListing list_with_real_loader(const std::string& file) {
  LoaderListing listing;
  const std::string command = "/lib64/ld-linux-x86-64.so.2 --list '" + file + "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) listing.output += buffer;
  listing.status = ::pclose(pipe.release());
  std::istringstream lines(listing.output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto arrow = line.find(" => ");
    if (arrow == std::string::npos) continue;
    const auto start = line.find_first_not_of(" \t");
    std::string path = line.substr(arrow + 4);
    path = path.substr(0, path.find(" ("));
    listing.found[line.substr(start, arrow - start)] = path;
  }
  return listing;
}

}  // namespace elfpack::testing
