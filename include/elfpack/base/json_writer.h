// A minimal streaming JSON writer for elfpack's machine-readable output. Strings are written as
// UTF-8; a byte sequence that is not valid UTF-8 (file names can hold any bytes) becomes U+FFFD,
// so the document is always valid JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace elfpack {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(bool flag);
  JsonWriter& null();

  // The document so far, with two-space indentation and a final newline once complete.
  const std::string& str() const { return out_; }

 private:
  void before_value();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  void newline();
  void write_string(std::string_view text);

  std::string out_;
  std::vector<bool> has_items_;  // per open container: whether it has an item yet
  bool after_key_ = false;
};

}  // namespace elfpack
