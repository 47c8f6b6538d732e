#include "elfpack/resolve/shebang.h"

#include <gtest/gtest.h>

#include "elfpack/base/error.h"

namespace elfpack {
namespace {

std::optional<Shebang> parse(const std::string& text) {
  return parse_shebang({reinterpret_cast<const unsigned char*>(text.data()), text.size()}, "/x/script");
}

// The message parse(text) throws, or "(no error)".
std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string env_error(const std::optional<std::string>& argument) {
  try {
    parse_env_arguments(argument, "/x/script");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<std::string> env_words(const std::string& argument) {
  const EnvCommand c = parse_env_arguments(argument, "/x/script");
  std::vector<std::string> words{c.program};
  words.insert(words.end(), c.arguments.begin(), c.arguments.end());
  return words;
}

TEST(Shebang, NotAScript) {
  EXPECT_FALSE(parse("\x7f" "ELF").has_value());
  EXPECT_FALSE(parse("#").has_value());
  EXPECT_FALSE(parse(" #!/bin/sh\n").has_value());
}

// Linux passes the rest of the line as one argument, trailing blanks removed, inner ones kept.
TEST(Shebang, InterpreterAndOneArgument) {
  auto s = parse("#!/usr/bin/perl -w\nprint 1;\n");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->interpreter, "/usr/bin/perl");
  EXPECT_EQ(s->argument, "-w");
  s = parse("#! \t/bin/sh  -e -x \t \nexit\n");
  EXPECT_EQ(s->interpreter, "/bin/sh");
  EXPECT_EQ(s->argument, "-e -x");
  s = parse("#!/bin/sh");  // no newline at all: the file's end ends the line
  EXPECT_EQ(s->interpreter, "/bin/sh");
  EXPECT_FALSE(s->argument.has_value());
  s = parse("#!/bin/sh   \n");
  EXPECT_FALSE(s->argument.has_value());
  s = parse(std::string("#!/bin/sh\0-x\n", 13));  // the kernel's string ends at a NUL
  EXPECT_EQ(s->interpreter, "/bin/sh");
  EXPECT_FALSE(s->argument.has_value());
}

TEST(Shebang, NoInterpreterIsAnError) {
  EXPECT_EQ(error_of("#!\n"), "/x/script: the #! line names no interpreter (Linux would not run it)");
  EXPECT_EQ(error_of("#!  \t\nexit 0\n"), "/x/script: the #! line names no interpreter (Linux would not run it)");
}

// BINPRM_BUF_SIZE: the line must end within the first 256 bytes of the file.
TEST(Shebang, LongLines) {
  const std::string fits = "#!/usr/bin/perl " + std::string(256 - 16 - 1, 'x') + "\n";
  ASSERT_EQ(fits.size(), 256u);
  EXPECT_EQ(parse(fits + "print 1;\n")->argument->size(), 239u);
  const std::string over = "#!/usr/bin/perl " + std::string(256 - 16, 'x') + "\nprint 1;\n";
  EXPECT_NE(error_of(over).find("/x/script: the #! line does not end within its first 256 bytes: Linux reads only that "
                                "much of a script (BINPRM_BUF_SIZE; 128 bytes before Linux 5.1)"),
            std::string::npos)
      << error_of(over);
  // A file of 256 bytes or less with no newline: its end ends the line.
  EXPECT_TRUE(parse("#!/bin/sh " + std::string(246, 'y')).has_value());
}

TEST(Shebang, CarriageReturns) {
  EXPECT_EQ(error_of("#!/usr/bin/python3\r\nprint(1)\r\n"),
            "/x/script: the #! line ends in a carriage return (CRLF line endings): Linux would look for an interpreter "
            "named \"/usr/bin/python3\\r\" and fail; convert the file to LF line endings (dos2unix, or sed -i 's/\\r$//')");
  // After an argument the interpreter is found and gets the \r, as Linux gives it (perl copes).
  const auto s = parse("#!/usr/bin/perl -w\r\n");
  EXPECT_EQ(s->argument, "-w\r");
  EXPECT_TRUE(s->carriage_return);
  EXPECT_NE(env_error("python3\r").find("/x/script: the #! line ends in a carriage return (CRLF line endings): env would "
                                        "be given \"python3\\r\" and fail"),
            std::string::npos);
}

TEST(Shebang, Env) {
  EXPECT_TRUE(is_env("/usr/bin/env"));
  EXPECT_TRUE(is_env("/bin/env"));
  EXPECT_FALSE(is_env("/usr/bin/envy"));
  EXPECT_EQ(env_words("python3"), (std::vector<std::string>{"python3"}));
  EXPECT_EQ(env_words("/opt/py/bin/python"), (std::vector<std::string>{"/opt/py/bin/python"}));
  EXPECT_EQ(env_error(std::nullopt), "/x/script: the #! line runs env with no program to run");
  EXPECT_EQ(env_error("python3 -u"),
            "/x/script: the #! line runs env with \"python3 -u\": Linux passes the rest of the #! line as one argument, "
            "so env would look for a program of that name; split it with env -S");
  EXPECT_NE(env_error("-i").find("with the option -i: only -S is understood"), std::string::npos);
  EXPECT_NE(env_error("-S -i python3").find("with the option -i: only -S"), std::string::npos);
  EXPECT_NE(env_error("-S LC_ALL=C perl").find("with an assignment (LC_ALL=C)"), std::string::npos);
}

// env -S splits as GNU env does.
TEST(Shebang, EnvSplitString) {
  using Words = std::vector<std::string>;
  EXPECT_EQ(env_words("-S python3 -u -X dev"), (Words{"python3", "-u", "-X", "dev"}));
  EXPECT_EQ(env_words("-Spython3"), (Words{"python3"}));
  EXPECT_EQ(env_words("--split-string=perl -w"), (Words{"perl", "-w"}));
  EXPECT_EQ(env_words("-S perl -e 'print \"a b\"' \"c d\" e\\_f"), (Words{"perl", "-e", "print \"a b\"", "c d", "e", "f"}));
  EXPECT_EQ(env_words("-S tool \"x\\_y\\tz\" '' # a comment"), (Words{"tool", "x y\tz", ""}));
  EXPECT_EQ(env_words("-S tool a\\cb c"), (Words{"tool", "a"}));
  EXPECT_EQ(env_words("-S tool a#b"), (Words{"tool", "a#b"}));
  EXPECT_NE(env_error("-S").find("-S with no program to run"), std::string::npos);
  EXPECT_NE(env_error("-S ${PY} -u").find("expands a variable"), std::string::npos);
  EXPECT_NE(env_error("-S tool 'open").find("has an unterminated '"), std::string::npos);
  EXPECT_NE(env_error("-S tool \\q").find("has the escape \\q"), std::string::npos);
  EXPECT_NE(env_error("-S tool a\\").find("ends in a backslash"), std::string::npos);
}

}  // namespace
}  // namespace elfpack
