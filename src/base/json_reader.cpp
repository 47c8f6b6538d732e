// A recursive-descent reader of RFC 8259 JSON that keeps only what json_object_keys returns.
#include "elfpack/base/json_reader.h"

#include <cstdint>

#include "elfpack/base/error.h"

namespace elfpack {

namespace {

class Reader {
 public:
  Reader(std::string_view text, const std::string& where) : s_(text), where_(where) {}

  std::map<std::string, std::vector<std::string>> read(const std::set<std::string>& members) {
    std::map<std::string, std::vector<std::string>> found;
    space();
    if (peek() == '{') {
      object(1, [&](const std::string& name) {
        if (members.contains(name) && peek() == '{') {
          std::vector<std::string>& keys = found[name];
          keys.clear();  // a repeated member: the last one counts, as JavaScript's JSON.parse takes it
          object(2, [&](const std::string& key) {
            keys.push_back(key);
            value(3);
          });
        } else {
          value(2);
        }
      });
    } else {
      value(1);
    }
    space();
    if (i_ != s_.size()) fail("the end of the document");
    return found;
  }

 private:
  [[noreturn]] void fail(const char* expected) const {
    std::string got = i_ < s_.size() ? "'" + std::string(1, s_[i_]) + "'" : std::string("the end");
    if (i_ < s_.size() && (static_cast<unsigned char>(s_[i_]) < 0x20 || static_cast<unsigned char>(s_[i_]) >= 0x7f)) {
      got = "byte " + std::to_string(static_cast<unsigned char>(s_[i_]));
    }
    throw Error(where_ + ": not valid JSON at byte " + std::to_string(i_) + ": expected " + expected + ", found " + got);
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c, const char* what) {
    if (peek() != c) fail(what);  // peek() is '\0' at the end, which no caller expects
    ++i_;
  }

  // An object's members: `member` is called with each name, the reader on its value (which it
  // must read).
  template <typename Member>
  void object(int depth, Member&& member) {
    if (depth > kMaxJsonDepth) fail("less nesting");
    expect('{', "'{'");
    space();
    if (peek() == '}') {
      ++i_;
      return;
    }
    for (;;) {
      space();
      if (peek() != '"') fail("a member name");
      const std::string name = string();
      space();
      expect(':', "':'");
      space();
      member(name);
      space();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect('}', "',' or '}'");
      return;
    }
  }

  void value(int depth) {
    if (depth > kMaxJsonDepth) fail("less nesting");
    space();
    const char c = peek();
    if (c == '{') {
      object(depth, [&](const std::string&) { value(depth + 1); });
    } else if (c == '[') {
      ++i_;
      space();
      if (peek() == ']') {
        ++i_;
        return;
      }
      for (;;) {
        value(depth + 1);
        space();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect(']', "',' or ']'");
        return;
      }
    } else if (c == '"') {
      string();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      number();
    } else if (s_.substr(i_, 4) == "true" || s_.substr(i_, 4) == "null") {
      i_ += 4;
    } else if (s_.substr(i_, 5) == "false") {
      i_ += 5;
    } else {
      fail("a value");
    }
  }

  void digits() {
    if (peek() < '0' || peek() > '9') fail("a digit");
    while (peek() >= '0' && peek() <= '9') ++i_;
  }
  void number() {
    if (peek() == '-') ++i_;
    if (peek() == '0') {
      ++i_;
    } else {
      digits();
    }
    if (peek() == '.') {
      ++i_;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      ++i_;
      if (peek() == '+' || peek() == '-') ++i_;
      digits();
    }
  }

  unsigned hex4() {
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = peek();
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<unsigned>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<unsigned>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<unsigned>(h - 'A' + 10);
      } else {
        fail("a hexadecimal digit");
      }
      ++i_;
    }
    return v;
  }
  static void utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  std::string string() {
    expect('"', "'\"'");
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) fail("'\"' to end the string");
      const char c = s_[i_];
      if (c == '"') {
        ++i_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail("a character (control characters are escaped in JSON strings)");
      if (c != '\\') {
        out += c;
        ++i_;
        continue;
      }
      ++i_;
      const char e = peek();
      ++i_;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00 && s_.substr(i_, 2) == "\\u") {
            const std::size_t back = i_;
            i_ += 2;
            const std::uint32_t low = hex4();
            if (low >= 0xdc00 && low < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            } else {
              i_ = back;  // a lone high surrogate, then another escape
            }
          }
          if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;  // a lone surrogate: no UTF-8 for it
          utf8(out, cp);
          break;
        }
        default:
          --i_;
          fail("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
      }
    }
  }

  std::string_view s_;
  const std::string& where_;
  std::size_t i_ = 0;
};

}  // namespace

std::map<std::string, std::vector<std::string>> json_object_keys(std::string_view text, const std::set<std::string>& members,
                                                                 const std::string& where) {
  return Reader(text, where).read(members);
}

}  // namespace elfpack
