// Frame: one RESP value, RESP2 or RESP3, as a tree the client side and tests can hold.
//
//   Frame reply = Frame::array({Frame::bulk("k"), Frame::integer(7), Frame::null()});
//   reply.kind() == Frame::Kind::kArray;  reply.elements()[1].as_integer() == 7
//   reply.to_string() == R"(["k", :7, (nil)])"
//
// The server never builds Frames on its hot path: requests are parsed into argument views
// (RequestParser in resp_parser.h) and replies are written straight into the output buffer
// (ReplyWriter in reply_writer.h). Frames are for the client, for tests, and for the rare
// place that needs a whole reply as a value.
//
// Representation: a kind byte and a std::variant of {nothing, int64, double, bool, string,
// vector<Frame>}, 40 bytes in all. A Map stores its pairs flattened (k0, v0, k1, v1, ...)
// in the same vector, so every aggregate is one vector and one allocation. A Verbatim
// string stores "fmt:text" exactly as on the wire (format = first three bytes).
//
// RESP2 has two nulls ($-1 and *-1) and RESP3 one (_); all three parse to Kind::kNull.
// RESP3 attributes (|) are not represented: parsers skip them.
//
// Equality is structural: same kind, same value, same elements in the same order (a Set or
// a Map is compared as sent, not as a mathematical set). Doubles compare with ==, except
// that NaN equals NaN, so that a frame equals itself after a round trip.
//
// Thread-safety: a value type; const methods may be called from several threads.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace corio::redis {

class Frame {
 public:
  enum class Kind : uint8_t {
    kSimple,     // +OK
    kError,      // -ERR message (and RESP3 blob errors !n)
    kInteger,    // :42
    kBulk,       // $3\r\nabc
    kNull,       // $-1, *-1 (RESP2) and _ (RESP3)
    kArray,      // *n
    kMap,        // %n (RESP3): n key/value pairs
    kSet,        // ~n (RESP3)
    kDouble,     // ,3.14 (RESP3)
    kBoolean,    // #t / #f (RESP3)
    kBigNumber,  // (12345678901234567890 (RESP3)
    kVerbatim,   // =n\r\ntxt:... (RESP3)
    kPush,       // >n (RESP3): out-of-band data such as pub/sub messages
  };

  // A null frame.
  Frame() = default;

  static Frame simple(std::string s) { return Frame(Kind::kSimple, std::move(s)); }
  static Frame error(std::string s) { return Frame(Kind::kError, std::move(s)); }
  static Frame integer(int64_t v) { return Frame(Kind::kInteger, v); }
  static Frame bulk(std::string s) { return Frame(Kind::kBulk, std::move(s)); }
  static Frame null() { return Frame(); }
  static Frame array(std::vector<Frame> elements) {
    return Frame(Kind::kArray, std::move(elements));
  }
  // `pairs` is flattened: key, value, key, value... Its size must be even.
  static Frame map(std::vector<Frame> pairs);
  static Frame set(std::vector<Frame> elements) { return Frame(Kind::kSet, std::move(elements)); }
  static Frame push(std::vector<Frame> elements) {
    return Frame(Kind::kPush, std::move(elements));
  }
  static Frame real(double v) { return Frame(Kind::kDouble, v); }
  static Frame boolean(bool v) { return Frame(Kind::kBoolean, v); }
  // `digits`: an optional '-' then decimal digits (not checked here; the parser checks).
  static Frame big_number(std::string digits) {
    return Frame(Kind::kBigNumber, std::move(digits));
  }
  // `format` is three bytes such as "txt" or "mkd"; shorter ones are padded with spaces
  // and longer ones cut, as Redis does.
  static Frame verbatim(std::string_view format, std::string_view text);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_aggregate() const { return std::holds_alternative<std::vector<Frame>>(value_); }

  // Accessors; each requires the matching kind (checked: a mismatch throws
  // std::bad_variant_access, which is a bug in the caller).
  // Simple, Error, Bulk, BigNumber: the payload. Verbatim: "fmt:text" as on the wire.
  const std::string& str() const { return std::get<std::string>(value_); }
  int64_t as_integer() const { return std::get<int64_t>(value_); }
  double as_double() const { return std::get<double>(value_); }
  bool as_bool() const { return std::get<bool>(value_); }
  // Array, Set, Push: the elements. Map: the flattened pairs.
  const std::vector<Frame>& elements() const { return std::get<std::vector<Frame>>(value_); }
  std::vector<Frame>& mutable_elements() { return std::get<std::vector<Frame>>(value_); }
  // Verbatim only.
  std::string_view verbatim_format() const { return std::string_view(str()).substr(0, 3); }
  std::string_view verbatim_text() const { return std::string_view(str()).substr(4); }

  // A debug form, one line: +OK, -ERR x, :1, "bulk" (C-escaped), (nil), [a, b],
  // %{k => v}, ~{a, b}, >[a, b], ,1.5, #t, (123), =txt:"text".
  std::string to_string() const;

  friend bool operator==(const Frame& a, const Frame& b);

 private:
  using Value = std::variant<std::monostate, int64_t, double, bool, std::string,
                             std::vector<Frame>>;
  template <typename T>
  Frame(Kind kind, T&& v) : value_(std::forward<T>(v)), kind_(kind) {}

  // The kind byte lives in the variant's tail padding (no_unique_address), which keeps
  // a Frame at 40 bytes instead of 48.
  [[no_unique_address]] Value value_;
  Kind kind_ = Kind::kNull;
};

// The wire-level name of a kind ("array", "bulk", ...), for messages.
std::string_view KindName(Frame::Kind kind);

}  // namespace corio::redis
