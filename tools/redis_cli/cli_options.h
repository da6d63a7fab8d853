// The CLI's command line, in redis-cli's syntax: options first, then the command.
//
//   redis_cli [-h host] [-p port] [-n db] [-a password] [-2|-3] [--raw|--no-raw] [cmd arg...]
//
// Option parsing stops at the first argument that is not an option, so a command's own
// arguments may start with '-' (`SET k -1`). parse_cli_options fails (with the message to
// print) for an unknown option, a missing value or a non-numeric port/db.
// Thread-safety: pure functions on values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace corio::redis::cli {

enum class OutputMode {
  kAuto,   // human on a terminal, raw otherwise (redis-cli's default)
  kRaw,    // --raw
  kHuman,  // --no-raw
};

struct CliOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  int64_t db = 0;
  std::optional<std::string> password;  // AUTH before anything else
  int protocol = 2;                     // 3: HELLO 3 on connect
  OutputMode output = OutputMode::kAuto;
  bool help = false;
  std::vector<std::string> command;  // empty: read commands (prompt on a terminal)
};

absl::StatusOr<CliOptions> parse_cli_options(const std::vector<std::string>& argv);

// The --help text.
std::string cli_usage();

}  // namespace corio::redis::cli
