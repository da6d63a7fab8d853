// Commands as data: a table of CommandSpec (name, arity, flags, key positions, handler).
//
// Arity errors, COMMAND COUNT/INFO/DOCS, the keys a command touches (for locking, WATCH and
// later cluster slots) and dispatch all come from the spec; a handler only implements the
// command's meaning. Handlers are plain functions: they run to completion on the
// connection's task, never suspend, and may take keyspace locks inside (keyspace.h).
//
// Arity follows Redis: N > 0 means exactly N arguments (the name included), -N at least N.
// A command with subcommands (CLIENT, CONFIG, ...) lists them; the container's handler is
// not called: dispatch goes to "container|sub".
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "redis/reply_writer.h"
#include "redis/resp_parser.h"

namespace corio::redis {

class Keyspace;
class Server;
struct ClientState;

// Flags (a subset of Redis's, with the same meaning; printed by COMMAND INFO).
enum CommandFlag : uint32_t {
  kWrite = 1u << 0,
  kReadonly = 1u << 1,
  kDenyOom = 1u << 2,
  kAdmin = 1u << 3,
  kPubsub = 1u << 4,
  kNoscript = 1u << 5,
  kBlocking = 1u << 6,
  kLoading = 1u << 7,
  kStale = 1u << 8,
  kFast = 1u << 9,
  kNoAuth = 1u << 10,       // allowed before AUTH (AUTH, HELLO, QUIT)
  kNoMulti = 1u << 11,      // executed at once even inside MULTI (EXEC, DISCARD, ...)
  kSubscribed = 1u << 12,   // allowed in RESP2 subscribed mode
  kAllowBusy = 1u << 13,
  kSkipMonitor = 1u << 14,
  kSkipSlowlog = 1u << 15,
};

struct CommandContext {
  Server& server;
  Keyspace& ks;
  ClientState& client;
  const CommandArgs& args;  // args[0] is the command name as sent
  ReplyWriter& out;

  size_t argc() const { return args.size(); }
  std::string_view arg(size_t i) const { return args[i]; }
};

using CommandHandler = void (*)(CommandContext&);

struct CommandSpec {
  std::string_view name;  // lowercase; "container|sub" for subcommands
  int arity;
  uint32_t flags;
  int first_key;  // 0: no keys
  int last_key;   // -1: the last argument
  int key_step;
  CommandHandler handler;
  std::string_view group;    // Redis's command group ("string", "keyspace", ...)
  std::string_view summary;  // one line, for COMMAND DOCS
  std::string_view since = "1.0.0";
  std::vector<CommandSpec> subcommands = {};
};

// The flags Redis prints for `flags` (COMMAND INFO), in Redis's order.
std::vector<std::string_view> flag_names(uint32_t flags);

// Registration hooks, one per command family (commands/*.cc).
void register_connection_commands(std::vector<CommandSpec>& out);
void register_server_commands(std::vector<CommandSpec>& out);
void register_string_commands(std::vector<CommandSpec>& out);
void register_key_commands(std::vector<CommandSpec>& out);
void register_pubsub_commands(std::vector<CommandSpec>& out);
void register_transaction_commands(std::vector<CommandSpec>& out);

}  // namespace corio::redis
