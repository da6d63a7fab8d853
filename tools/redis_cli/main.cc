// //tools:redis_cli: a redis-cli look-alike on our client library (see cli_options.h for
// the command line, reply_format.h for the output).
//
//   tools/bazelw run //tools:redis_cli -- -h 127.0.0.1 -p 6379 SET k v     -> OK
//   tools/bazelw run //tools:redis_cli                                    -> prompt
//
// With a command: runs it, prints the reply, exits (1 if the server cannot be reached).
// Without one: reads commands line by line (split with redis-cli's quoting rules), from a
// prompt with history (~/.corio_cli_history) when stdin is a terminal, from stdin
// otherwise. SUBSCRIBE/PSUBSCRIBE switch to printing messages as they arrive until the
// connection closes or Ctrl-C. The whole session is one task on a current-thread runtime;
// the prompt blocks a blocking-pool thread, never the runtime.
#include <editline/readline.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "net/net_error.h"
#include "redis/command_builder.h"
#include "redis/resp_connection.h"
#include "runtime/runtime.h"
#include "tools/redis_cli/cli_options.h"
#include "tools/redis_cli/reply_format.h"
#include "tools/redis_cli/split_args.h"

namespace corio::redis::cli {
namespace {

std::string lower(std::string s) {
  absl::AsciiStrToLower(&s);
  return s;
}

// Commands whose bulk reply is text meant to be read as is (redis-cli prints them raw).
bool prints_text_as_is(const std::vector<std::string>& args) {
  std::string cmd = lower(args[0]);
  std::string sub = args.size() > 1 ? lower(args[1]) : "";
  return cmd == "info" || cmd == "lolwut" ||
         (cmd == "client" && (sub == "list" || sub == "info")) ||
         (cmd == "memory" && (sub == "doctor" || sub == "malloc-stats")) ||
         (cmd == "latency" && sub == "doctor") ||
         (cmd == "cluster" && (sub == "nodes" || sub == "info"));
}

bool starts_subscription(const std::vector<std::string>& args) {
  std::string cmd = lower(args[0]);
  return cmd == "subscribe" || cmd == "psubscribe" || cmd == "ssubscribe";
}

void write_out(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

std::string history_path() {
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/.corio_cli_history" : "";
}

class CliSession {
 public:
  explicit CliSession(CliOptions options)
      : options_(std::move(options)),
        human_(options_.output == OutputMode::kHuman ||
               (options_.output == OutputMode::kAuto && ::isatty(STDOUT_FILENO) == 1)),
        prompting_(::isatty(STDIN_FILENO) == 1),
        db_(options_.db) {}

  Task<int> run() {
    if (!options_.command.empty()) {
      auto connecting = connect();
      absl::Status connected = co_await connecting;
      if (!connected.ok()) co_return 1;
      auto running = run_command(options_.command);
      absl::Status ran = co_await running;
      co_return ran.ok() ? 0 : 1;
    }
    auto looping = repl();
    co_return co_await looping;
  }

 private:
  std::string address() const { return absl::StrCat(options_.host, ":", options_.port); }

  std::string prompt() const {
    if (!conn_) return "not connected> ";
    return db_ == 0 ? address() + "> " : absl::StrCat(address(), "[", db_, "]> ");
  }

  // Connects and replays the session's settings (AUTH, HELLO 3, SELECT).
  Task<absl::Status> connect() {
    auto connecting = RespConnection::connect(address());
    absl::StatusOr<RespConnection> conn = co_await connecting;
    if (!conn.ok()) {
      int err = net::errno_of(conn.status());
      std::fprintf(stderr, "Could not connect to Redis at %s: %s\n", address().c_str(),
                   err > 0 ? std::strerror(err) : std::string(conn.status().message()).c_str());
      co_return conn.status();
    }
    conn_.emplace(*std::move(conn));
    std::vector<std::vector<std::string>> setup;
    if (options_.password) setup.push_back({"AUTH", *options_.password});
    if (options_.protocol == 3) setup.push_back({"HELLO", "3"});
    if (db_ != 0) setup.push_back({"SELECT", absl::StrCat(db_)});
    for (const auto& args : setup) {
      auto asking = execute(args);
      absl::StatusOr<Frame> reply = co_await asking;
      if (!reply.ok()) co_return reply.status();
      if (reply->kind() == Frame::Kind::kError) {
        std::fprintf(stderr, "%s failed: %s\n", args[0].c_str(), reply->str().c_str());
      }
    }
    co_return absl::OkStatus();
  }

  // Sends one command and reads its reply; a transport failure disconnects.
  Task<absl::StatusOr<Frame>> execute(std::vector<std::string> args) {
    std::string bytes = encode_command(args);
    auto writing = conn_->write_all(bytes);
    absl::Status written = co_await writing;
    if (!written.ok()) {
      lost(written);
      co_return written;
    }
    auto reading = conn_->read_frame();
    absl::StatusOr<Frame> reply = co_await reading;
    if (!reply.ok()) lost(reply.status());
    co_return reply;
  }

  void lost(const absl::Status& why) {
    conn_.reset();
    std::fprintf(stderr, "Error: %s\n", std::string(why.message()).c_str());
  }

  void print(const Frame& reply, bool text_as_is) {
    if (text_as_is && (reply.kind() == Frame::Kind::kBulk || reply.kind() == Frame::Kind::kVerbatim)) {
      write_out(reply.kind() == Frame::Kind::kBulk ? reply.str()
                                                   : std::string(reply.verbatim_text()));
    } else {
      write_out(human_ ? format_human(reply) : format_raw(reply));
    }
  }

  Task<absl::Status> run_command(std::vector<std::string> args) {
    const bool subscribing = starts_subscription(args);
    if (subscribing && human_) write_out("Reading messages... (press Ctrl-C to quit)\n");
    auto executing = execute(args);
    absl::StatusOr<Frame> reply = co_await executing;
    if (!reply.ok()) co_return reply.status();
    print(*reply, prints_text_as_is(args));
    if (lower(args[0]) == "select" && args.size() == 2 && reply->kind() == Frame::Kind::kSimple) {
      db_ = std::atoll(args[1].c_str());
    }
    if (subscribing && reply->kind() != Frame::Kind::kError) {
      auto following = follow_messages();
      co_return co_await following;
    }
    co_return absl::OkStatus();
  }

  // Subscribe mode: prints every frame as it comes until the connection ends.
  Task<absl::Status> follow_messages() {
    for (;;) {
      auto reading = conn_->read_frame();
      absl::StatusOr<Frame> frame = co_await reading;
      if (!frame.ok()) {
        lost(frame.status());
        co_return frame.status();
      }
      print(*frame, false);
    }
  }

  // One line from the prompt (with history) or stdin; nullopt at end of input.
  Task<std::optional<std::string>> read_line() {
    auto reading = spawn_blocking([prompting = prompting_, p = prompt()]() -> std::optional<std::string> {
      if (!prompting) {
        std::string line;
        if (!std::getline(std::cin, line)) return std::nullopt;
        return line;
      }
      char* raw = readline(p.c_str());
      if (raw == nullptr) return std::nullopt;
      std::string line(raw);
      std::free(raw);
      return line;
    });
    absl::StatusOr<std::optional<std::string>> line = co_await reading;
    co_return line.ok() ? *line : std::nullopt;
  }

  Task<int> repl() {
    const std::string history = history_path();
    if (prompting_ && !history.empty()) (void)read_history(history.c_str());
    auto connecting = connect();
    (void)co_await connecting;
    for (;;) {
      auto reading = read_line();
      std::optional<std::string> line = co_await reading;
      if (!line) break;
      std::optional<std::vector<std::string>> args = split_args(*line);
      if (!args) {
        write_out("Invalid argument(s)\n");
        continue;
      }
      if (args->empty()) continue;
      if (prompting_) {
        add_history(line->c_str());
        if (!history.empty()) (void)write_history(history.c_str());
      }
      std::string cmd = lower((*args)[0]);
      if (cmd == "quit" || cmd == "exit") break;
      if (!conn_) {
        auto reconnecting = connect();
        if (!(co_await reconnecting).ok()) continue;
      }
      auto running = run_command(*std::move(args));
      (void)co_await running;
    }
    co_return 0;
  }

  const CliOptions options_;
  const bool human_;
  const bool prompting_;
  int64_t db_;
  std::optional<RespConnection> conn_;
};

int cli_main(int argc, char** argv) {
  absl::StatusOr<CliOptions> options =
      parse_cli_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n%s", std::string(options.status().message()).c_str(),
                 cli_usage().c_str());
    return 1;
  }
  if (options->help) {
    write_out(cli_usage());
    return 0;
  }
  if (options->password) {
    std::fprintf(stderr,
                 "Warning: Using a password with '-a' option on the command line interface "
                 "may not be safe.\n");
  }
  Runtime rt = Builder::current_thread().enable_all().build();
  CliSession session(*std::move(options));
  return rt.block_on(session.run());
}

}  // namespace
}  // namespace corio::redis::cli

int main(int argc, char** argv) { return corio::redis::cli::cli_main(argc, argv); }
