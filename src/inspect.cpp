#include "elfpack/inspect.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <filesystem>
#include <iterator>
#include <optional>
#include <string_view>
#include <utility>

#include "elfpack/bundle.h"
#include "elfpack/base/error.h"
#include "elfpack/base/json_writer.h"
#include "elfpack/resolve/loader_profile.h"
#include "elfpack/base/mapped_file.h"
#include "elfpack/runtime/runtime_files.h"
#include "elfpack/base/paths.h"

namespace elfpack {

namespace {

// What a needed name of object `from` resolved to: an object index, or none when missing.
std::optional<std::size_t> target_of(const Closure& c, const std::string& name) {
  for (std::size_t i = 0; i < c.objects.size(); ++i) {
    const auto& o = c.objects[i];
    if (std::find(o.names.begin(), o.names.end(), name) != o.names.end() || o.elf.soname == name) return i;
  }
  return std::nullopt;
}

const MissingLibrary* missing_of(const Closure& c, std::size_t from, const std::string& name) {
  for (const auto& m : c.missing) {
    if (m.needed_by == from && m.name == name) return &m;
  }
  return nullptr;
}

// "RUNPATH of /x/bin/prog", "cache", "default dirs", "interpreter", ...
std::string rule_text(const LoadedObject& o) {
  if (o.found_by == FoundBy::kRpath || o.found_by == FoundBy::kRunpath) return o.found_in.substr(0, o.found_in.find(": "));
  return to_string(o.found_by);
}

std::string missing_text(const MissingLibrary& m) {
  std::string text = m.reason == "not found" ? "not found" : m.reason + " (" + m.where + ")";
  if (!m.searched.empty()) {
    text += "; searched ";
    for (std::size_t i = 0; i < m.searched.size(); ++i) text += (i ? "; " : "") + m.searched[i];
  }
  return text;
}

class TreePrinter {
 public:
  explicit TreePrinter(const Closure& c) : c_(c) {}

  std::string print() {
    out_ = c_.objects[0].path + "\n";
    children(0, "");
    if (c_.interpreter) out_ += "interpreter: " + c_.objects[*c_.interpreter].path + "\n";
    return out_;
  }

 private:
  void children(std::size_t parent, const std::string& indent) {
    const auto& needed = c_.objects[parent].elf.needed;
    for (std::size_t n = 0; n < needed.size(); ++n) {
      const bool last = n + 1 == needed.size();
      out_ += indent + (last ? "└── " : "├── ") + needed[n];
      const auto target = target_of(c_, needed[n]);
      if (!target) {
        const MissingLibrary* m = missing_of(c_, parent, needed[n]);
        out_ += " => " + (m ? missing_text(*m) : std::string("not found")) + "\n";
        continue;
      }
      const LoadedObject& o = c_.objects[*target];
      if (o.loader != parent) {
        out_ += " (already loaded)\n";
        continue;
      }
      out_ += " => " + o.path + " (" + rule_text(o) + ")\n";
      children(*target, indent + (last ? "    " : "│   "));
    }
  }

  const Closure& c_;
  std::string out_;
};

std::string flat_text(const Closure& c) {
  std::string out = c.objects[0].path + "\n";
  for (std::size_t i = 1; i < c.objects.size(); ++i) {
    const auto& o = c.objects[i];
    const std::string name = o.names.empty() ? o.path : o.names.front();
    out += "  " + name + " => " + o.path + " (" + rule_text(o) + ")\n";
  }
  for (const auto& m : c.missing) {
    out += "  " + m.name + " => " + missing_text(m) + " (needed by " + c.objects[m.needed_by].path + ")\n";
  }
  return out;
}

void write_strings(JsonWriter& json, const std::vector<std::string>& strings) {
  json.begin_array();
  for (const auto& s : strings) json.value(s);
  json.end_array();
}

void write_json(JsonWriter& json, const Program& program, const Closure& c) {
  json.begin_object();
  json.key("program").value(program.path);
  json.key("static").value(program.elf.is_static_executable());
  json.key("interpreter");
  if (c.interpreter) {
    json.value(c.objects[*c.interpreter].path);
  } else {
    json.null();
  }
  json.key("objects").begin_array();
  for (std::size_t i = 1; i < c.objects.size(); ++i) {
    const auto& o = c.objects[i];
    json.begin_object();
    json.key("path").value(o.path);
    json.key("file").value(o.file);
    json.key("names");
    write_strings(json, o.names);
    json.key("soname");
    if (o.elf.soname) {
      json.value(*o.elf.soname);
    } else {
      json.null();
    }
    json.key("found_by").value(to_string(o.found_by));
    json.key("found_in").value(o.found_in);
    json.key("needed_by");
    if (o.loader) {
      json.value(c.objects[*o.loader].path);
    } else {
      json.null();
    }
    json.key("needed");
    write_strings(json, o.elf.needed);
    json.end_object();
  }
  json.end_array();
  json.key("missing").begin_array();
  for (const auto& m : c.missing) {
    json.begin_object();
    json.key("name").value(m.name);
    json.key("needed_by").value(c.objects[m.needed_by].path);
    json.key("reason").value(m.reason);
    json.key("bad_candidate").value(m.where);
    json.key("searched");
    write_strings(json, m.searched);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

// The bytes of `file`, 0 when it cannot be read.
std::uintmax_t size_of(const std::string& file) {
  struct stat st;
  return ::stat(file.c_str(), &st) == 0 ? static_cast<std::uintmax_t>(st.st_size) : 0;
}

std::string mib(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  return text;
}

// What a bundle would bring beside the closures, as collect_runtime_files finds it: packages
// (largest first; their closure files counted too), helpers, plugins, what packages' scripts
// made, and the trees scripts belong to (npm packages, virtual environments).
void describe_runtime(const std::vector<Program>& programs, const std::vector<Closure>& closures,
                      const std::vector<Script>& scripts, const InspectOptions& options, JsonWriter* json,
                      std::string& text) {
  CollectOptions collect;
  collect.sysroot = options.resolve.sysroot;
  collect.closures = &closures;
  collect.scripts = &scripts;
  collect.add_packages = options.add_packages;
  collect.exclude_packages = options.exclude_packages;
  const RuntimeFiles runtime = collect_runtime_files(programs, collect);
  struct Size {
    std::uintmax_t bytes = 0;
    std::size_t files = 0;
  };
  std::map<std::string, Size> sizes;
  std::set<std::string> counted;
  for (const auto& [file, package] : runtime.package_of) {
    if (!counted.insert(file).second) continue;
    sizes[package].bytes += size_of(file);
    ++sizes[package].files;
  }
  std::vector<std::pair<std::string, std::string>> whys;  // package, why, in the order chosen
  // A package chosen only through a library whose files come beyond the closure: they go first
  // when a layer is over Lambda's size limit.
  std::set<std::string> bringing;
  for (const auto* list : {&runtime.files, &runtime.libraries, &runtime.helpers}) {
    for (const auto& f : *list) bringing.insert(f.package);
  }
  for (const auto& p : runtime.packages) {
    const bool first = p.through_library && bringing.contains(p.name);
    whys.emplace_back(p.name, p.why + (first ? "; its files beyond the closure go first over Lambda's size limit" : ""));
  }
  std::vector<std::string> order;
  for (const auto& [name, size] : sizes) order.push_back(name);
  for (const auto& [name, why] : whys) {
    if (!sizes.contains(name)) order.push_back(name);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](const std::string& a, const std::string& b) { return sizes[a].bytes > sizes[b].bytes; });
  const auto why_of = [&](const std::string& name) {
    for (const auto& [n, why] : whys) {
      if (n == name) return why;
    }
    return std::string("its libraries are in the closure");
  };
  // What packages' scripts made (generated_files.cpp): no list names it, so it is shown.
  std::vector<RuntimeFile> generated;
  std::copy_if(runtime.files.begin(), runtime.files.end(), std::back_inserter(generated),
               [](const RuntimeFile& f) { return f.why.starts_with("generated "); });
  // The trees of scripts (script_trees.cpp), one line a package or environment, by its reason.
  std::map<std::string, Size> trees;
  for (const auto* list : {&runtime.files, &runtime.libraries, &runtime.helpers}) {
    for (const auto& f : *list) {
      if (!f.why.starts_with("npm package ") && !f.why.starts_with("virtual environment ")) continue;
      trees[f.why].bytes += f.link.empty() ? size_of(f.file) : 0;
      ++trees[f.why].files;
    }
  }
  if (json != nullptr) {
    json->key("packages").begin_array();
    for (const auto& name : order) {
      json->begin_object().key("name").value(name).key("why").value(why_of(name));
      json->key("files").value(static_cast<int64_t>(sizes[name].files));
      json->key("bytes").value(static_cast<int64_t>(sizes[name].bytes)).end_object();
    }
    json->end_array();
    for (const auto& [key, list] : {std::pair<const char*, const std::vector<RuntimeFile>*>{"helpers", &runtime.helpers},
                                    {"plugins", &runtime.libraries}, {"generated", &generated}}) {
      json->key(key).begin_array();
      for (const auto& f : *list) json->begin_object().key("path").value(f.path).key("why").value(f.why).end_object();
      json->end_array();
    }
    json->key("trees").begin_array();
    for (const auto& [why, size] : trees) {
      json->begin_object().key("why").value(why).key("files").value(static_cast<int64_t>(size.files));
      json->key("bytes").value(static_cast<int64_t>(size.bytes)).end_object();
    }
    json->end_array();
    return;
  }
  text += "packages (" + std::to_string(order.size()) + "):\n";
  for (const auto& name : order) {
    text += "  " + name + ": " + mib(sizes[name].bytes) + ", " + std::to_string(sizes[name].files) + " files (" +
            why_of(name) + ")\n";
  }
  text += "helpers (" + std::to_string(runtime.helpers.size()) + "):\n";
  for (const auto& f : runtime.helpers) text += "  " + f.path + " (" + f.why + ")\n";
  text += "plugins (" + std::to_string(runtime.libraries.size()) + "):\n";
  for (const auto& f : runtime.libraries) text += "  " + f.path + " (" + f.why + ")\n";
  text += "generated by packages' scripts (" + std::to_string(generated.size()) + "):\n";
  for (const auto& f : generated) text += "  " + f.path + " (" + f.why + ")\n";
  if (!trees.empty()) {
    text += "scripts' trees (" + std::to_string(trees.size()) + "):\n";
    for (const auto& [why, size] : trees) {
      text += "  " + why + ": " + mib(size.bytes) + ", " + std::to_string(size.files) + " files\n";
    }
  }
}

// A script's chain: each script and its #! line, the interpreter and the argv it gets, the files
// a shell script sources and the programs it runs; their closures follow among the programs.
std::string script_text(const Script& script) {
  std::string out = script.self().path + ": a script: #!" + script.self().line + "\n";
  for (std::size_t i = 1; i < script.chain.size(); ++i) {
    out += "├── its interpreter " + script.chain[i].path + " is a script: #!" + script.chain[i].line + "\n";
  }
  std::string argv;
  for (const auto& a : script.arguments) argv += a + " ";
  const bool more = !script.sourced.empty() || !script.runs.empty();
  out += std::string(more ? "├── " : "└── ") + "interpreter " + script.interpreter + ", run as: " + argv + "ARGS...\n";
  for (std::size_t i = 0; i < script.sourced.size(); ++i) {
    const bool last = i + 1 == script.sourced.size() && script.runs.empty();
    out += std::string(last ? "└── " : "├── ") + "sources " + script.sourced[i].path + "\n";
  }
  for (std::size_t i = 0; i < script.runs.size(); ++i) {
    out += std::string(i + 1 == script.runs.size() ? "└── " : "├── ") + "runs " + script.runs[i] + "\n";
  }
  return out;
}

void write_json(JsonWriter& json, const Script& script) {
  json.begin_object();
  json.key("script").value(script.self().path);
  json.key("chain").begin_array();
  for (const auto& f : script.chain) json.begin_object().key("path").value(f.path).key("line").value(f.line).end_object();
  json.end_array();
  json.key("interpreter").value(script.interpreter);
  json.key("arguments");
  write_strings(json, script.arguments);
  json.key("runs");
  write_strings(json, script.runs);
  std::vector<std::string> sourced;
  for (const auto& f : script.sourced) sourced.push_back(f.path);
  json.key("sources");
  write_strings(json, sourced);
  json.end_object();
}

}  // namespace

InspectReport inspect(const InspectOptions& options) {
  std::vector<Script> scripts;
  auto programs = load_programs(options.programs, options.resolve.sysroot, &scripts);
  // The programs shell scripts run are resolved as programs too.
  for (const auto& script : scripts) {
    for (const auto& run : script.runs) {
      if (std::any_of(programs.begin(), programs.end(), [&](const Program& p) { return p.path == run; })) continue;
      const std::string file = in_root(options.resolve.sysroot, run);
      programs.push_back(Program{base_name(run), run, file, read_elf(file)});
    }
  }
  Diagnostics unused;
  std::vector<std::string> warnings;
  const auto closures = resolve_programs(programs, options.resolve, unused, warnings, true);
  InspectReport report;
  JsonWriter json;
  if (options.json) {
    json.begin_object().key("schema").value("elfpack-inspect/1");
    if (!scripts.empty()) {
      json.key("scripts").begin_array();
      for (const auto& script : scripts) write_json(json, script);
      json.end_array();
    }
    json.key("programs").begin_array();
  } else {
    for (const auto& script : scripts) report.text += script_text(script);
  }
  for (std::size_t i = 0; i < programs.size(); ++i) {
    const Closure& c = closures[i];
    report.missing += c.missing.size();
    if (options.json) {
      write_json(json, programs[i], c);
    } else if (programs[i].elf.is_static_executable()) {
      report.text += programs[i].path + ": static executable, loads no shared objects\n";
    } else {
      report.text += options.flat ? flat_text(c) : TreePrinter(c).print();
    }
  }
  if (options.json) json.end_array();
  if (options.detect) describe_runtime(programs, closures, scripts, options, options.json ? &json : nullptr, report.text);
  if (options.json) {
    json.end_object();
    report.text = json.str();
  }
  return report;
}

}  // namespace elfpack

namespace elfpack {

namespace {

// Splits a run path on ':' (no token expansion: only absolute entries matter here).
std::vector<std::string> absolute_entries(const std::optional<std::string>& list) {
  std::vector<std::string> out;
  if (!list) return out;
  std::size_t start = 0;
  while (start <= list->size()) {
    const std::size_t end = std::min(list->find(':', start), list->size());
    const std::string entry = list->substr(start, end - start);
    if (entry.starts_with('/') && entry.find('\x01') == std::string::npos) out.push_back(entry);
    start = end + 1;
  }
  return out;
}

}  // namespace

InspectReport inspect_bundle(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir + ": not a bundle directory (unpack a zip first)");
  if (!fs::is_directory(fs::path(dir) / "lib/elfpack", ec)) throw Error(dir + ": no lib/elfpack: not an elfpack bundle");
  InspectReport report;
  std::size_t objects = 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec)) {
    if (entry.is_regular_file(ec) && !entry.is_symlink(ec)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    const std::string relative = fs::relative(path, dir, ec).string();
    const MappedFile file(path.string());
    if (!has_elf_magic(file.bytes())) continue;
    ElfFacts elf;
    try {
      elf = parse_elf(file.bytes(), path.string());
    } catch (const Error&) {
      file.ensure_intact();
      continue;  // the launchers' payload and other non-standard objects
    }
    file.ensure_intact();
    ++objects;
    for (const auto& [tag, list] : {std::pair<const char*, const std::optional<std::string>&>{"DT_RUNPATH", elf.runpath},
                                    {"DT_RPATH", elf.rpath}}) {
      for (const auto& e : absolute_entries(list)) {
        report.text += relative + ": " + tag + " entry " + e + " is outside the bundle\n";
        ++report.missing;
      }
    }
    // A glibc linker: its default directories and /etc/ld.so.preload, unless closed.
    if (elf.soname && elf.soname->starts_with("ld-linux")) {
      const std::string_view bytes(reinterpret_cast<const char*>(file.bytes().data()), file.bytes().size());
      if (bytes.find(std::string_view("/etc/ld.so.preload\0", 19)) != std::string_view::npos) {
        report.text += relative + ": reads /etc/ld.so.preload of the machine it runs on\n";
        ++report.missing;
      }
      if (const auto values = run_list_diagnostics(path.string())) {
        for (const auto& [key, value] : *values) {
          if (key.starts_with("path.system_dirs[") && value.find('\x01') == std::string::npos) {
            report.text += relative + ": searches its default directory " + value + "\n";
            ++report.missing;
          }
        }
      }
    }
  }
  report.text += std::to_string(objects) + " ELF objects checked: " +
                 (report.missing == 0 ? std::string("nothing outside the bundle is searched")
                                      : std::to_string(report.missing) + " paths outside the bundle") +
                 "\n";
  return report;
}

}  // namespace elfpack
