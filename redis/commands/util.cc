#include "redis/commands/util.h"

#include "redis/command.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace corio::redis {

bool parse_i64(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  bool negative = false;
  if (s.size() == 1 && s[0] == '0') {
    out = 0;
    return true;
  }
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    out = static_cast<int64_t>(v);
  }
  return true;
}

bool parse_long_double(std::string_view s, long double& out) {
  if (s.empty() || s.size() >= 5120) return false;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string buf(s);
  errno = 0;
  char* end = nullptr;
  long double v = std::strtold(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size() || errno == ERANGE || std::isnan(v)) return false;
  out = v;
  return true;
}

std::string format_long_double(long double v) {
  char buf[5 * 1024];
  // Human-friendly: fixed notation with up to 17 digits, trailing zeros trimmed.
  int n = std::snprintf(buf, sizeof buf, "%.17Lf", v);
  if (n <= 0) return "0";
  std::string s(buf, static_cast<size_t>(n));
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::string_view c_str(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

void reply_help(CommandContext& c, std::string_view command,
                std::initializer_list<std::string_view> lines) {
  c.out.array_header(lines.size() + 3);
  c.out.simple(std::string(command) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view l : lines) c.out.simple(l);
  c.out.simple("HELP");
  c.out.simple("    Prints this help.");
}

bool parse_int_or_reply(CommandContext& c, std::string_view arg, int& out,
                        std::string_view msg) {
  int64_t v;
  if (!parse_i64(arg, v)) {
    c.out.error(msg.empty() ? kErrNotInteger : "ERR " + std::string(msg));
    return false;
  }
  if (v < INT32_MIN || v > INT32_MAX) {
    c.out.error(msg.empty() ? "ERR value is out of range, value must between -2147483648 and "
                              "2147483647"
                            : "ERR " + std::string(msg));
    return false;
  }
  out = static_cast<int>(v);
  return true;
}

void reply_subcommand_syntax_error(CommandContext& c) {
  std::string cmd(c_str(c.arg(0)));
  for (char& ch : cmd) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
  }
  c.out.error("ERR unknown subcommand or wrong number of arguments for '" +
              std::string(c_str(c.arg(1)).substr(0, 128)) + "'. Try " + cmd + " HELP.");
}

}  // namespace corio::redis
