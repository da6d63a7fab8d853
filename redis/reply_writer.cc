#include "redis/reply_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace corio::redis {
namespace {

// Longest int64 in decimal: "-9223372036854775808".
constexpr size_t kMaxInt64Chars = 20;
// Longest "%.17g" of a double: sign, 17 digits, point, "e-308".
constexpr size_t kMaxDoubleChars = 32;

char* AppendInt(char* p, int64_t v) {
  return std::to_chars(p, p + kMaxInt64Chars, v).ptr;
}

char* AppendCrlf(char* p) {
  p[0] = '\r';
  p[1] = '\n';
  return p + 2;
}

// Redis 7.0 formats doubles with "%.17g" (C locale) and spells infinities "inf"/"-inf".
// to_chars with an explicit precision is specified as printf's %g, without the locale.
size_t FormatDouble(double d, char* buf) {
  if (std::isinf(d)) {
    const char* s = d > 0 ? "inf" : "-inf";
    size_t n = std::strlen(s);
    std::memcpy(buf, s, n);
    return n;
  }
  return static_cast<size_t>(
      std::to_chars(buf, buf + kMaxDoubleChars, d, std::chars_format::general, 17).ptr - buf);
}

}  // namespace

void ReplyWriter::header(char type, int64_t v) {
  char* start = reinterpret_cast<char*>(out_.reserve(1 + kMaxInt64Chars + 2).data());
  char* p = start;
  *p++ = type;
  p = AppendCrlf(AppendInt(p, v));
  out_.commit(static_cast<size_t>(p - start));
}

void ReplyWriter::line(char type, std::string_view s) {
  char* start = reinterpret_cast<char*>(out_.reserve(s.size() + 3).data());
  start[0] = type;
  char* p = start + 1;
  for (char c : s) *p++ = (c == '\r' || c == '\n') ? ' ' : c;
  p = AppendCrlf(p);
  out_.commit(static_cast<size_t>(p - start));
}

void ReplyWriter::bulk(std::string_view s) {
  // One reservation for header, payload and CRLF: the payload is ours, not a peer's claim.
  char* start = reinterpret_cast<char*>(out_.reserve(1 + kMaxInt64Chars + 2 + s.size() + 2).data());
  char* p = start;
  *p++ = '$';
  p = AppendCrlf(AppendInt(p, static_cast<int64_t>(s.size())));
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p = AppendCrlf(p + s.size());
  out_.commit(static_cast<size_t>(p - start));
}

void ReplyWriter::null() { append(resp3_ ? "_\r\n" : "$-1\r\n"); }

void ReplyWriter::null_array() { append(resp3_ ? "_\r\n" : "*-1\r\n"); }

void ReplyWriter::map_header(size_t pairs) {
  if (resp3_) {
    header('%', static_cast<int64_t>(pairs));
  } else {
    header('*', static_cast<int64_t>(pairs) * 2);
  }
}

void ReplyWriter::real(double d) {
  char num[kMaxDoubleChars];
  size_t len = FormatDouble(d, num);
  if (!resp3_) {
    bulk(std::string_view(num, len));
    return;
  }
  char* start = reinterpret_cast<char*>(out_.reserve(1 + len + 2).data());
  start[0] = ',';
  std::memcpy(start + 1, num, len);
  AppendCrlf(start + 1 + len);
  out_.commit(1 + len + 2);
}

void ReplyWriter::boolean(bool b) {
  if (resp3_) {
    append(b ? "#t\r\n" : "#f\r\n");
  } else {
    append(b ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyWriter::big_number(std::string_view digits) {
  if (!resp3_) {
    bulk(digits);
    return;
  }
  char* start = reinterpret_cast<char*>(out_.reserve(1 + digits.size() + 2).data());
  start[0] = '(';
  if (!digits.empty()) std::memcpy(start + 1, digits.data(), digits.size());
  AppendCrlf(start + 1 + digits.size());
  out_.commit(1 + digits.size() + 2);
}

void ReplyWriter::verbatim(std::string_view text, std::string_view format) {
  if (!resp3_) {
    bulk(text);
    return;
  }
  const size_t payload = text.size() + 4;  // "fmt:" + text
  char* start = reinterpret_cast<char*>(
      out_.reserve(1 + kMaxInt64Chars + 2 + payload + 2).data());
  char* p = start;
  *p++ = '=';
  p = AppendCrlf(AppendInt(p, static_cast<int64_t>(payload)));
  for (size_t i = 0; i < 3; ++i) *p++ = i < format.size() ? format[i] : ' ';
  *p++ = ':';
  if (!text.empty()) std::memcpy(p, text.data(), text.size());
  p = AppendCrlf(p + text.size());
  out_.commit(static_cast<size_t>(p - start));
}

void ReplyWriter::frame(const Frame& f) {
  switch (f.kind()) {
    case Frame::Kind::kSimple: simple(f.str()); return;
    case Frame::Kind::kError: error(f.str()); return;
    case Frame::Kind::kInteger: integer(f.as_integer()); return;
    case Frame::Kind::kBulk: bulk(f.str()); return;
    case Frame::Kind::kNull: null(); return;
    case Frame::Kind::kDouble: real(f.as_double()); return;
    case Frame::Kind::kBoolean: boolean(f.as_bool()); return;
    case Frame::Kind::kBigNumber: big_number(f.str()); return;
    case Frame::Kind::kVerbatim: verbatim(f.verbatim_text(), f.verbatim_format()); return;
    case Frame::Kind::kArray: array_header(f.elements().size()); break;
    case Frame::Kind::kSet: set_header(f.elements().size()); break;
    case Frame::Kind::kPush: push_header(f.elements().size()); break;
    case Frame::Kind::kMap: map_header(f.elements().size() / 2); break;
  }
  for (const Frame& e : f.elements()) frame(e);
}

}  // namespace corio::redis
