// How the CLI prints a reply: the two layouts redis-cli uses, so that scripts and people
// see the same text from our CLI as from redis-cli.
//
// - Human (redis-cli's default on a terminal, or --no-raw): `OK`, `(integer) 1`, `(nil)`,
//   `"quoted \x00 bulk"`, `(error) ERR ...`, arrays as numbered lines `1) ...` with
//   nested aggregates indented under their number, `(empty array)`; RESP3 maps as
//   `1# key => value`, sets as `1~ member`, `(double) 1.5`, `(true)`.
// - Raw (redis-cli's default when stdout is not a terminal, or --raw): strings as they
//   are, integers bare, nil as nothing, aggregates one element per line, errors as their
//   text; every reply ends with a newline.
//
// Big numbers, which redis-cli 7.0 cannot print, come out as `(big number) N` / `N`.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "redis/frame.h"

namespace corio::redis::cli {

std::string format_human(const Frame& reply);
std::string format_raw(const Frame& reply);

// A bulk string as redis-cli shows it: in double quotes, with \n \r \t \a \b \\ \"
// escaped and other unprintable bytes as \xHH.
std::string quote(std::string_view bytes);

}  // namespace corio::redis::cli
