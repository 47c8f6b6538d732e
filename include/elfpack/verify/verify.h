// `elfpack verify BUNDLE [-- COMMAND ARGS...]`: proof that a bundle works before it is shipped.
// The bundle (a directory, zip or tarball) is unpacked into a private empty root at /opt (as a
// Lambda layer is), refusing archive entries that would land outside it; then
//  - statically: every program's closure, resolved as its launcher has the bundled linker do it
//    (the bundle's lib/ only), must be complete, with every symbol version it needs; and nothing
//    may be searched outside the bundle (absolute run paths, the linker's default directories,
//    /etc/ld.so.preload, musl's path file) unless `allow_host_libs`;
//  - by running: each program with --version (or COMMAND), in an empty root set up as Lambda
//    runs code (see verify.cpp), must start: judged by whether the linker could load it, not by
//    its exit status.
#pragma once

#include <string>
#include <vector>

namespace elfpack {

struct VerifyReport {
  std::string text;  // one line per check, then the verdict
  bool passed = false;
};

// Throws Error for a bundle that cannot be read or unpacked safely.
VerifyReport verify_bundle(const std::string& bundle, const std::vector<std::string>& command,
                           bool allow_host_libs = false);

}  // namespace elfpack
