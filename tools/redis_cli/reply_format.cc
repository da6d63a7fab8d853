#include "tools/redis_cli/reply_format.h"

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace corio::redis::cli {
namespace {

using Kind = Frame::Kind;

// Redis prints doubles with 17 significant digits, dropping what is not needed.
std::string double_text(double v) { return absl::StrFormat("%.17g", v); }

bool is_map(const Frame& f) { return f.kind() == Kind::kMap; }

const char* empty_aggregate(Kind kind) {
  switch (kind) {
    case Kind::kMap:
      return "(empty hash)\n";
    case Kind::kSet:
      return "(empty set)\n";
    case Kind::kPush:
      return "(empty push)\n";
    default:
      return "(empty array)\n";
  }
}

// A map value that will take several lines starts on a line of its own, so that its
// lines align (redis-cli 7.0 does the same).
bool spans_lines(const Frame& f) {
  if (!f.is_aggregate() || f.elements().empty()) return false;
  const size_t step = is_map(f) ? 2 : 1;
  if (f.elements().size() > step) return true;
  return spans_lines(f.elements()[step - 1]);
}

// Appends `f` in the human layout. `indent` is what precedes every line of an aggregate
// but its first: the first line follows the number the parent printed.
void append_human(std::string& out, const Frame& f, const std::string& indent) {
  switch (f.kind()) {
    case Kind::kError:
      absl::StrAppend(&out, "(error) ", f.str(), "\n");
      return;
    case Kind::kSimple:
      absl::StrAppend(&out, f.str(), "\n");
      return;
    case Kind::kInteger:
      absl::StrAppend(&out, "(integer) ", f.as_integer(), "\n");
      return;
    case Kind::kDouble:
      absl::StrAppend(&out, "(double) ", double_text(f.as_double()), "\n");
      return;
    case Kind::kBulk:
      absl::StrAppend(&out, quote(f.str()), "\n");
      return;
    case Kind::kVerbatim: {
      std::string_view text = f.verbatim_text();
      absl::StrAppend(&out, absl::string_view(text.data(), text.size()), "\n");
      return;
    }
    case Kind::kBigNumber:
      absl::StrAppend(&out, "(big number) ", f.str(), "\n");
      return;
    case Kind::kNull:
      out += "(nil)\n";
      return;
    case Kind::kBoolean:
      out += f.as_bool() ? "(true)\n" : "(false)\n";
      return;
    case Kind::kArray:
    case Kind::kMap:
    case Kind::kSet:
    case Kind::kPush:
      break;
  }
  const std::vector<Frame>& items = f.elements();
  if (items.empty()) {
    out += empty_aggregate(f.kind());
    return;
  }
  const size_t step = is_map(f) ? 2 : 1;
  const size_t count = items.size() / step;
  const int width = static_cast<int>(absl::StrCat(count).size());
  const std::string child_indent = indent + std::string(width + 2, ' ');
  const char separator = f.kind() == Kind::kSet ? '~' : is_map(f) ? '#' : ')';
  for (size_t n = 0; n < count; ++n) {
    if (n > 0) out += indent;
    absl::StrAppend(&out, absl::StrFormat("%*d", width, static_cast<int>(n + 1)),
                    std::string(1, separator), " ");
    append_human(out, items[n * step], child_indent);
    if (is_map(f)) {
      out.pop_back();  // the key's newline
      out += " => ";
      const Frame& value = items[n * step + 1];
      if (spans_lines(value)) absl::StrAppend(&out, "\n", child_indent);
      append_human(out, value, child_indent);
    }
  }
}

void append_raw(std::string& out, const Frame& f) {
  switch (f.kind()) {
    case Kind::kNull:
      return;
    case Kind::kError:
      absl::StrAppend(&out, f.str(), "\n");
      return;
    case Kind::kSimple:
    case Kind::kBulk:
    case Kind::kBigNumber:
      out += f.str();
      return;
    case Kind::kVerbatim:
      out += f.verbatim_text();
      return;
    case Kind::kBoolean:
      out += f.as_bool() ? "(true)" : "(false)";
      return;
    case Kind::kInteger:
      absl::StrAppend(&out, f.as_integer());
      return;
    case Kind::kDouble:
      out += double_text(f.as_double());
      return;
    case Kind::kArray:
    case Kind::kSet:
    case Kind::kPush:
    case Kind::kMap:
      break;
  }
  const std::vector<Frame>& items = f.elements();
  const size_t step = is_map(f) ? 2 : 1;
  for (size_t i = 0; i + step <= items.size(); i += step) {
    if (i > 0) out += "\n";
    append_raw(out, items[i]);
    if (is_map(f)) {
      out += " ";
      append_raw(out, items[i + 1]);
    }
  }
}

}  // namespace

std::string quote(std::string_view bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    switch (c) {
      case '\\':
      case '"':
        out += '\\';
        out += c;
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += c;
        } else {
          out += absl::StrFormat("\\x%02x", static_cast<unsigned char>(c));
        }
    }
  }
  out += '"';
  return out;
}

std::string format_human(const Frame& reply) {
  std::string out;
  append_human(out, reply, "");
  return out;
}

std::string format_raw(const Frame& reply) {
  std::string out;
  append_raw(out, reply);
  out += "\n";
  return out;
}

}  // namespace corio::redis::cli
