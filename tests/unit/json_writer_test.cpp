#include "elfpack/base/json_writer.h"

#include <gtest/gtest.h>

namespace elfpack {
namespace {

TEST(JsonWriter, NestedDocument) {
  JsonWriter json;
  json.begin_object().key("a").value("x").key("list").begin_array().value(int64_t{1}).value(true).null().end_array();
  json.key("empty").begin_object().end_object().end_object();
  EXPECT_EQ(json.str(), "{\n  \"a\": \"x\",\n  \"list\": [\n    1,\n    true,\n    null\n  ],\n  \"empty\": {}\n}\n");
}

TEST(JsonWriter, EscapesAndReplacesInvalidUtf8) {
  JsonWriter json;
  json.begin_array().value(std::string_view("q\"b\\n\nt\t\x01")).value("caf\xc3\xa9").value("bad\xff\xc3").end_array();
  EXPECT_EQ(json.str(), "[\n  \"q\\\"b\\\\n\\nt\\t\\u0001\",\n  \"caf\xc3\xa9\",\n  \"bad\xef\xbf\xbd\xef\xbf\xbd\"\n]\n");
}

}  // namespace
}  // namespace elfpack
