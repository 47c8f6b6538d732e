#include "elfpack/resolve/scripts.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "elfpack/base/error.h"

namespace elfpack {
namespace {

namespace fs = std::filesystem;
using Words = std::vector<std::string>;

class Scripts : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("elfpack-scripts-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    if (const char* path = std::getenv("PATH")) saved_path_ = path;
    ::setenv("PATH", "/usr/bin:/bin", 1);  // env's look-up, as on a plain Debian machine
  }
  void TearDown() override {
    fs::remove_all(dir_);
    ::setenv("PATH", saved_path_.c_str(), 1);
  }

  std::string write(const std::string& name, const std::string& text, bool executable = true) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    fs::permissions(path, executable ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write);
    return path.string();
  }

  Script follow(const std::string& path) { return follow_script(fs::path(path).filename(), path, path, "/"); }

  std::string error_of(const std::string& path) {
    try {
      follow(path);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }

  fs::path dir_;
  std::string saved_path_;
};

TEST_F(Scripts, DirectInterpreterWithItsArgument) {
  const std::string tool = write("tool", "#!/usr/bin/perl -w\nprint 1;\n");
  const Script s = follow(tool);
  EXPECT_EQ(s.name, "tool");
  EXPECT_EQ(s.interpreter, "/usr/bin/perl");
  EXPECT_EQ(s.arguments, (Words{"/usr/bin/perl", "-w", tool}));
  ASSERT_EQ(s.chain.size(), 1u);
  EXPECT_EQ(s.self().path, tool);
  EXPECT_EQ(s.self().line, "/usr/bin/perl -w");
  EXPECT_TRUE(s.runs.empty());
}

// env is not bundled: the interpreter it would find in PATH is, and gets the argv env gives it.
TEST_F(Scripts, ThroughEnv) {
  const std::string app = write("app", "#!/usr/bin/env perl\n");
  Script s = follow(app);
  EXPECT_EQ(s.interpreter, "/usr/bin/perl");
  EXPECT_EQ(s.arguments, (Words{"perl", app}));
  const std::string split = write("split", "#!/usr/bin/env -S perl -w -l\n");
  s = follow(split);
  EXPECT_EQ(s.arguments, (Words{"perl", "-w", "-l", split}));
  const std::string by_path = write("by-path", "#!/usr/bin/env /usr/bin/perl\n");
  EXPECT_EQ(follow(by_path).arguments, (Words{"/usr/bin/perl", by_path}));
  EXPECT_EQ(error_of(write("none", "#!/usr/bin/env no-such-interpreter-here\n")),
            dir_.string() + "/none: interpreter no-such-interpreter-here: not found in PATH (/usr/bin:/bin) (from its #! "
            "line, through env)");
}

// A script whose interpreter is a script: Linux puts the inner interpreter's argv in place of
// argv[0]: perl -x inner argA outer.
TEST_F(Scripts, AnInterpreterThatIsAScript) {
  const std::string inner = write("inner", "#!/usr/bin/perl -x\n");
  const std::string outer = write("outer", "#!" + inner + " argA\n");
  const Script s = follow(outer);
  EXPECT_EQ(s.interpreter, "/usr/bin/perl");
  EXPECT_EQ(s.arguments, (Words{"/usr/bin/perl", "-x", inner, "argA", outer}));
  ASSERT_EQ(s.chain.size(), 2u);
  EXPECT_EQ(s.chain[1].path, inner);
  // Through env too: env's NAME is replaced by the path it found.
  const std::string via_env = write("via-env", "#!/usr/bin/env -S " + inner + " -q\n");
  EXPECT_EQ(follow(via_env).arguments, (Words{"/usr/bin/perl", "-x", inner, "-q", via_env}));
  // Four scripts before the ELF interpreter at most, as Linux allows.
  std::string previous = inner;
  for (int i = 2; i <= 4; ++i) previous = write("level" + std::to_string(i), "#!" + previous + "\n");
  EXPECT_EQ(follow(previous).chain.size(), 4u);
  const std::string deep = write("deep", "#!" + previous + "\n");
  EXPECT_NE(error_of(deep).find("/deep: its #! chain holds more than 4 scripts before an ELF interpreter"),
            std::string::npos)
      << error_of(deep);
  const std::string loop = dir_.string() + "/loop";
  write("loop", "#!" + loop + "\n");
  EXPECT_NE(error_of(loop).find("Linux would refuse it (ELOOP)"), std::string::npos);
}

TEST_F(Scripts, InterpreterErrors) {
  EXPECT_EQ(error_of(write("missing", "#!/usr/bin/no-such-interpreter -w\n")),
            dir_.string() + "/missing: interpreter /usr/bin/no-such-interpreter not found (from its #! line)");
  EXPECT_NE(error_of(write("relative", "#!perl\n")).find("/relative: the #! line names the interpreter perl by a "
                                                          "relative path"),
            std::string::npos);
  const std::string data = write("data", "not a program\n", false);
  EXPECT_EQ(error_of(write("data-interp", "#!" + data + "\n")),
            dir_.string() + "/data-interp: interpreter " + data + " (from its #! line) is not an executable file");
  EXPECT_NE(error_of(write("crlf", "#!/bin/sh\r\necho\r\n")).find("/crlf: the #! line ends in a carriage return"),
            std::string::npos);
}

// A shell front end: the existing ELF programs it names by absolute path, nothing else.
TEST_F(Scripts, ShellFrontEndsNameTheProgramsTheyRun) {
  const std::string front = write("front", "#!/bin/sh\n"
                                           "# /usr/bin/false is only mentioned here\n"
                                           "test -x /usr/bin/true || exit 1\n"
                                           "LIB=/usr/lib\n"
                                           "\"/usr/bin/perl\" -e 1 </etc/hostname\n"
                                           "exec \"$LIB/no/such\" /usr/bin/no-such \"$@\"\n");
  const Script s = follow(front);
  EXPECT_EQ(s.interpreter, "/bin/sh");
  EXPECT_EQ(s.runs, (Words{"/usr/bin/true", "/usr/bin/perl"}));
  // Not a shell: its text is not read.
  EXPECT_TRUE(follow(write("perl-tool", "#!/usr/bin/perl\nsystem('/usr/bin/true');\n")).runs.empty());
}

// The commands a shell front end runs by name: each that PATH finds as an ELF program here,
// at the path found; never a builtin, a function or a case pattern (setarch's x86_64 is a program).
TEST_F(Scripts, ShellFrontEndsRunCommandsByName) {
  const std::string front = write("front", "#!/bin/sh\n"
                                           "usage() { echo usage; }\n"
                                           "case `uname -m` in\n"
                                           "  x86_64|i386) here=$(dirname \"$0\") ;;\n"
                                           "esac\n"
                                           "test -n \"$here\" && exec /usr/bin/true\n");
  const Script s = follow(front);
  EXPECT_EQ(s.runs, (Words{"/usr/bin/true"}));
  EXPECT_EQ(s.runs_by_name, (Words{"/usr/bin/uname", "/usr/bin/dirname"}));
}

// A front end that sources its configuration: a file by absolute path, and each file of a
// directory through a for loop's pattern (as Debian's browser front ends read /etc/<name>.d/*);
// those files are served with it, and what they run is read as the front end's own.
TEST_F(Scripts, ShellFrontEndsBringWhatTheySourceAndWhatThatRuns) {
  fs::create_directories(dir_ / "conf.d");
  write("conf.d/b-flags", "FLAGS=\"$FLAGS --b\"\nexport FLAGS\n", false);
  write("conf.d/a-uname", "ARCH=$(uname -m)\n", false);
  write("conf.d/.hidden", "exec /usr/bin/false\n", false);
  write("common", ". " + (dir_ / "nested").string() + "\n", false);
  write("nested", "test -x /usr/bin/true\n", false);
  const std::string front = write("front", "#!/bin/sh\n"
                                           ". " + (dir_ / "common").string() + "\n"
                                           "for file in " + (dir_ / "conf.d").string() + "/*; do\n"
                                           "  test $file = README || . \"$file\"\n"
                                           "done\n"
                                           "exec /usr/bin/env \"$@\"\n");
  const Script s = follow(front);
  Words sourced;
  for (const auto& f : s.sourced) sourced.push_back(fs::path(f.path).lexically_relative(dir_).string());
  EXPECT_EQ(sourced, (Words{"common", "conf.d/a-uname", "conf.d/b-flags", "nested"}));
  EXPECT_EQ(s.runs, (Words{"/usr/bin/env", "/usr/bin/true"}));
  EXPECT_EQ(s.runs_by_name, (Words{"/usr/bin/uname"}));
}

TEST(SourcedWords, DotAndSourceInACommandsPlaceAndLoopPatterns) {
  EXPECT_EQ(sourced_words(". /a\nx && source '/b c' 2>/dev/null\nif true; then . /d; fi\n"), (Words{"/a", "/b c", "/d"}));
  // Not sourced: an argument of another command, an expansion, a relative path, a comment.
  EXPECT_EQ(sourced_words("echo . /a\n. $HOME/b\n. ./c\n. /d/*\n# . /e\nexpr $f : .*\\.dpkg\n"), Words{});
  // A loop's absolute words, patterns too, when its variable is what is sourced.
  EXPECT_EQ(sourced_words("for f in /x.d/* /y '/z*' rel $V; do . \"${f}\"; done\nfor g in /w; do echo $g; done\n"),
            (Words{"/x.d/*", "/y"}));
}

TEST(CommandWords, WordsInACommandsPlace) {
  EXPECT_EQ(command_words("a b c; d | e && f\n(g) `h i` \"$(j k)\"\nx=1 y=$(l) m\n"),
            (Words{"a", "d", "e", "f", "g", "h", "j", "l", "m"}));
  // Builtins, reserved words, options, redirections' files, quoted or expanded words: none.
  EXPECT_EQ(command_words("if test -x a; then echo b >c; fi\nwhile read x; do \"q\" $v; done\nexec p 2>/dev/null q\n"),
            (Words{"p"}));
  // for and case: the list and the patterns are not commands; a case's commands are.
  EXPECT_EQ(command_words("for f in a b; do c $f; done\ncase $x in\n  d|e) f ;;\n  g) h ;;\nesac\ni # j\nk \\\n l\n"),
            (Words{"c", "f", "h", "i", "k"}));
}

TEST(AbsoluteWords, QuotesJoinExpansionsAndCommentsAreLeftOut) {
  EXPECT_EQ(absolute_words("exec /a/b \"$@\"\n'/c d'/e;/f|/g&&(/h)\n"), (Words{"/a/b", "/c d/e", "/f", "/g", "/h"}));
  EXPECT_EQ(absolute_words("$0/x ${A}/y `/z` /w* ~/v /u/$X \"/t$Y\" #/s\nx=/r /q#p"), (Words{"/q#p"}));
  EXPECT_EQ(absolute_words("/a /a \\/b /c\\ d"), (Words{"/a"}));
  EXPECT_TRUE(is_shell("/bin/sh"));
  EXPECT_TRUE(is_shell("/usr/bin/bash"));
  EXPECT_FALSE(is_shell("/usr/bin/perl"));
}

}  // namespace
}  // namespace elfpack
