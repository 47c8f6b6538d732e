// --format exe: one executable file holding a compressed bundle. It is the bundle's expander
// (launchers/expand/expand.c) with the payload after it, the name of the program it runs by
// default, and a 32-byte trailer: "EPKEXE1\0", the payload's offset and size, the name's offset
// (little-endian u64). Run, the expander finds the trailer at the end of its own file, expands the
// payload into $XDG_CACHE_HOME/elfpack or /tmp, checks the tree as a launcher does, and runs the
// tree's bin/<argv[0]'s name> (a link with a program's name picks it), else the default program.
#include <cstring>
#include <string>

#include "elfpack/base/error.h"
#include "elfpack/write/output.h"
#include "elfpack/write/output_file.h"

namespace elfpack {

namespace {

class ExeWriter : public BundleWriter {
 public:
  explicit ExeWriter(const std::string& output) : file_(output) {}

  void begin(const BundlePlan& plan) override {
    if (plan.compressed) program_ = plan.compressed->default_program;
  }

  void start_entry(const BundleEntry& entry, std::uint64_t size) override {
    (void)size;
    const std::string name = entry.path.substr(entry.path.rfind('/') + 1);
    target_ = nullptr;
    if (entry.path.starts_with(std::string(kPrivateRoot) + "/") && name == "payload") target_ = &payload_;
    if (entry.path.starts_with(std::string(kPrivateRoot) + "/") && name.starts_with("expand-")) {
      if (!expander_.empty()) throw Error("--format exe: programs of one machine only (this bundle has two)");
      target_ = &expander_;
    }
    if (entry.path.starts_with("bin/") && entry.kind != BundleEntry::Kind::kDirectory && program_.empty()) {
      program_ = name;
    }
  }

  void piece(const Piece& piece) override {
    if (target_ != nullptr) target_->append(reinterpret_cast<const char*>(piece.raw.data()), piece.raw.size());
  }

  void commit() override {
    if (payload_.empty() || expander_.empty() || program_.empty()) throw Error("--format exe: not a compressed bundle");
    const std::uint64_t at = expander_.size(), name_at = at + payload_.size();
    std::string trailer("EPKEXE1\0", 8);
    for (const std::uint64_t v : {at, static_cast<std::uint64_t>(payload_.size()), name_at}) {
      for (int i = 0; i < 8; ++i) trailer += static_cast<char>(v >> (8 * i));
    }
    file_.write(expander_, "the expander");
    file_.write(payload_, "the payload");
    file_.write(program_ + '\0', "the program's name");
    file_.write(trailer, "the trailer");
    file_.commit(0777);
  }

 private:
  OutputFile file_;
  std::string payload_, expander_, program_;
  std::string* target_ = nullptr;
};

}  // namespace

std::unique_ptr<BundleWriter> open_exe_writer(const std::string& output) { return std::make_unique<ExeWriter>(output); }

}  // namespace elfpack
