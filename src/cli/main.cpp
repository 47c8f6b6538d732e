// elfpack's command line: parse options, set up logging, call the library, map errors to exit
// codes. Everything else lives in the library.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/manual.h"
#include "elfpack/bundle.h"
#include "elfpack/base/error.h"
#include "elfpack/inspect.h"
#include "elfpack/base/interrupt.h"
#include "elfpack/write/manifest.h"
#include "elfpack/write/output.h"
#include "elfpack/write/payload.h"
#include "elfpack/verify/verify.h"

namespace {

constexpr const char* kDescription =
    "elfpack: bundle Linux programs with their shared libraries and dynamic linker into a\n"
    "relocatable bundle that runs on any Linux of the same architecture.";

constexpr const char* kFooter = R"(Examples:
  elfpack rig -o rig.zip           a layer for AWS Lambda: unzip it at /opt, run /opt/bin/rig
  elfpack /usr/bin/jq curl -o out/ two programs in one bundle directory, sharing libraries
  elfpack inspect --flat rig       what the loader would load for rig, and why (a safe ldd)
  elfpack --sysroot /srv/bookworm /usr/bin/rig -o rig.zip
                                   bundle a program of another root, with that root's libraries

No program is run to find the libraries: each closure is resolved from the ELF headers with the
rules of the program's own dynamic linker (glibc or musl), which is asked only for its built-in
parameters (ld.so --list-diagnostics).

Exit status:
  0    success
  1    error (missing program or library, bad input, output not writable, disk full): one line
       naming the file and the problem; nothing written; for inspect: some library was not
       found; for verify: a check failed
  2    usage error
  129, 130, 143
       ended by SIGHUP, SIGINT or SIGTERM (128 + the signal): temporaries removed, the previous
       output untouched)";

// Prints "warning: " / "error: " before a message; nothing for plain information.
class LevelPrefix : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string_view prefix;
    switch (msg.level) {
      case spdlog::level::warn: prefix = "warning: "; break;
      case spdlog::level::err:
      case spdlog::level::critical: prefix = "error: "; break;
      default: break;
    }
    dest.append(prefix.data(), prefix.data() + prefix.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<LevelPrefix>(); }
};

// Colour only on a terminal (spdlog's automatic mode) and never with NO_COLOR set (no-color.org).
bool no_color() {
  const char* value = std::getenv("NO_COLOR");
  return value != nullptr && *value != '\0';
}

void set_up_logging(int verbose, bool quiet) {
  auto logger = spdlog::stderr_color_st("elfpack", no_color() ? spdlog::color_mode::never : spdlog::color_mode::automatic);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelPrefix>('*').set_pattern("elfpack: %^%*%$%v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(quiet ? spdlog::level::err : verbose > 0 ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

std::string human_size(std::uintmax_t bytes) {
  char text[32];
  if (bytes >= 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  } else {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  }
  return text;
}

// A progress line for the copy and compression, drawn on a terminal only: not on a pipe or a
// file, not in CI (CI set), not on a dumb terminal, not with -q. Redrawn at most ten times a
// second and erased at the end, so the messages after it start on a clean line.
class ProgressBar {
 public:
  explicit ProgressBar(std::string output) : output_(std::move(output)) {}

  static bool wanted(bool quiet) {
    const char* ci = std::getenv("CI");
    const char* term = std::getenv("TERM");
    return !quiet && ::isatty(STDERR_FILENO) && (ci == nullptr || *ci == '\0') &&
           !(term != nullptr && std::string(term) == "dumb");
  }

  void operator()(std::uintmax_t done, std::uintmax_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done >= total) {
      if (drawn_) std::fputs("\r\033[K", stderr);
      return;
    }
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r\033[Kelfpack: writing %s [%s] %3d%% %s of %s", output_.c_str(), bar.c_str(),
                 static_cast<int>(done * 100 / total), human_size(done).c_str(), human_size(total).c_str());
    std::fflush(stderr);
  }

 private:
  std::string output_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};


// Options of the search itself, shared by bundling and inspect.
struct SearchFlags {
  std::string library_path;
  bool use_env = false;
  std::string sysroot;
};

void add_search_options(CLI::App& app, SearchFlags& flags) {
  auto* path = app.add_option("--library-path", flags.library_path,
                              "Search DIRS (':' or ';' separated) as the loader searches LD_LIBRARY_PATH");
  path->type_name("DIRS");
  app.add_flag("--use-env", flags.use_env, "Search $LD_LIBRARY_PATH as set in this environment")->excludes(path);
  app.add_option("--sysroot", flags.sysroot,
                 "Resolve inside another root (a debootstrap'd tree, an exported container, a cross compiler's "
                 "sysroot): linker, cache, libraries and package data are read from DIR. PROGRAM: a relative path "
                 "(./app, build/app) is this machine's file; a bare name is looked up on the root's PATH; an "
                 "absolute path, or =/path, is inside the root")
      ->check(CLI::Validator(CLI::ExistingDirectory).description(""))
      ->type_name("DIR");
}

void apply_search_flags(const SearchFlags& flags, elfpack::ResolveOptions& options) {
  if (!flags.sysroot.empty()) options.sysroot = std::filesystem::canonical(flags.sysroot).string();
  if (!flags.library_path.empty()) options.library_path = flags.library_path;
  if (flags.use_env) {
    if (const char* env = std::getenv("LD_LIBRARY_PATH")) options.library_path = env;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // "--trace -- COMMAND ARGS...": everything after the "--" is the command, not programs to
  // bundle; taken out before the rest is parsed.
  std::vector<std::string> trace_command;
  std::vector<char*> args(argv, argv + argc);
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (std::string(args[i]) != "--trace") continue;
    if (i + 2 > args.size() || std::string(args[i + 1]) != "--" || i + 2 == args.size()) {
      std::fprintf(stderr, "elfpack: error: --trace needs '-- COMMAND [ARGS...]' last on the line\n"
                           "Run 'elfpack --help' for usage.\n");
      return elfpack::kExitUsage;
    }
    trace_command.assign(args.begin() + static_cast<long>(i) + 2, args.end());
    args.resize(i);
    break;
  }
  argc = static_cast<int>(args.size());
  argv = args.data();

  CLI::App app{kDescription, "elfpack"};
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("elfpack ") + ELFPACK_VERSION);
  elfpack::PackOptions options;
  options.trace_command = trace_command;
  int verbose = 0;
  bool quiet = false;
  app.add_option("programs", options.programs, "Programs to bundle: paths, or names looked up in PATH; a #! script comes with its interpreter");
  app.add_option("-o,--output", options.output,
                 "Where to write the bundle: NAME.zip (a Lambda layer), NAME.tar, .tar.gz, .tar.xz, .tar.zst, a "
                 "directory (ends in / or exists), or - for standard output (with --format)");
  std::string format_list;
  for (const auto& f : elfpack::output_format_names()) format_list += (format_list.empty() ? "" : ", ") + f;
  app.add_option("--format", options.format, "The output format, whatever the name: " + format_list + " (sh: the installer; exe: one executable, a compressed bundle)")
      ->check(CLI::IsMember(elfpack::output_format_names()).description(""))
      ->type_name("FORMAT");
  app.add_option("--lambda-function", options.lambda_function,
                 "Make a Lambda function for provided.al2023/al2 with no runtime: a bootstrap at the top runs "
                 "'PROGRAM ARGS' (a bundled program; words split on spaces) for each event, event on stdin, "
                 "stdout as the response")
      ->type_name("'PROGRAM ARGS'");
  app.add_flag("--json-response", options.json_response,
               "With --lambda-function: post the output as one JSON string (for callers that need JSON, "
               "e.g. Step Functions) instead of as is")
      ->needs("--lambda-function");
  app.add_flag("--lambda", options.lambda,
               "Check the bundle against AWS Lambda's layer rules and describe it (always for a .zip)");
  app.add_option("-j,--jobs", options.jobs,
                 "Threads that read, hash and compress (default: one per CPU); the output is the same for any number")
      ->check(CLI::Range(1, 1024))
      ->type_name("N");
  app.add_option("--level", options.level, "Compression level of zip, gzip, xz (0-9) or zstd (1-19)")
      ->check(CLI::Range(0, 19))
      ->type_name("N");
  app.add_flag("--compress", options.compress,
               "Put the bundle's files in one zstd payload that a program's first run expands into "
               "/tmp/elfpack-<digest>-<arch> (checked, then reused); automatic for a layer past Lambda's 250 MiB unzipped");
  app.add_flag("--no-compress", options.never_compress,
               "Never compress: a layer past 250 MiB leaves out what its libraries assume of the machine "
               "(fonts, time zones, the locale, the CA store), then is refused")
      ->excludes("--compress");
  app.add_option("--compress-level", options.compress_level, "zstd level of the payload (1-19, default " + std::to_string(elfpack::kPayloadDefaultLevel) + ")")
      ->check(CLI::Range(1, 19))
      ->type_name("N");
  app.add_flag("--allow-missing", options.allow_missing,
               "Bundle even if some libraries are not found (each is reported as a warning)");
  app.add_flag("--force", options.force, "Replace an output directory that holds an earlier bundle");
  app.add_option("--add", options.add,
                 "Bring a data file or directory; the program finds it at its path, or at DEST "
                 "(SRC=DEST, absolute)")
      ->type_name("SRC[=DEST]");
  bool trace_in_help = false;  // "--trace -- ..." is taken out before parsing; this documents it
  app.add_flag("--trace", trace_in_help,
               "-- COMMAND ARGS... (last): run COMMAND once under ptrace and bring what it opened: data files, "
               "and libraries it loaded with dlopen");
  app.add_option("--trace-log", options.trace_logs,
                 "Bring what a traced run opened: a log of 'strace -f -e trace=file -o LOG PROGRAM ...' "
                 "(- reads standard input); data files, and libraries it loaded with dlopen")
      ->type_name("LOG");
  app.add_flag("--allow-host-libs", options.allow_host_libs,
               "Let bundled programs load libraries the bundle lacks from the machine they run on (e.g. GPU "
               "drivers). Without it a bundle is closed: its linker's default directories, /etc/ld.so.preload "
               "and absolute run paths point nowhere");
  app.add_flag("--include-docs", options.include_docs,
               "Bring the packages' documentation, manual pages and translations too");
  app.add_flag("!--no-detect", options.detect,
               "Do not bring the files of the programs' packages (by default: the packages of the programs "
               "and of their libraries, the data-only packages they depend on and the program's source "
               "family, without documentation; their programs as helpers and shared objects as plugins)");
  app.add_option("--exclude-package", options.exclude_packages,
                 "Bring none of package P's files, helpers or plugins, and do not follow its dependencies "
                 "(repeatable)")
      ->type_name("P");
  app.add_option("--add-package", options.add_packages,
                 "Bring package P's data, helpers and plugins as if the rule had chosen it (repeatable)")
      ->type_name("P");
  SearchFlags pack_search, inspect_search;
  add_search_options(app, pack_search);
  bool json = false;
  app.add_flag("--json", json,
               "Print the bundle's manifest on stdout as one JSON document (every file, its source, size "
               "and why it is there; schema: docs/manifest-json.md); needs -o FILE or DIR");
  app.add_flag("-v,--verbose", verbose, "Say what is bundled and why");
  app.add_flag("-q,--quiet", quiet, "Print errors only");

  elfpack::InspectOptions inspect_options;
  CLI::App* inspect = app.add_subcommand(
      "inspect", "Show what the dynamic linker would load for each program, and which rule found it (a safe ldd)");
  inspect->add_option("programs", inspect_options.programs, "Programs: paths, or names looked up in PATH; for a #! script, its chain and its interpreter's");
  inspect->add_option("--bundle", inspect_options.bundle,
                      "Check an unpacked bundle instead: list every path outside it that its programs and "
                      "libraries would still search (exit 1 if any)")
      ->type_name("DIR");
  inspect->add_flag("--flat", inspect_options.flat, "One line per object in load order instead of a tree");
  inspect->add_flag("--json", inspect_options.json, "One JSON document on stdout (schema: docs/inspect-json.md)");
  add_search_options(*inspect, inspect_search);
  inspect->add_flag("!--no-detect", inspect_options.detect,
                    "Do not show the packages, helpers and plugins a bundle would bring");
  inspect->add_option("--exclude-package", inspect_options.exclude_packages, "As when bundling")->type_name("P");
  inspect->add_option("--add-package", inspect_options.add_packages, "As when bundling")->type_name("P");

  std::string verify_bundle_path;
  std::vector<std::string> verify_command;
  CLI::App* verify = app.add_subcommand(
      "verify", "Unpack a bundle into an empty root set up as Lambda runs code (/var/task, read-only but /tmp, "
                "an unprivileged user) and check that its programs load only from the bundle and start "
                "(verify BUNDLE [-- COMMAND ARGS...])");
  bool verify_allow_host_libs = false;
  verify->add_flag("--allow-host-libs", verify_allow_host_libs,
                   "Accept a bundle made with --allow-host-libs: searches outside it are noted, not failed");
  verify->add_option("bundle", verify_bundle_path, "A bundle: directory, .zip or tarball")->required();
  verify->add_option("command", verify_command, "After --: a command to run in the empty root instead of "
                                                "each program with --version");
  verify->fallthrough();
  inspect->fallthrough();  // -v, -q given after "inspect" too
  app.require_subcommand(0, 1);
  // The manual page and completions, made from this definition at build time (hidden: no group).
  bool print_man_page = false;
  std::string print_completion;
  app.add_flag("--print-man-page", print_man_page)->group("");
  app.add_option("--print-completion", print_completion)->group("");

  try {
    app.parse(argc, argv);
    if (print_man_page || !print_completion.empty()) {
      try {
        std::fputs(print_man_page ? elfpack::cli::manual_page(app, ELFPACK_VERSION).c_str()
                                  : elfpack::cli::completion_script(app, print_completion,
                                                                    {{"--format", elfpack::output_format_names()}})
                                        .c_str(),
                   stdout);
      } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError("--print-completion", e.what());
      }
      return elfpack::kExitOk;
    }
    const bool subcommand = inspect->parsed() || verify->parsed();
    if (!subcommand && options.programs.empty()) throw CLI::RequiredError("PROGRAM");
    if (inspect->parsed() && inspect_options.programs.empty() == inspect_options.bundle.empty()) {
      throw CLI::ValidationError("inspect", "give programs or --bundle DIR");
    }
    // No -o: a self-extracting installer on standard output, when that is not a terminal
    // (`elfpack rig | ssh host sh`).
    if (!subcommand && options.output.empty()) {
      if (::isatty(STDOUT_FILENO) || json) throw CLI::RequiredError("-o,--output");
      options.output = "-";
    }
    if (!subcommand && json && options.output == "-") {
      throw CLI::ValidationError("--json", "standard output carries the manifest: write the bundle with -o FILE or DIR");
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "elfpack: error: %s\nRun 'elfpack --help' for usage.\n", e.what());
    return elfpack::kExitUsage;
  }

  if (!inspect->parsed()) elfpack::install_interrupt_handler();  // bundling and verify write
  if (!inspect->parsed() && !verify->parsed() && ProgressBar::wanted(quiet)) {
    options.progress = ProgressBar(options.output == "-" ? "standard output" : options.output);
  }
  apply_search_flags(pack_search, options.resolve);
  apply_search_flags(inspect_search, inspect_options.resolve);
  set_up_logging(verbose, quiet);
  try {
    if (verify->parsed()) {
      const elfpack::VerifyReport report = elfpack::verify_bundle(verify_bundle_path, verify_command, verify_allow_host_libs);
      std::fputs(report.text.c_str(), stdout);
      return report.passed ? elfpack::kExitOk : elfpack::kExitError;
    }
    if (inspect->parsed()) {
      const elfpack::InspectReport report = inspect_options.bundle.empty()
                                                ? elfpack::inspect(inspect_options)
                                                : elfpack::inspect_bundle(inspect_options.bundle);
      std::fputs(report.text.c_str(), stdout);
      return report.missing == 0 ? elfpack::kExitOk : elfpack::kExitError;
    }
    const elfpack::BundlePlan plan = elfpack::pack(options);
    std::size_t files = 0;
    std::uintmax_t bytes = 0;
    for (const auto& e : plan.entries) {
      if (e.kind == elfpack::BundleEntry::Kind::kFile) bytes += e.size;
      if (e.kind == elfpack::BundleEntry::Kind::kBytes) bytes += e.bytes.size();
      files += e.kind != elfpack::BundleEntry::Kind::kDirectory;
    }
    std::string by_package;
    const auto sizes = elfpack::package_sizes(plan);
    for (std::size_t i = 0; i < sizes.size() && i < 5; ++i) {
      by_package += (i == 0 ? "; largest packages: " : ", ") + sizes[i].name + " " + human_size(sizes[i].bytes);
    }
    const std::string once =
        plan.stored_once_bytes == 0 ? "" : ", " + human_size(plan.stored_once_bytes) + " of identical files stored once";
    spdlog::info("wrote {} ({} files, {} unpacked{}, bundle id {}){}", options.output, files, human_size(bytes), once,
                 plan.id, by_package);
    if (plan.compressed) {
      spdlog::info("payload {} ({} files, {} expanded): the first run expands it into {}, which needs {} of /tmp "
                   "(Lambda's is 512 MB unless the function asks for more, up to 10 GB)",
                   human_size(plan.compressed->payload_bytes),
                   std::count_if(plan.compressed->entries.begin(), plan.compressed->entries.end(),
                                 [](const elfpack::BundleEntry& e) { return e.kind != elfpack::BundleEntry::Kind::kDirectory; }),
                   human_size(plan.compressed->expanded_bytes), plan.compressed->trees.front(),
                   human_size(plan.compressed->tmp_bytes));
    }
    if (json) {
      const auto format = elfpack::output_format_for(options.output, options.format);
      std::optional<std::uintmax_t> written;
      struct stat st;
      if (format != elfpack::OutputFormat::kDirectory && ::stat(options.output.c_str(), &st) == 0) {
        written = static_cast<std::uintmax_t>(st.st_size);
      }
      std::fputs(elfpack::manifest_json(plan, options.output, elfpack::output_format_name(format), written).c_str(), stdout);
    }
    return elfpack::kExitOk;
  } catch (const elfpack::Error& e) {
    spdlog::error("{}", e.what());
    return elfpack::kExitError;
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return elfpack::kExitError;
  }
}
