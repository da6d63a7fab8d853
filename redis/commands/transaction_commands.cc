// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//
// EXEC runs the queued commands under every shard lock (AllLocks), so no other client
// observes part of a transaction; a watched key touched by anyone since WATCH (a write,
// a deletion, an expiry, FLUSHDB...) makes EXEC return a null array.
#include <string>
#include <string_view>
#include <vector>

#include "redis/client_state.h"
#include "redis/command.h"
#include "redis/connection.h"
#include "redis/keyspace.h"
#include "redis/server.h"

namespace corio::redis {
namespace {

void clear_watch(CommandContext& c) {
  if (!c.client.watched.empty()) c.ks.unwatch_all(c.client.dirty, c.client.watched);
  c.client.watched.clear();
  c.client.dirty->store(false);
}

void multi(CommandContext& c) {
  if (c.client.in_multi) {
    c.out.error("ERR MULTI calls can not be nested");
    return;
  }
  c.client.in_multi = true;
  c.client.multi_error = false;
  c.client.queued.clear();
  c.out.simple("OK");
}

void discard(CommandContext& c) {
  if (!c.client.in_multi) {
    c.out.error("ERR DISCARD without MULTI");
    return;
  }
  c.client.in_multi = false;
  c.client.queued.clear();
  clear_watch(c);
  c.out.simple("OK");
}

void exec(CommandContext& c) {
  ClientState& cl = c.client;
  if (!cl.in_multi) {
    c.out.error("ERR EXEC without MULTI");
    return;
  }
  cl.in_multi = false;
  std::vector<std::vector<std::string>> queued = std::move(cl.queued);
  cl.queued.clear();
  if (cl.multi_error) {
    cl.multi_error = false;
    clear_watch(c);
    c.out.error("EXECABORT Transaction discarded because of previous errors.");
    return;
  }
  AllLocks all(c.ks);
  // Lazy expiry of a watched key counts as a touch: look them up under the locks first.
  for (const auto& [db, key] : cl.watched) (void)c.ks.shard(db, key).find(key);
  if (cl.dirty->load()) {
    clear_watch(c);
    c.out.null_array();
    return;
  }
  c.out.array_header(queued.size());
  CommandArgs args;
  for (const auto& cmd : queued) {
    // Rebuild the views over the queued copies; execute as a normal call.
    std::string joined;
    size_t total = 0;
    for (const auto& a : cmd) total += a.size() + 32;
    joined.reserve(total);
    joined += "*" + std::to_string(cmd.size()) + "\r\n";
    for (const auto& a : cmd) {
      joined += "$" + std::to_string(a.size()) + "\r\n";
      joined += a;
      joined += "\r\n";
    }
    RequestParser parser;
    (void)parser.parse(joined, args);
    execute_command(c.server, cl, args, c.out);
  }
  clear_watch(c);
}

void watch(CommandContext& c) {
  if (c.client.in_multi) {
    c.out.error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  for (size_t i = 1; i < c.argc(); ++i) {
    std::pair<int, std::string> k{c.client.db, std::string(c.arg(i))};
    bool already = false;
    for (const auto& w : c.client.watched) already |= w == k;
    if (already) continue;
    // Lazily expire first, so an already-expired key does not count as touched later.
    c.ks.with_key(k.first, k.second, [&](Shard& s) { (void)s.find(k.second); });
    c.ks.watch(k.first, k.second, c.client.dirty);
    c.client.watched.push_back(std::move(k));
  }
  c.out.simple("OK");
}

void unwatch(CommandContext& c) {
  clear_watch(c);
  c.out.simple("OK");
}

}  // namespace

void register_transaction_commands(std::vector<CommandSpec>& out) {
  const uint32_t kTx = kNoscript | kLoading | kStale | kFast | kAllowBusy;
  out.push_back({"multi", 1, kTx | kNoMulti, 0, 0, 0, multi, "transactions",
                 "Mark the start of a transaction block", "1.2.0"});
  out.push_back({"exec", 1, kNoscript | kLoading | kStale | kSkipSlowlog | kNoMulti, 0, 0, 0,
                 exec, "transactions", "Execute all commands issued after MULTI", "1.2.0"});
  out.push_back({"discard", 1, kTx | kNoMulti, 0, 0, 0, discard, "transactions",
                 "Discard all commands issued after MULTI", "2.0.0"});
  out.push_back({"watch", -2, kTx | kNoMulti, 1, -1, 1, watch, "transactions",
                 "Watch the given keys to determine execution of the MULTI/EXEC block",
                 "2.2.0"});
  out.push_back({"unwatch", 1, kTx, 0, 0, 0, unwatch, "transactions",
                 "Forget about all watched keys", "2.2.0"});
}

}  // namespace corio::redis
