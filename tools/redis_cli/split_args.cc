#include "tools/redis_cli/split_args.h"

#include <cctype>

namespace corio::redis::cli {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

char escaped(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

// A closing quote at `i` must be followed by a separator or the end.
bool closes_argument(std::string_view line, size_t i) {
  return i + 1 >= line.size() || is_space(line[i + 1]);
}

}  // namespace

std::optional<std::vector<std::string>> split_args(std::string_view line) {
  std::vector<std::string> args;
  size_t i = 0;
  for (;;) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i >= line.size()) return args;
    std::string arg;
    enum { kBare, kDouble, kSingle } mode = kBare;
    bool done = false;
    while (!done) {
      if (i >= line.size()) {
        if (mode != kBare) return std::nullopt;  // unbalanced quote
        break;
      }
      char c = line[i];
      switch (mode) {
        case kDouble:
          if (c == '\\' && i + 3 < line.size() && line[i + 1] == 'x' &&
              hex_value(line[i + 2]) >= 0 && hex_value(line[i + 3]) >= 0) {
            arg += static_cast<char>(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3]));
            i += 3;
          } else if (c == '\\' && i + 1 < line.size()) {
            arg += escaped(line[++i]);
          } else if (c == '"') {
            if (!closes_argument(line, i)) return std::nullopt;
            done = true;
          } else {
            arg += c;
          }
          break;
        case kSingle:
          if (c == '\\' && i + 1 < line.size() && line[i + 1] == '\'') {
            arg += '\'';
            ++i;
          } else if (c == '\'') {
            if (!closes_argument(line, i)) return std::nullopt;
            done = true;
          } else {
            arg += c;
          }
          break;
        case kBare:
          if (is_space(c)) {
            done = true;
          } else if (c == '"') {
            mode = kDouble;
          } else if (c == '\'') {
            mode = kSingle;
          } else {
            arg += c;
          }
          break;
      }
      ++i;
    }
    args.push_back(std::move(arg));
  }
}

}  // namespace corio::redis::cli
