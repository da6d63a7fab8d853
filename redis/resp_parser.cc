// RequestParser: the two request forms of Redis 7.0 (processMultibulkBuffer and
// processInlineBuffer in its networking.c), reimplemented from their observed behaviour.
#include <algorithm>
#include <cstring>

#include "redis/inline_args.h"
#include "redis/resp_parser.h"

namespace corio::redis {
namespace {

// Redis's string2ll(): the only integers Redis accepts in count and length lines. At most
// 20 bytes; an optional '-'; no '+', no leading zero (so "-0" and "01" are rejected), no
// blanks; must fit in int64.
bool RedisStrToInt64(const char* s, size_t len, int64_t* out) {
  if (len == 0 || len >= 21) return false;
  if (len == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = s[0] == '-';
  if (negative && ++i == len) return false;
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;  // v * 10 + d would overflow
    v = v * 10 + d;
  }
  if (negative) {
    if (v > uint64_t{1} << 63) return false;
    *out = static_cast<int64_t>(0 - v);  // wraps to INT64_MIN for 2^63, as intended
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

enum class LineEnd : uint8_t { kFound, kMissing, kHidden };

// Looks for the '\r' ending a count line, starting at `from`, the way Redis's strchr()
// does: a NUL byte first hides it for good. Count lines are a few bytes long, so a byte
// loop beats memchr here. On kFound, *at is the '\r'.
LineEnd FindCountLineEnd(std::string_view b, size_t from, size_t* at) {
  const char* p = b.data();
  for (size_t i = from; i < b.size(); ++i) {
    if (p[i] == '\r') {
      *at = i;
      return LineEnd::kFound;
    }
    if (p[i] == '\0') return LineEnd::kHidden;
  }
  return LineEnd::kMissing;
}

// The same for the '\n' ending an inline line, which may be long: memchr both ways.
LineEnd FindInlineLineEnd(std::string_view b, size_t from, size_t* at) {
  if (from >= b.size()) return LineEnd::kMissing;
  const char* start = b.data() + from;
  size_t len = b.size() - from;
  const void* nl = std::memchr(start, '\n', len);
  size_t searched = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : len;
  if (searched > 0 && std::memchr(start, '\0', searched)) return LineEnd::kHidden;
  if (!nl) return LineEnd::kMissing;
  *at = from + searched;
  return LineEnd::kFound;
}

constexpr char kInvalidMultibulkLength[] = "invalid multibulk length";
constexpr char kInvalidBulkLength[] = "invalid bulk length";
constexpr char kTooBigMbulkCount[] = "too big mbulk count string";
constexpr char kTooBigBulkCount[] = "too big bulk count string";
constexpr char kTooBigInline[] = "too big inline request";

}  // namespace

RequestParser::RequestParser(ProtocolLimits limits) : limits_(limits) {
  limits_.max_multibulk_len = std::min<int64_t>(limits_.max_multibulk_len, INT_MAX);
}

ParseResult RequestParser::parse(std::string_view bytes, CommandArgs& out, bool auth_required) {
  out.args_.clear();
  if (out.args_.capacity() > CommandArgs::kRetainedArgs) {
    std::vector<std::string_view>().swap(out.args_);
  }
  if (out.storage_.capacity() > CommandArgs::kRetainedStorage) std::string().swap(out.storage_);
  // A caller that broke the contract (fewer bytes than last time) starts over rather than
  // reading past the end.
  if (state_.pos > bytes.size() || state_.search_from > bytes.size()) state_ = State{};
  if (bytes.empty()) return incomplete(bytes);
  if (bytes[0] != '*') return scan_inline(bytes, out);
  ParseResult r;
  if (state_.pos == 0 && state_.search_from == 0 && state_.remaining < 0) {
    // The usual case: the whole request is here and is checked and split in one pass.
    r = scan_multibulk<true>(bytes, out, auth_required);
  } else {
    // Resuming: views taken in earlier calls could point into a buffer that has since
    // moved, so check what is new, then split the whole request again in a fresh pass.
    r = scan_multibulk<false>(bytes, out, auth_required);
    if (r.status == ParseStatus::kComplete) r = scan_multibulk<true>(bytes, out, auth_required);
  }
  if (r.status != ParseStatus::kComplete) out.args_.clear();
  return r;
}

template <bool kEmit>
ParseResult RequestParser::scan_multibulk(std::string_view bytes, CommandArgs& out,
                                          bool auth_required) {
  State& s = state_;
  const size_t n = bytes.size();
  const char* p = bytes.data();
  size_t cr;

  if (s.remaining < 0) {
    // The count line: "*<count>\r?". Redis skips whatever byte follows the '\r'.
    if (s.blocked) return line_missing(bytes, 0, kTooBigMbulkCount);
    switch (FindCountLineEnd(bytes, std::max<size_t>(s.search_from, 1), &cr)) {
      case LineEnd::kHidden:
        s.blocked = true;
        return line_missing(bytes, 0, kTooBigMbulkCount);
      case LineEnd::kMissing:
        s.search_from = n;
        return line_missing(bytes, 0, kTooBigMbulkCount);
      case LineEnd::kFound:
        break;
    }
    if (cr + 1 >= n) {
      s.search_from = cr;
      return incomplete(bytes);
    }
    int64_t count;
    if (!RedisStrToInt64(p + 1, cr - 1, &count) || count > limits_.max_multibulk_len) {
      return fail(kInvalidMultibulkLength);
    }
    if (auth_required && count > kUnauthenticatedMaxMultibulkLen) {
      return fail("unauthenticated multibulk length");
    }
    s.pos = s.search_from = cr + 2;
    if (count <= 0) return complete(s.pos);  // an empty request: nothing to run
    s.remaining = count;
  }

  while (s.remaining > 0) {
    // One bulk: "$<len>\r?<len bytes>??".
    const size_t line = s.pos;
    if (s.blocked) return line_missing(bytes, line, kTooBigBulkCount);
    switch (FindCountLineEnd(bytes, s.search_from, &cr)) {
      case LineEnd::kHidden:
        s.blocked = true;
        return line_missing(bytes, line, kTooBigBulkCount);
      case LineEnd::kMissing:
        s.search_from = n;
        return line_missing(bytes, line, kTooBigBulkCount);
      case LineEnd::kFound:
        break;
    }
    if (cr + 1 >= n) {
      s.search_from = cr;
      return incomplete(bytes);
    }
    if (p[line] != '$') {
      // Redis formats the byte with %c and turns CR and LF into spaces.
      char got = (p[line] == '\r' || p[line] == '\n') ? ' ' : p[line];
      return fail(std::string("expected '$', got '") + got + "'");
    }
    int64_t len;
    if (!RedisStrToInt64(p + line + 1, cr - line - 1, &len) || len < 0 ||
        len > limits_.max_bulk_len) {
      return fail(kInvalidBulkLength);
    }
    if (auth_required && len > kUnauthenticatedMaxBulkLen) {
      return fail("unauthenticated bulk length");
    }
    const size_t data = cr + 2;
    if (n - data < static_cast<uint64_t>(len) + 2) {
      // The data is still arriving; the header is re-read (a few bytes) next time.
      s.search_from = cr;
      return incomplete(bytes);
    }
    if constexpr (kEmit) out.args_.emplace_back(p + data, static_cast<size_t>(len));
    s.pos = s.search_from = data + static_cast<size_t>(len) + 2;
    --s.remaining;
  }
  return complete(s.pos);
}

ParseResult RequestParser::scan_inline(std::string_view bytes, CommandArgs& out) {
  State& s = state_;
  if (s.blocked) return line_missing(bytes, 0, kTooBigInline);
  size_t nl;
  switch (FindInlineLineEnd(bytes, s.search_from, &nl)) {
    case LineEnd::kHidden:
      s.blocked = true;
      return line_missing(bytes, 0, kTooBigInline);
    case LineEnd::kMissing:
      s.search_from = bytes.size();
      return line_missing(bytes, 0, kTooBigInline);
    case LineEnd::kFound:
      break;
  }
  size_t end = (nl > 0 && bytes[nl - 1] == '\r') ? nl - 1 : nl;
  if (!SplitInlineArgs(bytes.substr(0, end), out.args_, out.storage_)) {
    out.args_.clear();
    return fail("unbalanced quotes in request");
  }
  return complete(nl + 1);
}

ParseResult RequestParser::line_missing(std::string_view bytes, size_t line_start,
                                        const char* too_big) {
  if (bytes.size() - line_start > limits_.max_inline_len) return fail(too_big);
  return incomplete(bytes);
}

ParseResult RequestParser::incomplete(std::string_view bytes) {
  if (bytes.size() > limits_.max_query_buffer) {
    state_ = State{};
    return {ParseStatus::kQueryBufferFull, 0, "query buffer limit reached"};
  }
  return {ParseStatus::kIncomplete, 0, {}};
}

ParseResult RequestParser::fail(std::string message) {
  state_ = State{};
  return {ParseStatus::kError, 0, std::move(message)};
}

ParseResult RequestParser::complete(size_t consumed) {
  state_ = State{};
  return {ParseStatus::kComplete, consumed, {}};
}

}  // namespace corio::redis
