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
  discard_transaction(c.server, c.client);
  c.out.simple("OK");
}

// EXEC: 1. without MULTI, an error; 2. a command failed to queue: EXECABORT; 3. a watched
// key was touched (or has expired) since WATCH: a null array; 4. otherwise every queued
// command runs, under every shard lock, and the reply is the array of their replies.
// The transaction (and every WATCH) ends in all cases.
void exec(CommandContext& c) {
  ClientState& cl = c.client;
  if (!cl.in_multi) {
    c.out.error("ERR EXEC without MULTI");
    return;
  }
  if (cl.multi_error) {
    discard_transaction(c.server, cl);
    c.out.error("EXECABORT Transaction discarded because of previous errors.");
    return;
  }
  AllLocks all(c.ks);
  // Lazy expiry of a watched key counts as a touch: look them up under the locks first.
  for (const auto& [db, key] : cl.watched) (void)c.ks.shard(db, key).find(key);
  if (cl.dirty->load()) {
    discard_transaction(c.server, cl);
    c.out.null_array();
    return;
  }
  // The queued commands are never MULTI, EXEC, DISCARD, WATCH or RESET (those are not
  // queued), so `queued` stays as it is while they run.
  cl.in_exec = true;
  c.out.array_header(cl.queued.size());
  CommandArgs args;
  for (size_t i = 0; i < cl.queued.size(); ++i) {
    const ClientState::QueuedCommand& q = cl.queued[i];
    args.assign(q.args);
    run_command(c.server, cl, *q.spec, args, c.out);
  }
  cl.in_exec = false;
  discard_transaction(c.server, cl);
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
  auto add = [&](CommandSpec spec) {
    spec.group = "transactions";
    spec.acl |= kAclTransaction;
    if (spec.complexity.empty()) spec.complexity = "O(1)";
    out.push_back(std::move(spec));
  };
  add({.name = "multi", .arity = 1, .flags = kTx | kNotQueued, .handler = multi,
       .summary = "Mark the start of a transaction block", .since = "1.2.0"});
  add({.name = "exec", .arity = 1,
       .flags = kNoscript | kLoading | kStale | kSkipSlowlog | kNotQueued, .handler = exec,
       .summary = "Execute all commands issued after MULTI", .since = "1.2.0",
       .complexity = "Depends on commands in the transaction"});
  add({.name = "discard", .arity = 1, .flags = kTx | kNotQueued, .handler = discard,
       .summary = "Discard all commands issued after MULTI", .since = "2.0.0",
       .complexity = "O(N), when N is the number of queued commands"});
  add({.name = "watch", .arity = -2, .flags = kTx | kNotQueued, .handler = watch,
       .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
       .since = "2.2.0", .complexity = "O(1) for every key.",
       .keys = {{.flags = "RO", .index = 1, .lastkey = -1}},
       .first_key = 1, .last_key = -1, .key_step = 1});
  add({.name = "unwatch", .arity = 1, .flags = kTx, .handler = unwatch,
       .summary = "Forget about all watched keys", .since = "2.2.0"});
}

}  // namespace corio::redis
