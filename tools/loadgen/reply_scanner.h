// ReplyScanner: counts whole RESP replies in a byte stream without building them.
//
//   ReplyScanner scanner;
//   ReplyScanner::Counts c;
//   if (!scanner.feed(bytes_just_read, &c)) { /* protocol violation: drop the connection */ }
//   // c.replies top-level replies ended inside these bytes, c.errors of them were errors
//
// A load generator only needs to know when each reply ends and whether it was an error,
// so the scanner is a byte-level state machine: it keeps no bytes (bulk payloads are
// skipped by count, however large), never allocates after construction, and resumes
// anywhere (a header, a number or a payload may be split across reads). The caller can
// therefore read into one fixed buffer and reuse it from the start after every feed.
//
// Understands RESP2 and RESP3: simple strings, errors, integers, bulk strings, arrays
// (nested, null), and RESP3 maps, sets, attributes (skipped together with the reply they
// precede), pushes, nulls, booleans, doubles, big numbers, verbatim strings and blob
// errors. A top-level push (out-of-band in RESP3) is not counted as a reply. A reply is an
// error if it starts with '-' or '!' (errors nested in arrays, as EXEC returns them, are
// not counted). Bulk payloads are skipped without checking their trailing CRLF.
//
// A byte that cannot start a reply, a malformed length or nesting deeper than kMaxDepth
// makes feed() return false; the scanner is then unusable (reset() it for a new stream).
//
// Thread-safety: none; one scanner per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace corio::loadgen {

class ReplyScanner {
 public:
  static constexpr int kMaxDepth = 64;
  static constexpr size_t kMaxErrorText = 200;

  struct Counts {
    uint64_t replies = 0;
    uint64_t errors = 0;
  };

  // Scans `data`, adding the replies that ended in it to *counts (not reset here).
  // false on a protocol violation (then *counts holds what ended before it).
  bool feed(const char* data, size_t size, Counts* counts);
  bool feed(std::string_view data, Counts* counts) {
    return feed(data.data(), data.size(), counts);
  }

  // Between replies (no partial reply pending).
  bool idle() const { return state_ == State::kType && depth_ == 0; }
  // Forgets any partial reply (a new connection).
  void reset();

  // The text of the first top-level error reply seen ("ERR unknown command ..."), up to
  // kMaxErrorText bytes; empty if none. take_first_error() returns it and clears it, so
  // that the next error is captured.
  const std::string& first_error() const { return first_error_; }
  std::string take_first_error();

 private:
  enum class State : uint8_t {
    kType,      // expecting the first byte of a value
    kNumber,    // digits of a length or count, up to '\r'
    kNumberLf,  // the '\n' after a number
    kLine,      // the rest of a one-line value, up to '\n'
    kBulk,      // payload and CRLF of a bulk value, skipped by count
  };

  // A value ended: pops the aggregates it completes; counts a finished top-level reply.
  void value_done(Counts* counts);
  // The header number of `type_` is complete.
  bool number_done(Counts* counts);

  State state_ = State::kType;
  char type_ = 0;
  bool negative_ = false;
  int digits_ = 0;
  uint64_t number_ = 0;
  uint64_t bulk_left_ = 0;
  int depth_ = 0;
  uint64_t remaining_[kMaxDepth] = {};  // elements still expected at each open level
  bool top_error_ = false;              // the current top-level reply is an error
  bool top_push_ = false;               // ... is an out-of-band push
  bool capturing_ = false;              // copying this error line into first_error_
  std::string first_error_;
};

}  // namespace corio::loadgen
