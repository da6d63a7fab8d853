// Incremental RESP parsers.
//
// RequestParser — the server's hot path. Turns the front of a connection's read buffer into
// the arguments of one command, accepting both request forms Redis 7.0 accepts:
//   - multibulk: *<n>\r\n then n times $<len>\r\n<len bytes>\r\n
//   - inline: one line as typed in telnet, "SET k \"a b\"\n" (quoting: inline_args.h)
// A buffer starting with '*' is multibulk, anything else inline. The arguments are views
// into the buffer (quoted inline arguments live in the CommandArgs), so a pipelined SET or
// GET is parsed with no allocation once a CommandArgs has been used.
//
//   CommandArgs args;  // reused for every command of the connection
//   for (;;) {
//     ParseResult r = parser.parse(buf.readable_view(), args, auth_required);
//     if (r.status == ParseStatus::kIncomplete) break;       // read more, call again
//     if (r.status == ParseStatus::kError) { reply "-ERR Protocol error: " + r.error; close }
//     if (r.status == ParseStatus::kQueryBufferFull) { close without a reply; }
//     if (!args.empty()) execute(args);   // empty: a blank line or *0 / *-1, ignored
//     buf.consume(r.consumed);            // only after the views are no longer needed
//   }
//
// Errors are Redis 7.0's, byte for byte (the message after "Protocol error: "):
//   "invalid multibulk length"        count not a Redis integer (string2ll), or > max
//   "invalid bulk length"             length not an integer, < 0, or > max_bulk_len
//   "expected '$', got 'X'"           an element of a multibulk that is not a bulk
//                                     (X is the byte; CR or LF appear as a space)
//   "unauthenticated multibulk length" / "unauthenticated bulk length"
//                                     more than 10 elements / 16384 bytes before AUTH
//   "too big mbulk count string" / "too big bulk count string" / "too big inline request"
//                                     more than max_inline_len bytes buffered and still
//                                     no end of the count line / of the inline line
//   "unbalanced quotes in request"    an inline line with a bad quote
// and, with no reply, kQueryBufferFull: an incomplete request holds more than
// max_query_buffer bytes (client-query-buffer-limit).
//
// Redis quirks kept on purpose, each checked against redis-server 7.0.15:
//   - A count line ends at the first \r and the byte after it is skipped unread; a bulk's
//     2 bytes after its data are skipped unread too ("*1\rX$4\r\nPINGxx" is PING).
//   - A NUL byte before the end of a line hides it (Redis searches with strchr): the
//     request can never complete, and fails once max_inline_len bytes are buffered.
//   - The 64 KB line limit is judged on what is buffered when the line's end is still
//     missing, so a longer line that arrives whole is accepted, as in Redis. Under that
//     limit the result never depends on how the bytes were split into reads.
//   - Redis counts only the unparsed part of a request against client-query-buffer-limit;
//     here the whole incomplete request counts (its parsed bulks are still in the buffer).
//
// FrameParser — any RESP2 or RESP3 frame, as a Frame: what a client reads as a reply.
// Adds a nesting limit (max_nesting open aggregates). Attributes (|) are read and dropped;
// streamed RESP3 types ($?, *?, ...) are rejected. Its messages are its own (Redis never
// parses replies); the same length limits apply.
//
// Both parsers first check, without allocating, that the bytes hold a whole request/frame,
// and only then build it; nothing is ever reserved from a length the peer claims. Both
// are resumable: after kIncomplete they remember how far the bytes were checked, so a
// large request arriving in many reads is checked once, not once per read. The contract
// that makes this safe: after kIncomplete, the next call must pass the same bytes again
// (plus any that arrived; the buffer may have moved). Call reset() to drop that progress.
// After kComplete or an error the parser is ready for the next request.
//
// Thread-safety: none; one parser per connection. Cancellation: a parser holds no
// resources, so dropping it mid-request is fine.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "redis/frame.h"

namespace corio::redis {

// Limits, with Redis 7.0's defaults.
struct ProtocolLimits {
  // proto-max-bulk-len: the longest bulk string.
  int64_t max_bulk_len = int64_t{512} * 1024 * 1024;
  // The most elements of one multibulk request or aggregate (Redis 7.0: INT_MAX).
  // Values above INT_MAX are treated as INT_MAX.
  int64_t max_multibulk_len = INT_MAX;
  // PROTO_INLINE_MAX_SIZE: bytes that may be buffered while the end of an inline request
  // or of a count line is still missing.
  size_t max_inline_len = 64 * 1024;
  // client-query-buffer-limit: bytes an incomplete request or frame may hold.
  size_t max_query_buffer = size_t{1024} * 1024 * 1024;
  // FrameParser only: how many aggregates may be open inside each other
  // (1 for a flat array). At most kMaxNestingLimit.
  int max_nesting = 128;
};

// The largest max_nesting a FrameParser accepts (its stack is a fixed array).
inline constexpr int kMaxNestingLimit = 128;

// Redis lets an unauthenticated client send at most this many elements / bytes per bulk.
inline constexpr int64_t kUnauthenticatedMaxMultibulkLen = 10;
inline constexpr int64_t kUnauthenticatedMaxBulkLen = 16384;

enum class ParseStatus : uint8_t {
  kComplete,         // one request/frame; `consumed` bytes belong to it
  kIncomplete,       // more bytes needed; call again with these bytes and more
  kError,            // reply "-ERR Protocol error: <error>", then close
  kQueryBufferFull,  // close without a reply (Redis only logs this one)
};

struct [[nodiscard]] ParseResult {
  ParseStatus status = ParseStatus::kIncomplete;
  size_t consumed = 0;  // kComplete only
  std::string error;    // kError and kQueryBufferFull: the reason
};

// The arguments of one command. Views point into the parsed bytes, or into this object
// for quoted inline arguments: valid until those bytes are consumed or changed, or until
// the next parse into this object. Reuse one (per connection or per worker): its storage is
// kept between commands, so the common case allocates nothing — up to kRetainedArgs
// arguments and kRetainedStorage bytes; a parse drops anything larger that an earlier
// huge command left behind, so one MSET of a million keys does not pin 16 MB.
class CommandArgs {
 public:
  static constexpr size_t kRetainedArgs = 1024;
  static constexpr size_t kRetainedStorage = 16 * 1024;

  size_t size() const { return args_.size(); }
  bool empty() const { return args_.empty(); }
  std::string_view operator[](size_t i) const { return args_[i]; }
  std::span<const std::string_view> args() const { return args_; }
  auto begin() const { return args_.begin(); }
  auto end() const { return args_.end(); }

  // Heap bytes held (for memory accounting, like Redis's argv-mem).
  size_t heap_bytes() const {
    // A std::string's first 15 bytes live inline (libstdc++): count only what is beyond.
    size_t storage = storage_.capacity() > 15 ? storage_.capacity() : 0;
    return args_.capacity() * sizeof(std::string_view) + storage;
  }
  // Views of `args` (which must outlive their use), for a command that was not parsed
  // from bytes: one queued by MULTI, run by EXEC.
  void assign(std::span<const std::string> args) {
    args_.clear();
    for (const std::string& a : args) args_.emplace_back(a);
  }
  // Frees everything (an idle connection keeps nothing).
  void release() {
    std::vector<std::string_view>().swap(args_);  // `= {}` would keep the capacity
    std::string().swap(storage_);
  }

 private:
  friend class RequestParser;
  std::vector<std::string_view> args_;
  std::string storage_;  // decoded quoted inline arguments
};

class RequestParser {
 public:
  explicit RequestParser(ProtocolLimits limits = {});

  // Parses the request at the front of `bytes` into `out` (cleared first). On kComplete,
  // out holds its arguments (none for an empty line or a count <= 0: ignore it).
  // `auth_required`: the connection has not authenticated yet and a password is set.
  ParseResult parse(std::string_view bytes, CommandArgs& out, bool auth_required = false);

  // Forgets the progress on a partial request.
  void reset() { state_ = State{}; }

  const ProtocolLimits& limits() const { return limits_; }

 private:
  // Progress on a partial request. All zero/-1: nothing checked yet.
  struct State {
    size_t pos = 0;          // bytes of the request checked so far (a line starts here)
    size_t search_from = 0;  // where to resume looking for the end of the line at pos
    int64_t remaining = -1;  // multibulk: bulks still to check; -1 before the count line
    bool blocked = false;    // a NUL hides the end of the line at pos: it never completes
  };

  // Checks the multibulk request at the front of `bytes` from state_; with kEmit, also
  // appends its arguments to `out` (only meaningful when starting from scratch).
  template <bool kEmit>
  ParseResult scan_multibulk(std::string_view bytes, CommandArgs& out, bool auth_required);
  ParseResult scan_inline(std::string_view bytes, CommandArgs& out);
  // The end of the line at `line_start` is not in `bytes` (yet).
  ParseResult line_missing(std::string_view bytes, size_t line_start, const char* too_big);
  ParseResult incomplete(std::string_view bytes);
  ParseResult fail(std::string message);
  ParseResult complete(size_t consumed);

  ProtocolLimits limits_;
  State state_;
};

class FrameParser {
 public:
  explicit FrameParser(ProtocolLimits limits = {});

  struct [[nodiscard]] Result : ParseResult {
    Frame frame;  // kComplete only
  };

  // Parses the frame at the front of `bytes`.
  Result parse(std::string_view bytes);

  void reset() {
    pos_ = 0;
    line_scan_ = 0;
    depth_ = -1;
  }

  const ProtocolLimits& limits() const { return limits_; }

 private:
  // Checks, without building anything, that `bytes` hold a whole frame (resumable).
  ParseResult check(std::string_view bytes);

  ProtocolLimits limits_;
  size_t pos_ = 0;        // bytes of the frame checked so far
  size_t line_scan_ = 0;  // bytes after pos_ known to hold no line end
  int depth_ = -1;        // open aggregates; -1: nothing checked yet
  // pending_[d]: values still expected at nesting level d (level 0: the frame itself).
  uint64_t pending_[kMaxNestingLimit + 1] = {};
};

// One-shot helpers (a fresh parser each call), for tests and tools.
FrameParser::Result ParseFrame(std::string_view bytes, const ProtocolLimits& limits = {});

}  // namespace corio::redis
