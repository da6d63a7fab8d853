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

#include <atomic>
#include <cstdint>
#include <string_view>
#include <vector>

#include "redis/reply_writer.h"
#include "redis/striped_counter.h"
#include "redis/resp_parser.h"

namespace corio::redis {

class Keyspace;
class Server;
struct ClientState;

// Flags: a subset of Redis's, with the same meaning, printed by COMMAND INFO in Redis's
// order (flag_names), followed by flags of our own that only steer dispatch.
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
  kNoAuth = 1u << 10,     // allowed before AUTH (AUTH, HELLO, QUIT, RESET)
  kNoMulti = 1u << 11,    // refused inside MULTI (SHUTDOWN)
  kAllowBusy = 1u << 13,
  kSkipMonitor = 1u << 14,
  kSkipSlowlog = 1u << 15,
  kNoAsyncLoading = 1u << 16,
  kNoMandatoryKeys = 1u << 17,
  // Ours, never printed:
  kSubscribed = 1u << 24,  // allowed in RESP2 subscribed mode
  kNotQueued = 1u << 25,   // runs at once inside MULTI (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET)
};

// Redis's ACL categories, in the order COMMAND INFO prints them. A command's categories
// are the explicit ones of its spec plus those implied by its flags (acl_categories()).
enum AclCategory : uint32_t {
  kAclKeyspace = 1u << 0,
  kAclRead = 1u << 1,
  kAclWrite = 1u << 2,
  kAclString = 1u << 7,
  kAclPubsub = 1u << 12,
  kAclAdmin = 1u << 13,
  kAclFast = 1u << 14,
  kAclSlow = 1u << 15,
  kAclBlocking = 1u << 16,
  kAclDangerous = 1u << 17,
  kAclConnection = 1u << 18,
  kAclTransaction = 1u << 19,
  kAclScripting = 1u << 20,
};

// One key specification (Redis 7.0's key specs, as COMMAND INFO prints them): the keys
// start at argument `index`; `lastkey` is relative to it (-1: the last argument), every
// `keystep` arguments; `limit` 0 = no limit.
struct KeySpec {
  std::string_view flags;  // space separated, as printed: "RW access update"
  int index;
  int lastkey = 0;
  int keystep = 1;
  int limit = 0;
  std::string_view notes = {};
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

// Per-command counters for INFO commandstats, owned by the CommandTable.
// Striped: GET and SET are counted on every worker for every call, and one shared atomic
// per counter bounced its cache line between cores.
struct CommandStats {
  StripedCounter calls;
  StripedCounter ticks;  // CycleClock ticks spent in the handler
  StripedCounter rejected_calls;  // refused by dispatch (arity, NOAUTH, ...)
  StripedCounter failed_calls;    // ran and replied with an error
};

struct CommandSpec {
  std::string_view name;  // lowercase; "container|sub" for subcommands
  int arity;
  uint32_t flags;
  CommandHandler handler = nullptr;  // null for a container
  std::string_view group = {};       // Redis's command group ("string", "generic", ...)
  std::string_view summary = {};     // one line, for COMMAND DOCS
  std::string_view since = "1.0.0";
  std::string_view complexity = {};
  bool deprecated = false;      // COMMAND DOCS doc_flags
  uint32_t acl = 0;             // explicit ACL categories (AclCategory)
  std::string_view tips = {};   // space separated command tips, as printed
  std::vector<KeySpec> keys = {};
  // COMMAND INFO's legacy (first, last, step): 0 0 0 for commands without keys.
  int first_key = 0;
  int last_key = 0;  // -1: the last argument
  int key_step = 0;
  std::vector<CommandSpec> subcommands = {};
  CommandStats* stats = nullptr;  // set by the CommandTable
};

// The flags Redis prints for `flags` (COMMAND INFO), in Redis's order.
std::vector<std::string_view> flag_names(uint32_t flags);
// The ACL categories COMMAND INFO prints ("@read", ...): explicit plus implied by flags.
std::vector<std::string_view> acl_categories(const CommandSpec& spec);

// Registration hooks, one per command family (commands/*.cc).
void register_connection_commands(std::vector<CommandSpec>& out);
void register_server_commands(std::vector<CommandSpec>& out);
void register_string_commands(std::vector<CommandSpec>& out);
void register_key_commands(std::vector<CommandSpec>& out);
void register_pubsub_commands(std::vector<CommandSpec>& out);
void register_transaction_commands(std::vector<CommandSpec>& out);

}  // namespace corio::redis
