// ReplyWriter: how command handlers reply. It knows the connection's protocol (RESP2 until
// HELLO 3, then RESP3) and writes each reply straight into the connection's output buffer,
// byte for byte as Redis 7.0 does for that protocol, so no handler branches on it:
//
//   ReplyWriter w(out, conn.protocol());
//   w.map_header(1); w.bulk("field"); w.real(1.5);
//   // RESP3: "%1\r\n$5\r\nfield\r\n,1.5\r\n"
//   // RESP2: "*2\r\n$5\r\nfield\r\n$3\r\n1.5\r\n"
//
// RESP3 type       RESP3 bytes            RESP2 bytes (as Redis 7.0 sends them)
//   map_header(n)  %n                     *2n (flattened key, value, ...)
//   set_header(n)  ~n                     *n
//   push_header(n) >n                     *n (how RESP2 pub/sub messages look)
//   null()         _                      $-1
//   null_array()   _                      *-1 (the RESP2 null of array replies)
//   real(d)        ,%.17g / ,inf / ,-inf  bulk "%.17g" / "inf" / "-inf"
//   boolean(b)     #t / #f                :1 / :0
//   big_number(s)  (s                     bulk s
//   verbatim(t,f)  =len fff:t             bulk t
// Everything else (simple, error, integer, bulk, array_header) is the same in both.
//
// An aggregate header announces how many values follow; the caller writes exactly that
// many (the writer does not count).
//
// Thread-safety: none; one writer per connection, used by the task serving it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/byte_buffer.h"
#include "redis/frame.h"

namespace corio::redis {

class ReplyWriter {
 public:
  // `protocol` is 2 or 3 (anything but 3 means RESP2).
  explicit ReplyWriter(net::ByteBuffer& out, int protocol = 2)
      : out_(out), resp3_(protocol == 3) {}

  int protocol() const { return resp3_ ? 3 : 2; }
  // HELLO switches the protocol for the following replies.
  void set_protocol(int protocol) { resp3_ = protocol == 3; }

  // +OK. CR and LF in `s` become spaces, as Redis does, so the reply stays one line.
  void simple(std::string_view s) { line('+', s); }
  // -<s>, where `s` starts with the error code: error("ERR no such key"). Same CR/LF rule.
  void error(std::string_view s) {
    ++errors_;
    last_error_code_ = s.substr(0, s.find(' '));
    line('-', s);
  }
  void integer(int64_t v) { header(':', v); }
  void bulk(std::string_view s);
  void null();
  void null_array();
  void array_header(size_t n) { header('*', static_cast<int64_t>(n)); }
  void map_header(size_t pairs);
  void set_header(size_t n) { header(resp3_ ? '~' : '*', static_cast<int64_t>(n)); }
  void push_header(size_t n) { header(resp3_ ? '>' : '*', static_cast<int64_t>(n)); }
  void real(double d);
  void boolean(bool b);
  // `digits`: an optional '-' and decimal digits.
  void big_number(std::string_view digits);
  // `format`: three bytes ("txt", "mkd"); shorter is padded with spaces, longer is cut.
  void verbatim(std::string_view text, std::string_view format = "txt");

  // How many error replies this writer has written (a command whose handler wrote one
  // failed, for INFO commandstats/errorstats).
  uint64_t errors() const { return errors_; }
  // The code ("ERR", "WRONGPASS", ...) of the last error written.
  const std::string& last_error_code() const { return last_error_code_; }

  // Writes any frame, with the RESP2 conversions above when the protocol is 2 (so a Null
  // parsed from *-1 is written back as $-1).
  void frame(const Frame& f);

 private:
  // <type><v>\r\n
  void header(char type, int64_t v);
  // <type><s with CR/LF as spaces>\r\n
  void line(char type, std::string_view s);
  void append(std::string_view bytes) { out_.append(bytes); }

  net::ByteBuffer& out_;
  bool resp3_;
  uint64_t errors_ = 0;
  std::string last_error_code_;
};

}  // namespace corio::redis
