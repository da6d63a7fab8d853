// FrameParser: RESP2 and RESP3 frames of any shape (see resp_parser.h). Strict where Redis's
// request parser is lax: every line must end in CRLF, and so must every bulk payload.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <string>

#include "redis/resp_parser.h"

namespace corio::redis {
namespace {

// One element read from the wire: a whole scalar, or the header of an aggregate.
struct Element {
  char type = 0;              // the RESP type byte
  bool null = false;          // $-1, *-1 or _
  int64_t n = 0;              // integer value; aggregate count (pairs for % and |)
  std::string_view payload;   // line or bulk data (simple, error, bulk, double, ...)
  size_t next = 0;            // offset just after this element (after the header, for
                              // an aggregate)
};

enum class Step : uint8_t { kOk, kIncomplete, kError };

bool IsAggregate(char type) {
  return type == '*' || type == '~' || type == '%' || type == '>' || type == '|';
}

// from_chars takes '-' but not '+': drop a leading '+' unless another sign follows it.
bool StripPlus(std::string_view& s) {
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) return false;
  }
  return !s.empty();
}

// RESP integers: an optional sign and 1-19 digits that fit in int64 (leading zeros are
// tolerated; Redis never sends them).
bool ParseRespInt(std::string_view s, int64_t* out) {
  if (!StripPlus(s)) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

bool ParseRespDouble(std::string_view s, double* out) {
  if (!StripPlus(s)) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  // Out-of-range magnitudes are an error for from_chars; RESP has inf for those.
  return ec == std::errc() && ptr == end;
}

bool IsBigNumber(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A byte for a message: itself if printable ASCII, else \xHH.
std::string Printable(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string(1, c);
  static constexpr char kHex[] = "0123456789abcdef";
  return {'\\', 'x', kHex[u >> 4], kHex[u & 15]};
}

class ElementReader {
 public:
  ElementReader(std::string_view bytes, const ProtocolLimits& limits)
      : b_(bytes), limits_(limits) {}

  // Reads the element at `pos`. `search_from` (>= pos + 1) is where to resume looking
  // for its line end; it is advanced on kIncomplete so that work is not repeated.
  Step read(size_t pos, size_t& search_from, Element& el, std::string& error) const {
    const size_t n = b_.size();
    if (pos >= n) return Step::kIncomplete;
    const void* cr_ptr = nullptr;
    size_t from = std::max(search_from, pos + 1);
    if (from < n) cr_ptr = std::memchr(b_.data() + from, '\r', n - from);
    if (cr_ptr == nullptr) {
      search_from = n;
      if (n - pos > limits_.max_inline_len) return fail(error, "line too long");
      return Step::kIncomplete;
    }
    const size_t cr = static_cast<size_t>(static_cast<const char*>(cr_ptr) - b_.data());
    if (cr + 1 >= n) {
      search_from = cr;
      return Step::kIncomplete;
    }
    if (b_[cr + 1] != '\n') return fail(error, "line not terminated by CRLF");
    const std::string_view line = b_.substr(pos + 1, cr - pos - 1);
    el = Element{};
    el.type = b_[pos];
    el.next = cr + 2;
    switch (el.type) {
      case '+':
      case '-':
        el.payload = line;
        return Step::kOk;
      case ':':
        if (!ParseRespInt(line, &el.n)) return fail(error, "invalid integer");
        return Step::kOk;
      case '_':
        if (!line.empty()) return fail(error, "invalid null");
        el.null = true;
        return Step::kOk;
      case '#':
        if (line != "t" && line != "f") return fail(error, "invalid boolean");
        el.n = line == "t";
        return Step::kOk;
      case ',': {
        double d;
        if (!ParseRespDouble(line, &d)) return fail(error, "invalid double");
        el.payload = line;
        return Step::kOk;
      }
      case '(':
        if (!IsBigNumber(line)) return fail(error, "invalid big number");
        el.payload = line;
        return Step::kOk;
      case '$':
      case '!':
      case '=':
        return read_blob(line, cr, el, search_from, error);
      case '*':
      case '~':
      case '%':
      case '>':
      case '|':
        if (line == "?") return fail(error, "streamed RESP3 aggregates are not supported");
        if (el.type == '*' && line == "-1") {
          el.null = true;
          return Step::kOk;
        }
        if (!ParseRespInt(line, &el.n) || el.n < 0 || el.n > limits_.max_multibulk_len) {
          return fail(error, "invalid aggregate length");
        }
        return Step::kOk;
      default:
        return fail(error, "unexpected byte '" + Printable(el.type) +
                               "' where a RESP type was expected");
    }
  }

 private:
  Step read_blob(std::string_view line, size_t cr, Element& el, size_t& search_from,
                 std::string& error) const {
    if (line == "?") return fail(error, "streamed RESP3 strings are not supported");
    if (el.type == '$' && line == "-1") {
      el.null = true;
      return Step::kOk;
    }
    int64_t len;
    if (!ParseRespInt(line, &len) || len < 0 || len > limits_.max_bulk_len) {
      return fail(error, "invalid bulk length");
    }
    const size_t data = cr + 2;
    const size_t n = b_.size();
    if (n - data < static_cast<uint64_t>(len) + 2) {
      search_from = cr;  // the header is complete; only its data is missing
      return Step::kIncomplete;
    }
    const size_t end = data + static_cast<size_t>(len);
    if (b_[end] != '\r' || b_[end + 1] != '\n') {
      return fail(error, "bulk data not terminated by CRLF");
    }
    el.payload = b_.substr(data, static_cast<size_t>(len));
    el.next = end + 2;
    if (el.type == '=' && (el.payload.size() < 4 || el.payload[3] != ':')) {
      return fail(error, "invalid verbatim string");
    }
    return Step::kOk;
  }

  static Step fail(std::string& error, std::string message) {
    error = std::move(message);
    return Step::kError;
  }

  std::string_view b_;
  const ProtocolLimits& limits_;
};

// Builds the value at `pos` of a frame that FrameParser::check() accepted: reads cannot
// fail, and counts can be trusted because every element they announce is present.
class FrameBuilder {
 public:
  FrameBuilder(std::string_view bytes, const ProtocolLimits& limits) : reader_(bytes, limits) {}

  Frame build(size_t& pos) {
    Element el = read(pos);
    while (el.type == '|') {  // attributes describe the next value: dropped
      for (int64_t i = 0; i < 2 * el.n; ++i) build(pos);
      el = read(pos);
    }
    if (el.null) return Frame::null();
    switch (el.type) {
      case '+': return Frame::simple(std::string(el.payload));
      case '-':
      case '!': return Frame::error(std::string(el.payload));
      case ':': return Frame::integer(el.n);
      case '$': return Frame::bulk(std::string(el.payload));
      case '#': return Frame::boolean(el.n != 0);
      case ',': {
        double d = 0;
        ParseRespDouble(el.payload, &d);
        return Frame::real(d);
      }
      case '(': return Frame::big_number(std::string(el.payload));
      case '=': return Frame::verbatim(el.payload.substr(0, 3), el.payload.substr(4));
      default: break;
    }
    const size_t count = static_cast<size_t>(el.type == '%' ? 2 * el.n : el.n);
    std::vector<Frame> elements;
    elements.reserve(count);  // safe: check() saw every one of them
    for (size_t i = 0; i < count; ++i) elements.push_back(build(pos));
    switch (el.type) {
      case '*': return Frame::array(std::move(elements));
      case '~': return Frame::set(std::move(elements));
      case '%': return Frame::map(std::move(elements));
      case '>': return Frame::push(std::move(elements));
      default: throw std::logic_error("FrameBuilder: unchecked type byte");
    }
  }

 private:
  Element read(size_t& pos) {
    Element el;
    size_t search_from = pos + 1;
    std::string error;
    if (reader_.read(pos, search_from, el, error) != Step::kOk) {
      throw std::logic_error("FrameBuilder: frame changed after it was checked");
    }
    pos = el.next;
    return el;
  }

  ElementReader reader_;
};

}  // namespace

FrameParser::FrameParser(ProtocolLimits limits) : limits_(limits) {
  limits_.max_multibulk_len = std::min<int64_t>(limits_.max_multibulk_len, INT_MAX);
  limits_.max_nesting = std::clamp(limits_.max_nesting, 0, kMaxNestingLimit);
}

ParseResult FrameParser::check(std::string_view bytes) {
  if (depth_ < 0 || pos_ > bytes.size() || line_scan_ > bytes.size()) {
    pos_ = 0;
    line_scan_ = 0;
    depth_ = 0;
    pending_[0] = 1;
  }
  ElementReader reader(bytes, limits_);
  Element el;
  std::string error;
  for (;;) {
    while (depth_ > 0 && pending_[depth_] == 0) --depth_;  // aggregates just completed
    if (depth_ == 0 && pending_[0] == 0) {
      size_t consumed = pos_;
      reset();
      return {ParseStatus::kComplete, consumed, {}};
    }
    switch (reader.read(pos_, line_scan_, el, error)) {
      case Step::kOk: break;
      case Step::kIncomplete:
        if (bytes.size() > limits_.max_query_buffer) {
          reset();
          return {ParseStatus::kQueryBufferFull, 0, "query buffer limit reached"};
        }
        return {ParseStatus::kIncomplete, 0, {}};
      case Step::kError:
        reset();
        return {ParseStatus::kError, 0, std::move(error)};
    }
    // An attribute is not a value of its parent: the value after it is.
    if (el.type != '|') --pending_[depth_];
    if (IsAggregate(el.type) && !el.null) {
      if (depth_ + 1 > limits_.max_nesting) {
        reset();
        return {ParseStatus::kError, 0,
                "aggregates nested deeper than " + std::to_string(limits_.max_nesting)};
      }
      uint64_t count = static_cast<uint64_t>(el.n);
      if (el.type == '%' || el.type == '|') count *= 2;
      pending_[++depth_] = count;
    }
    pos_ = line_scan_ = el.next;
  }
}

FrameParser::Result FrameParser::parse(std::string_view bytes) {
  Result result;
  static_cast<ParseResult&>(result) = check(bytes);
  if (result.status == ParseStatus::kComplete) {
    size_t pos = 0;
    result.frame = FrameBuilder(bytes, limits_).build(pos);
  }
  return result;
}

FrameParser::Result ParseFrame(std::string_view bytes, const ProtocolLimits& limits) {
  return FrameParser(limits).parse(bytes);
}

}  // namespace corio::redis
