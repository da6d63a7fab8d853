// Helpers shared by the command families: Redis's strict number parsing and formatting,
// and its common error replies.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace corio::redis {

inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNoSuchKey = "ERR no such key";
inline constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";

// Redis's string2ll: optional '-', digits, no '+', no leading zeros, no spaces, in range.
bool parse_i64(std::string_view s, int64_t& out);
// Redis's string2ld for INCRBYFLOAT (no spaces, finite or "inf" rejected by callers).
bool parse_long_double(std::string_view s, long double& out);
// Formats like Redis's ld2string in LD_STR_HUMAN mode (INCRBYFLOAT results).
std::string format_long_double(long double v);
// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);
// What C's %s shows of `s` (Redis formats arguments into messages that way): up to the
// first NUL byte.
std::string_view c_str(std::string_view s);

struct CommandContext;
// A subcommand's HELP reply as Redis writes it: "<COMMAND> <subcommand> [<arg> [value]
// [opt] ...]. Subcommands are:", the lines, then "HELP" / "    Prints this help.", each a
// simple string.
void reply_help(CommandContext& c, std::string_view command,
                std::initializer_list<std::string_view> lines);
// Redis's getIntFromObjectOrReply: an integer that fits an int. On failure writes `msg`
// (or Redis's default messages when empty) and returns false.
bool parse_int_or_reply(CommandContext& c, std::string_view arg, int& out,
                        std::string_view msg = {});
// "ERR unknown subcommand or wrong number of arguments for '<arg 1>'. Try <ARG 0> HELP."
void reply_subcommand_syntax_error(CommandContext& c);

}  // namespace corio::redis
