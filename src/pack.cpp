// The whole job, in the order of the design: load, resolve, collect, plan, stage, emit.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>

#include <spdlog/spdlog.h>

#include "elfpack/bundle.h"
#include "elfpack/base/error.h"
#include "elfpack/lambda/lambda.h"
#include "elfpack/layout/launcher.h"
#include "elfpack/write/manifest.h"
#include "elfpack/write/output.h"
#include "elfpack/write/payload.h"
#include "elfpack/base/paths.h"
#include "elfpack/runtime/runtime_files.h"
#include "elfpack/runtime/tracer.h"

namespace elfpack {

namespace {

std::uintmax_t unzipped_size(const BundlePlan& plan) {
  std::uintmax_t total = 0;
  for (const auto& e : plan.entries) total += e.kind == BundleEntry::Kind::kBytes ? e.bytes.size() : e.size;
  return total;
}

std::string in_mib(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

// Prints the warnings of a step (once) and turns its missing libraries into the error that stops
// the run.
void report_missing(const Diagnostics& diagnostics, std::vector<std::string>& warnings) {
  for (const auto& w : warnings) spdlog::warn("{}", w);
  warnings.clear();
  if (!diagnostics.has_errors()) return;
  for (const auto& e : diagnostics.errors()) spdlog::error("{}", e);
  const auto n = diagnostics.errors().size();
  throw Error(std::to_string(n) + (n == 1 ? " library" : " libraries") +
              " not found; nothing written (--allow-missing bundles without them)");
}

// bootstrap (the Runtime API client) and bootstrap.command (NUL-terminated words: options, "--",
// then the command's words, its program as bin/<name>, relative to the bootstrap). Words are split
// on spaces.
void add_lambda_function(BundlePlan& plan, const std::vector<Program>& programs, const std::vector<Script>& scripts,
                         const std::string& command, bool json_response) {
  std::vector<std::string> words;
  for (std::size_t start = 0; start < command.size();) {
    const std::size_t end = std::min(command.find(' ', start), command.size());
    if (end > start) words.push_back(command.substr(start, end - start));
    start = end + 1;
  }
  if (words.empty()) throw Error("--lambda-function: no command");
  const Program* program = nullptr;
  std::string name;
  for (const auto& p : programs) {
    if (p.name == words[0] || p.path == words[0]) program = &p, name = p.name;
  }
  for (const auto& script : scripts) {  // a script runs on its interpreter's machine
    if (script.name != words[0] && script.self().path != words[0]) continue;
    name = script.name;
    for (const auto& p : programs) {
      if (p.path == script.interpreter) program = &p;
    }
  }
  if (program == nullptr) throw Error("--lambda-function: '" + words[0] + "' is not one of the bundled programs");
  words[0] = "bin/" + name;
  std::string text = json_response ? std::string("--json-response\0--\0", 19) : std::string("--\0", 3);
  for (const auto& w : words) text += w + '\0';
  plan.entries.push_back({BundleEntry::Kind::kBytes, "bootstrap", 0755, {}, make_bootstrap(program->elf.ident.machine),
                          "Lambda function bootstrap: runs bootstrap.command for each event"});
  plan.entries.push_back({BundleEntry::Kind::kBytes, "bootstrap.command", 0644, {}, text, "the command the bootstrap runs"});
  std::sort(plan.entries.begin(), plan.entries.end(),
            [](const BundleEntry& a, const BundleEntry& b) { return a.path < b.path; });
}

// Info-ZIP's unzip drops control characters from the names it extracts ("new\nline" becomes
// "newline"), so a launcher would not find its program there. Such names are valid, and other
// extractors keep them: a warning, once, with the first such name written with C escapes.
void warn_of_names_unzip_changes(const BundlePlan& plan) {
  for (const auto& entry : plan.entries) {
    if (std::none_of(entry.path.begin(), entry.path.end(), [](char c) { return c >= 0 && c < 0x20; })) continue;
    std::string shown;
    for (const char c : entry.path) {
      static const char kHex[] = "0123456789abcdef";
      if (c == '\n') shown += "\\n";
      else if (c == '\t') shown += "\\t";
      else if (c >= 0 && c < 0x20) shown += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
      else shown += c;
    }
    spdlog::warn("{}: a name with a control character: unzip leaves such characters out when it extracts, and the "
                 "bundle then misses the file; unpack with a tool that keeps names (or write a .tar.gz)",
                 shown);
    return;
  }
}

// Lambda takes a layer of up to 250 MiB unzipped: past 200 MiB a warning says so, with the
// largest packages, which --exclude-package can leave out.
void warn_of_size(BundlePlan& plan) {
  constexpr std::uintmax_t kNear = 200ull << 20;
  const std::uintmax_t total = unzipped_size(plan);
  if (total <= kNear) return;
  const auto mib = in_mib;
  std::string largest;
  const auto sizes = package_sizes(plan);
  for (std::size_t i = 0; i < sizes.size() && i < 5; ++i) largest += (i ? ", " : "") + sizes[i].name + " " + mib(sizes[i].bytes);
  plan.warnings.push_back("the bundle is " + mib(total) + " unzipped, near AWS Lambda's 250 MiB for a layer" +
                          (largest.empty() ? std::string() : "; largest packages: " + largest) +
                          "; leave one out with --exclude-package P");
  spdlog::warn("{}", plan.warnings.back());
}

// Whether the closures of `more` hold a library (by its file) that none of `closures` does.
bool loads_more(const std::vector<Closure>& closures, const std::vector<Closure>& more) {
  std::set<std::pair<dev_t, ino_t>> loaded;
  for (const auto& c : closures) {
    for (const auto& o : c.objects) loaded.insert({o.dev, o.ino});
  }
  for (const auto& c : more) {
    for (std::size_t i = 1; i < c.objects.size(); ++i) {
      if (!loaded.contains({c.objects[i].dev, c.objects[i].ino})) return true;
    }
  }
  return false;
}

// --compress, or a layer (a .zip, --lambda) that would pass Lambda's 250 MiB unzipped: the files go
// into one payload that the first run expands into /tmp. Said in one line when automatic.
void compress_if_wanted(BundlePlan& plan, const PackOptions& options, bool layer) {
  if (!options.compress) {
    const std::uintmax_t unzipped = unzipped_size(plan);
    if (!layer || unzipped <= kLambdaUnzippedLimit || options.never_compress) return;
    spdlog::info("the bundle is {} unzipped, past AWS Lambda's 250 MiB for a layer: compressing it into a payload "
                 "that the first run expands into /tmp (as --compress does)",
                 in_mib(unzipped));
  }
  compress_bundle(plan, options.compress_level, options.jobs);
}

}  // namespace

BundlePlan pack(const PackOptions& given) {
  PackOptions options = given;
  options.resolve.keep_linker_answer = true;  // each linker asked once, for every step
  options.resolve.imports = true;             // each library parsed once, for every step
  // The destination is checked and its temporary made first, so an unwritable output fails
  // before any work, and nothing is left behind if a later step fails.
  auto writer = open_output(options.output, options.force, options.format, options.level, options.jobs);

  // (1) load: find each program and read its ELF facts; a script's interpreter is a program.
  std::vector<Script> scripts;
  const std::vector<Program> programs = load_programs(options.programs, options.resolve.sysroot, &scripts);
  for (const auto& script : scripts) {
    std::string argv;
    for (const auto& a : script.arguments) argv += (argv.empty() ? "" : " ") + a;
    spdlog::debug("{}: a script run by {}: {} ARGS...", script.name, script.interpreter, argv);
  }
  // A dynamic program runs through a launcher of its architecture: one elfpack lacks is said now,
  // before any library is looked for.
  for (const auto& p : programs) {
    if (p.elf.is_static_executable()) continue;
    try {
      launcher_template(p.elf.ident.machine);
    } catch (const Error& e) {
      throw Error(p.path + ": " + e.what());
    }
  }

  // (2) resolve: the shared-object closure of each, as the target's dynamic linker would load it.
  Diagnostics diagnostics;
  std::vector<std::string> warnings;
  const std::vector<Closure> closures = resolve_programs(programs, options.resolve, diagnostics, warnings, options.allow_missing);
  report_missing(diagnostics, warnings);
  for (std::size_t i = 0; i < programs.size(); ++i) {
    if (programs[i].elf.is_static_executable()) {
      spdlog::debug("{}: static executable, copied as is", programs[i].path);
      continue;
    }
    for (const auto& object : closures[i].objects) {
      spdlog::debug("{}: {} ({})", programs[i].name, object.path, to_string(object.found_by));
    }
  }

  // (3) collect: runtime files the programs read by absolute path (their packages' data).
  CollectOptions collect;
  collect.detect = options.detect;
  collect.include_docs = options.include_docs;
  collect.sysroot = options.resolve.sysroot;
  collect.add = options.add;
  collect.trace_logs = options.trace_logs;
  if (!options.trace_command.empty()) {
    spdlog::info("tracing: {}", options.trace_command.front());
    TraceResult traced = trace_command(options.trace_command);
    for (const auto& left : traced.left_running) {
      spdlog::warn("the traced command left process {} ({}) running: stopped it; what it opened until the command "
                   "ended is in the bundle",
                   left.pid, left.executable);
    }
    if (traced.exit_status != 0) {
      spdlog::warn("the traced command exited with status {}: what it did not reach is not in the bundle",
                   traced.exit_status);
    }
    collect.traced = std::move(traced.paths);
    if (char* cwd = ::getcwd(nullptr, 0)) {
      collect.traced_cwd = cwd;
      std::free(cwd);
    }
  }
  collect.closures = &closures;
  collect.scripts = &scripts;
  collect.add_packages = options.add_packages;
  collect.exclude_packages = options.exclude_packages;
  RuntimeFiles runtime = collect_runtime_files(programs, collect);

  // (3b) libraries loaded at run time and helpers, each with its closure; optional ones whose
  // closure is incomplete are left out, and the paths served from the bundle follow.
  const auto resolve_extra = [&] {
    const std::size_t found = runtime.libraries.size() + runtime.helpers.size();
    RuntimeObjects objects =
        resolve_runtime_objects(programs, runtime, options.resolve, diagnostics, warnings, options.allow_missing);
    if (runtime.libraries.size() + runtime.helpers.size() != found) set_prefixes(runtime, options.resolve.sysroot);
    report_missing(diagnostics, warnings);
    return objects;
  };
  RuntimeObjects extra = resolve_extra();
  // The libraries of the helpers are the bundle's as much as the programs': their packages
  // bring their plugins and data too (the browser or office suite a shell front end runs loads
  // its libraries' plugins). When they load libraries the programs do not, collect again with
  // their closures' libraries among the programs'.
  std::vector<Closure> helper_closures;
  if (options.detect && loads_more(closures, extra.helper_closures)) {
    helper_closures = extra.helper_closures;
    collect.helper_closures = &helper_closures;
    runtime = collect_runtime_files(programs, collect);
    extra = resolve_extra();
  }
  for (const auto& note : runtime.notes) spdlog::debug("{}", note);
  if (options.detect) {
    std::vector<const Closure*> loaded;
    for (const auto* list : {&extra.libraries, &extra.helper_closures}) {
      for (const auto& c : *list) loaded.push_back(&c);
    }
    attribute_packages(loaded, runtime, options.resolve.sysroot);
  }
  // (3c) what the libraries of all of them assume of the machine: locale, time zones, CA store,
  // fonts, configuration their packages wrote at install.
  std::vector<const Closure*> all;
  for (const auto* list : std::initializer_list<const std::vector<Closure>*>{&closures, &extra.libraries, &extra.helper_closures}) {
    for (const auto& c : *list) all.push_back(&c);
  }
  const std::size_t noted = runtime.notes.size();
  add_environment(all, collect, runtime);
  for (std::size_t i = noted; i < runtime.notes.size(); ++i) spdlog::debug("{}", runtime.notes[i]);
  for (const auto& p : runtime.prefixes) spdlog::debug("served from the bundle: {}", p);

  // (4) plan: every file's place in the bundle, the content id, the launchers.
  // The linkers' default directories, to close them to the host (--allow-host-libs: open).
  ClosedWorld closed;
  if (!options.allow_host_libs) {
    auto learn = [&](const std::vector<Program>& ps) {
      for (const auto& p : ps) {
        if (!p.elf.interp || closed.linker_dirs.contains(*p.elf.interp) || is_musl_linker(*p.elf.interp)) continue;
        closed.linker_dirs[*p.elf.interp] = loader_profile_for(p.elf.ident, *p.elf.interp, options.resolve).default_dirs;
      }
    };
    learn(programs);
    learn(extra.helpers);
  }
  BundlePlan plan = plan_bundle(programs, closures, runtime, extra, options.allow_host_libs ? nullptr : &closed, scripts);
  for (const auto& w : plan.warnings) spdlog::warn("{}", w);
  if (spdlog::should_log(spdlog::level::debug)) {
    for (const auto& e : plan.entries) {
      if (e.kind != BundleEntry::Kind::kDirectory && e.path.find("/root/") != std::string::npos) {
        spdlog::debug("{}: {}", e.path.substr(e.path.find("/root/") + 5), e.why);
      }
    }
  }

  // A Lambda function: a bootstrap at the top that runs the command for each event.
  if (!options.lambda_function.empty()) {
    add_lambda_function(plan, programs, scripts, options.lambda_function, options.json_response);
  }

  const bool layer = options.lambda || output_format_for(options.output, options.format) == OutputFormat::kZip;
  if (output_format_for(options.output, options.format) == OutputFormat::kExe) options.compress = true;  // one file: a payload
  compress_if_wanted(plan, options, layer);

  // A Lambda layer (a .zip, or --lambda): refused before anything is written if it could never
  // deploy; described after.
  std::optional<LambdaFacts> lambda;
  if (layer) {
    // Over the limit (with --no-compress, or still once compressed), before the layer is refused
    // (with the first error alone), what the programs run without goes: first the packages chosen
    // only through their libraries, the heaviest first, then what the libraries assume of the
    // machine, a kind at a time.
    std::vector<std::string> dropped, dropped_packages;
    std::optional<Error> refused;
    for (;;) {
      try {
        lambda = check_lambda_layer(plan, programs, !options.lambda_function.empty());
        break;
      } catch (const Error& e) {
        if (!refused) refused = e;
        if (auto package = drop_library_package(runtime, extra, options.resolve.sysroot)) {
          dropped_packages.push_back(*package);
        } else if (auto kind = drop_environment_kind(runtime)) {
          dropped.push_back(*kind);
        } else {
          throw *refused;
        }
        plan = plan_bundle(programs, closures, runtime, extra, options.allow_host_libs ? nullptr : &closed, scripts);
        if (!options.lambda_function.empty()) {
          add_lambda_function(plan, programs, scripts, options.lambda_function, options.json_response);
        }
        compress_if_wanted(plan, options, layer);
      }
    }
    for (const auto& package : dropped_packages) {
      spdlog::warn("left out {}, to stay within Lambda's size limit (--add-package brings it back)", package);
    }
    for (const auto& kind : dropped) {
      spdlog::warn("left out {} of what the programs' libraries assume, to stay within Lambda's size limit "
                   "(--add brings it back)", kind);
    }
  }
  warn_of_size(plan);  // after the check, which refuses a layer over the limit

  if (output_format_for(options.output, options.format) == OutputFormat::kZip) warn_of_names_unzip_changes(plan);

  if (plan.compressed) plan.compressed->default_program = base_name(options.programs.front());

  // (5, 6) stage and emit: write every entry into the output's temporary and rename it into place.
  write_bundle(plan, *writer, options.progress, options.jobs);
  if (lambda && options.output != "-") {
    struct stat st;
    std::optional<std::uintmax_t> zipped;
    if (output_format_for(options.output, options.format) != OutputFormat::kDirectory &&
        ::stat(options.output.c_str(), &st) == 0) {
      zipped = static_cast<std::uintmax_t>(st.st_size);
    }
    std::vector<std::string> lambda_warnings;
    const std::string line = describe_lambda_layer(*lambda, zipped, lambda_warnings);
    for (const auto& w : lambda_warnings) spdlog::warn("{}", w);
    plan.warnings.insert(plan.warnings.end(), lambda_warnings.begin(), lambda_warnings.end());  // --json's too
    spdlog::info("{}", line);
    plan.lambda = lambda;
  }
  return plan;
}

}  // namespace elfpack
