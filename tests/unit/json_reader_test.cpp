#include "elfpack/base/json_reader.h"

#include <gtest/gtest.h>

#include "elfpack/base/error.h"

namespace elfpack {
namespace {

using Keys = std::map<std::string, std::vector<std::string>>;

Keys deps(std::string_view text) { return json_object_keys(text, {"dependencies", "peerDependencies"}, "package.json"); }

TEST(JsonReader, TheNamesOfTheObjectsAskedFor) {
  EXPECT_EQ(deps(R"({"name": "js-yaml", "version": "4.1.0", "bin": {"js-yaml": "bin/js-yaml.js"},
                    "dependencies": {"argparse": "^2.0.1", "@scope/x": "1 - 2"},
                    "devDependencies": {"mocha": "*"}, "files": ["index.js", "lib/"], "private": false,
                    "n": -1.5e+3, "nested": {"dependencies": {"not": "top level"}}})"),
            (Keys{{"dependencies", {"argparse", "@scope/x"}}}));
  EXPECT_EQ(deps(" \r\n\t{}\n"), Keys{});
  EXPECT_EQ(deps(R"({"dependencies": {}})"), (Keys{{"dependencies", {}}}));
  // Not an object: no entry. A repeated member: the last, as JSON.parse keeps it.
  EXPECT_EQ(deps(R"({"dependencies": ["a"], "peerDependencies": null})"), Keys{});
  EXPECT_EQ(deps(R"({"dependencies": {"a": 1}, "dependencies": {"b": {"c": [true, null]}}})"),
            (Keys{{"dependencies", {"b"}}}));
  // A document that is not an object is valid JSON with nothing asked for in it.
  EXPECT_EQ(deps(R"([1, "two", {"dependencies": {"x": 1}}])"), Keys{});
  EXPECT_EQ(deps("0"), Keys{});
}

TEST(JsonReader, EscapesAreDecodedToUtf8) {
  EXPECT_EQ(deps(R"({"dependencies": {"a\"b\\c\/d\n": 1, "\u00e9\u20ac": 2, "\ud83d\ude00": 3, "\ud800x": 4}})"),
            (Keys{{"dependencies", {"a\"b\\c/d\n", "\xc3\xa9\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbdx"}}}));
}

TEST(JsonReader, WhatIsNotJsonIsAnErrorNamingTheFileAndTheOffset) {
  const auto message = [](std::string_view text) {
    try {
      deps(text);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(R"({"dependencies": {"a": 1,}})"),
            "package.json: not valid JSON at byte 25: expected a member name, found '}'");
  EXPECT_EQ(message("{\"a\": 01}"), "package.json: not valid JSON at byte 7: expected ',' or '}', found '1'");
  EXPECT_EQ(message("{\"a\": \"x\ty\"}"),
            "package.json: not valid JSON at byte 8: expected a character (control characters are escaped in JSON "
            "strings), found byte 9");
  EXPECT_EQ(message("{\"a\": tru}"), "package.json: not valid JSON at byte 6: expected a value, found 't'");
  EXPECT_EQ(message("{\"a\": 1} x"), "package.json: not valid JSON at byte 9: expected the end of the document, found 'x'");
  EXPECT_EQ(message("{\"a\": \"\\x\"}"),
            "package.json: not valid JSON at byte 8: expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), "
            "found 'x'");
  EXPECT_EQ(message("{\"a\": \"\\u12g4\"}"), "package.json: not valid JSON at byte 11: expected a hexadecimal digit, found 'g'");
  EXPECT_EQ(message("{\"a\": [1, 2"), "package.json: not valid JSON at byte 11: expected ',' or ']', found the end");
  EXPECT_EQ(message("{\"a\": \"open"), "package.json: not valid JSON at byte 11: expected '\"' to end the string, found the end");
  EXPECT_EQ(message(""), "package.json: not valid JSON at byte 0: expected a value, found the end");
  EXPECT_EQ(message("{\"a\": 1.}"), "package.json: not valid JSON at byte 8: expected a digit, found '}'");
  // Nesting deeper than kMaxJsonDepth is refused, not followed down the stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(message(deep).find("expected less nesting"), std::string::npos);
  EXPECT_EQ(message(std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']')), "no error");
}

}  // namespace
}  // namespace elfpack
