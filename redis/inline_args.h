// SplitInlineArgs: splits one inline request line ("SET k \"a b\"" typed in telnet) into
// arguments by Redis 7.0's quoting rules, the ones redis-cli also uses:
//
// - Blanks (space, \t, \r, \v, \f) separate arguments; runs of them count once, and a
//   line of blanks has no arguments (the server ignores it).
// - An unquoted argument ends at a space, \t or \r (so \v and \f inside a word are kept).
// - "double quotes" take escapes: \xHH (two hex digits) is that byte; \n \r \t \b \a are
//   the control characters; a backslash before any other byte is that byte.
// - 'single quotes' take one escape, \' for a quote; other backslashes are literal.
// - A quote may open in the middle of a word (ab"cd" is "abcd"), but a closing quote
//   must be followed by a blank or the end of the line.
// - An unclosed quote, or a closing quote followed by anything else, is an error (Redis
//   replies "Protocol error: unbalanced quotes in request" and closes the connection).
//
// The line must not contain the terminating \n (nor the \r before it) and has no NUL byte
// (RequestParser guarantees both, as Redis's own line search does).
//
// Arguments that need no unescaping are views into `line`; the others are decoded into
// `storage`, which is cleared and reserved once to `line.size()` when the first quote
// appears, so that its views stay valid (decoding never makes a token longer than its
// source). Earlier views into `storage` are invalidated by then.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace corio::redis {

// Appends the arguments of `line` to `args`. Returns false on unbalanced quotes, leaving
// `args` with the arguments found before the bad one.
[[nodiscard]] bool SplitInlineArgs(std::string_view line, std::vector<std::string_view>& args,
                                   std::string& storage);

}  // namespace corio::redis
