#include "redis/inline_args.h"

namespace corio::redis {
namespace {

// Blanks skipped between arguments: C's isspace() in the "C" locale (no \n can occur).
bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n';
}

// Bytes that end an unquoted argument. Narrower than IsBlank, as in Redis.
bool EndsWord(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes a "double quoted" run starting just after its opening quote at line[i]. On
// success returns the index after the closing quote; on failure npos.
size_t DecodeDoubleQuoted(std::string_view line, size_t i, std::string& out) {
  const size_t n = line.size();
  while (i < n) {
    char c = line[i];
    if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
        HexValue(line[i + 3]) >= 0) {
      out.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
      i += 4;
    } else if (c == '\\' && i + 1 < n) {
      char e = line[i + 1];
      switch (e) {
        case 'n': e = '\n'; break;
        case 'r': e = '\r'; break;
        case 't': e = '\t'; break;
        case 'b': e = '\b'; break;
        case 'a': e = '\a'; break;
        default: break;
      }
      out.push_back(e);
      i += 2;
    } else if (c == '"') {
      return i + 1;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return std::string_view::npos;  // no closing quote
}

// Same for a 'single quoted' run.
size_t DecodeSingleQuoted(std::string_view line, size_t i, std::string& out) {
  const size_t n = line.size();
  while (i < n) {
    char c = line[i];
    if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
      out.push_back('\'');
      i += 2;
    } else if (c == '\'') {
      return i + 1;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool SplitInlineArgs(std::string_view line, std::vector<std::string_view>& args,
                     std::string& storage) {
  const size_t n = line.size();
  bool storage_ready = false;
  size_t i = 0;
  while (true) {
    while (i < n && IsBlank(line[i])) ++i;
    if (i == n) return true;

    // Fast path: a plain word is a view into the line.
    size_t start = i;
    while (i < n && !EndsWord(line[i]) && line[i] != '"' && line[i] != '\'') ++i;
    if (i == n || EndsWord(line[i])) {
      args.push_back(line.substr(start, i - start));
      continue;  // the delimiter is a blank, skipped above
    }

    // A quote opens inside (or at the start of) this word: decode it into storage.
    if (!storage_ready) {
      storage.clear();
      storage.reserve(n);
      storage_ready = true;
    }
    size_t token_start = storage.size();
    storage.append(line.substr(start, i - start));
    size_t after = line[i] == '"' ? DecodeDoubleQuoted(line, i + 1, storage)
                                  : DecodeSingleQuoted(line, i + 1, storage);
    // The closing quote must end the word.
    if (after == std::string_view::npos || (after < n && !IsBlank(line[after]))) return false;
    args.push_back(std::string_view(storage).substr(token_start));
    i = after;
  }
}

}  // namespace corio::redis
