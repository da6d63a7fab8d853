#include "tools/redis_cli/cli_options.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace corio::redis::cli {

absl::StatusOr<CliOptions> parse_cli_options(const std::vector<std::string>& argv) {
  CliOptions o;
  size_t i = 0;
  // The value of the option at argv[i], advancing past it.
  auto value = [&](const std::string& option) -> absl::StatusOr<std::string> {
    if (i + 1 >= argv.size()) {
      return absl::InvalidArgumentError(absl::StrCat("option ", option, " needs a value"));
    }
    return argv[++i];
  };
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.empty() || a[0] != '-' || a == "-") break;  // the command starts here
    if (a == "-h" || a == "-p" || a == "-n" || a == "-a") {
      absl::StatusOr<std::string> v = value(a);
      if (!v.ok()) return v.status();
      if (a == "-h") {
        o.host = *v;
      } else if (a == "-a") {
        o.password = *v;
      } else {
        int64_t n = 0;
        bool is_port = a == "-p";
        if (!absl::SimpleAtoi(*v, &n) || n < 0 || (is_port && (n == 0 || n > 65535))) {
          return absl::InvalidArgumentError(
              absl::StrCat("invalid ", is_port ? "port" : "database", " number: ", *v));
        }
        if (is_port) {
          o.port = static_cast<uint16_t>(n);
        } else {
          o.db = n;
        }
      }
    } else if (a == "-2" || a == "-3") {
      o.protocol = a == "-2" ? 2 : 3;
    } else if (a == "--raw") {
      o.output = OutputMode::kRaw;
    } else if (a == "--no-raw") {
      o.output = OutputMode::kHuman;
    } else if (a == "--help") {
      o.help = true;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unrecognized option or bad number of args for: '", a, "'"));
    }
  }
  o.command.assign(argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end());
  return o;
}

std::string cli_usage() {
  return "Usage: redis_cli [OPTIONS] [cmd [arg [arg ...]]]\n"
         "  -h <hostname>   Server hostname (default: 127.0.0.1).\n"
         "  -p <port>       Server port (default: 6379).\n"
         "  -n <db>         Database number.\n"
         "  -a <password>   Password to use when connecting to the server.\n"
         "  -2 / -3         Start the session in RESP2 (default) / RESP3 protocol mode.\n"
         "  --raw           Use raw formatting for replies (default when STDOUT is not a tty).\n"
         "  --no-raw        Force formatted output even when STDOUT is not a tty.\n"
         "  --help          Output this help and exit.\n"
         "Without a command, reads commands from the prompt (with history) or from stdin.\n"
         "SUBSCRIBE and PSUBSCRIBE print messages as they arrive until interrupted.\n";
}

}  // namespace corio::redis::cli
