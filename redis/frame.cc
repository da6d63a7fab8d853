#include "redis/frame.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace corio::redis {

// Commands arrive as arrays of bulks; keep the node small (see the header).
static_assert(sizeof(Frame) <= 40, "Frame grew: check the variant's alternatives");

Frame Frame::map(std::vector<Frame> pairs) {
  if (pairs.size() % 2 != 0) throw std::invalid_argument("Frame::map needs key/value pairs");
  return Frame(Kind::kMap, std::move(pairs));
}

Frame Frame::verbatim(std::string_view format, std::string_view text) {
  std::string payload(3, ' ');
  for (size_t i = 0; i < 3 && i < format.size(); ++i) payload[i] = format[i];
  payload.push_back(':');
  payload.append(text);
  return Frame(Kind::kVerbatim, std::move(payload));
}

std::string_view KindName(Frame::Kind kind) {
  switch (kind) {
    case Frame::Kind::kSimple: return "simple";
    case Frame::Kind::kError: return "error";
    case Frame::Kind::kInteger: return "integer";
    case Frame::Kind::kBulk: return "bulk";
    case Frame::Kind::kNull: return "null";
    case Frame::Kind::kArray: return "array";
    case Frame::Kind::kMap: return "map";
    case Frame::Kind::kSet: return "set";
    case Frame::Kind::kDouble: return "double";
    case Frame::Kind::kBoolean: return "boolean";
    case Frame::Kind::kBigNumber: return "big number";
    case Frame::Kind::kVerbatim: return "verbatim";
    case Frame::Kind::kPush: return "push";
  }
  return "unknown";
}

namespace {

// C-style escaping for the debug form: printable ASCII as is, the rest as \n, \x01...
void AppendEscaped(std::string_view s, std::string& out) {
  for (unsigned char c : s) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out.push_back(static_cast<char>(c));
        } else {
          char hex[5];
          std::snprintf(hex, sizeof(hex), "\\x%02x", c);
          out += hex;
        }
    }
  }
}

void AppendDebug(const Frame& f, std::string& out);

void AppendList(const Frame& f, std::string_view open, std::string_view close,
                std::string& out) {
  out.append(open);
  const auto& e = f.elements();
  for (size_t i = 0; i < e.size(); ++i) {
    if (i > 0) out.append(", ");
    AppendDebug(e[i], out);
  }
  out.append(close);
}

void AppendDebug(const Frame& f, std::string& out) {
  switch (f.kind()) {
    case Frame::Kind::kSimple: out += "+" + f.str(); return;
    case Frame::Kind::kError: out += "-" + f.str(); return;
    case Frame::Kind::kInteger: out += ":" + std::to_string(f.as_integer()); return;
    case Frame::Kind::kBulk:
      out += '"';
      AppendEscaped(f.str(), out);
      out += '"';
      return;
    case Frame::Kind::kNull: out += "(nil)"; return;
    case Frame::Kind::kArray: AppendList(f, "[", "]", out); return;
    case Frame::Kind::kSet: AppendList(f, "~{", "}", out); return;
    case Frame::Kind::kPush: AppendList(f, ">[", "]", out); return;
    case Frame::Kind::kMap: {
      out += "%{";
      const auto& e = f.elements();
      for (size_t i = 0; i + 1 < e.size(); i += 2) {
        if (i > 0) out += ", ";
        AppendDebug(e[i], out);
        out += " => ";
        AppendDebug(e[i + 1], out);
      }
      out += "}";
      return;
    }
    case Frame::Kind::kDouble: {
      char num[40];
      std::snprintf(num, sizeof(num), ",%.17g", f.as_double());
      out += num;
      return;
    }
    case Frame::Kind::kBoolean: out += f.as_bool() ? "#t" : "#f"; return;
    case Frame::Kind::kBigNumber: out += "(" + f.str() + ")"; return;
    case Frame::Kind::kVerbatim:
      out += "=";
      out += f.verbatim_format();
      out += ":\"";
      AppendEscaped(f.verbatim_text(), out);
      out += '"';
      return;
  }
}

}  // namespace

std::string Frame::to_string() const {
  std::string out;
  AppendDebug(*this, out);
  return out;
}

bool operator==(const Frame& a, const Frame& b) {
  if (a.kind_ != b.kind_) return false;
  if (a.kind_ == Frame::Kind::kDouble) {
    double x = a.as_double(), y = b.as_double();
    return x == y || (std::isnan(x) && std::isnan(y));
  }
  return a.value_ == b.value_;  // recurses through vector<Frame> into this operator
}

}  // namespace corio::redis
