// ClientState: what the server knows about one connection (CLIENT LIST's fields, the
// selected database, the protocol, MULTI/WATCH state, subscriptions, the pub/sub inbox).
//
// Threads: owned by the connection's task, which alone reads and writes the plain fields.
// Other connections reach a client only through the atomic fields and the Inbox (its own
// lock): CLIENT KILL sets `killed` and notifies; PUBLISH appends to the inbox.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "redis/keyspace.h"
#include "sync/notify.h"

namespace corio::redis {

struct CommandSpec;

// A published message, encoded once per protocol on first use by a subscriber of it.
struct PubMessage {
  std::string resp2;
  std::string resp3;
};

// Messages waiting for a subscribed connection, with the bytes they hold (a subscriber
// too slow to keep up is disconnected past a limit, as Redis's pubsub output buffer limit).
struct Inbox {
  std::mutex mu;
  std::vector<std::shared_ptr<const PubMessage>> messages;  // guarded by mu (no allocation while empty)
  size_t bytes = 0;                                        // guarded by mu
  bool overflowed = false;                                 // guarded by mu
  sync::Notify ready;  // a message arrived, or the client was killed
};

struct ClientState {
  uint64_t id = 0;
  int db = 0;
  int protocol = 2;
  bool authenticated = false;
  std::string name;
  std::string addr;   // peer "ip:port"
  std::string laddr;  // local "ip:port"
  int fd = -1;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  std::string_view last_command = "NULL";  // a CommandSpec name (static storage)
  bool close_after_reply = false;  // QUIT, or a fatal protocol error
  bool no_evict = false;           // CLIENT NO-EVICT ON (shown as flag 'e')

  // MULTI/EXEC. While EXEC runs the queued commands, in_multi stays true (CLIENT INFO
  // shows flags=x and multi=<queued>, as Redis does) and in_exec is set.
  bool in_multi = false;
  bool in_exec = false;
  bool multi_error = false;  // a command failed to queue: EXEC answers EXECABORT
  struct QueuedCommand {
    const CommandSpec* spec;
    std::vector<std::string> args;
  };
  std::vector<QueuedCommand> queued;
  Keyspace::DirtyFlag dirty = std::make_shared<std::atomic<bool>>(false);
  std::vector<std::pair<int, std::string>> watched;

  // Pub/sub.
  absl::flat_hash_set<std::string> channels;
  absl::flat_hash_set<std::string> patterns;
  std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
  size_t subscriptions() const { return channels.size() + patterns.size(); }

  // Set by CLIENT KILL / shutdown from another task; the connection closes when it sees it.
  std::atomic<bool> killed{false};
};

}  // namespace corio::redis
