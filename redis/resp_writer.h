// RespWriter: encodes RESP2 replies into a byte string, byte for byte as Redis sends them.
//
//   RespWriter w(out);
//   w.array_header(2); w.bulk("a"); w.integer(7);   // "*2\r\n$1\r\na\r\n:7\r\n"
//
// The protocol-aware reply writer of the redis issue (RESP3 types chosen per connection by
// HELLO) builds on this. Thread-safety: none; one writer per connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace corio::redis {

class RespWriter {
 public:
  explicit RespWriter(std::string& out) : out_(out) {}

  // +OK  (must not contain CR or LF; those are replaced by spaces as Redis does)
  void simple(std::string_view s) { line('+', s); }
  // -ERR message  (same rule)
  void error(std::string_view s) { line('-', s); }
  void integer(int64_t v);
  void bulk(std::string_view s);
  void null_bulk() { out_.append("$-1\r\n"); }
  void null_array() { out_.append("*-1\r\n"); }
  void array_header(size_t n);

 private:
  void line(char type, std::string_view s);
  std::string& out_;
};

}  // namespace corio::redis
