// Splits a line typed at the CLI prompt into command arguments, with redis-cli's quoting:
//
//   set "a key" 'it''s'        -> error (a closing quote must end the argument)
//   set "a key" "line\none"    -> {"set", "a key", "line<LF>one"}
//   set k "\x00\xff"           -> {"set", "k", "<NUL><0xFF>"}
//
// Outside quotes, spaces, tabs and newlines separate arguments. Inside double quotes,
// \n \r \t \b \a and \xHH (two hex digits) are escapes and a backslash before any other
// character yields that character; inside single quotes only \' is an escape. A quote
// may start in the middle of an argument; a closing quote must be followed by a space or
// the end of the line. nullopt for an unbalanced or misplaced quote.
//
// Thread-safety: a pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corio::redis::cli {

std::optional<std::vector<std::string>> split_args(std::string_view line);

}  // namespace corio::redis::cli
