// Pub/sub: PUBLISH, SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBSUB (CHANNELS,
// NUMSUB, NUMPAT). Confirmations are push frames in RESP3 and arrays in RESP2, as Redis.
#include <string>
#include <vector>

#include "redis/client_state.h"
#include "redis/command.h"
#include "redis/commands/util.h"
#include "redis/server.h"

namespace corio::redis {
namespace {

void confirm(CommandContext& c, std::string_view kind, std::string_view name, bool null_name) {
  c.out.push_header(3);
  c.out.bulk(kind);
  if (null_name) {
    c.out.null();
  } else {
    c.out.bulk(name);
  }
  c.out.integer(static_cast<int64_t>(c.client.subscriptions()));
}

void subscribe(CommandContext& c) {
  for (size_t i = 1; i < c.argc(); ++i) {
    c.server.subscribe(&c.client, std::string(c.arg(i)));
    confirm(c, "subscribe", c.arg(i), false);
  }
}

void psubscribe(CommandContext& c) {
  for (size_t i = 1; i < c.argc(); ++i) {
    c.server.psubscribe(&c.client, std::string(c.arg(i)));
    confirm(c, "psubscribe", c.arg(i), false);
  }
}

void unsubscribe_common(CommandContext& c, bool patterns) {
  std::string_view kind = patterns ? "punsubscribe" : "unsubscribe";
  auto& set = patterns ? c.client.patterns : c.client.channels;
  std::vector<std::string> names;
  if (c.argc() == 1) {
    names.assign(set.begin(), set.end());
    if (names.empty()) {
      confirm(c, kind, "", true);
      return;
    }
  } else {
    for (size_t i = 1; i < c.argc(); ++i) names.emplace_back(c.arg(i));
  }
  for (const std::string& n : names) {
    if (patterns) {
      c.server.punsubscribe(&c.client, n);
    } else {
      c.server.unsubscribe(&c.client, n);
    }
    confirm(c, kind, n, false);
  }
}
void unsubscribe(CommandContext& c) { unsubscribe_common(c, false); }
void punsubscribe(CommandContext& c) { unsubscribe_common(c, true); }

void publish(CommandContext& c) {
  c.out.integer(static_cast<int64_t>(c.server.publish(c.arg(1), c.arg(2))));
}

void pubsub_channels(CommandContext& c) {
  if (c.argc() > 3) {
    reply_subcommand_syntax_error(c);
    return;
  }
  auto names =
      c.server.pubsub_channels(c.argc() == 3 ? std::optional(c.arg(2)) : std::nullopt);
  c.out.array_header(names.size());
  for (const auto& n : names) c.out.bulk(n);
}

void pubsub_numsub(CommandContext& c) {
  // A flat array of channel, count pairs in both protocols, as Redis 7.0 sends it.
  c.out.array_header((c.argc() - 2) * 2);
  for (size_t i = 2; i < c.argc(); ++i) {
    c.out.bulk(c.arg(i));
    c.out.integer(static_cast<int64_t>(c.server.pubsub_numsub(c.arg(i))));
  }
}

void pubsub_numpat(CommandContext& c) {
  c.out.integer(static_cast<int64_t>(c.server.pubsub_numpat()));
}

// Shard channels (SSUBSCRIBE) are not supported: there are never any.
void pubsub_shardchannels(CommandContext& c) {
  if (c.argc() > 3) {
    reply_subcommand_syntax_error(c);
    return;
  }
  c.out.array_header(0);
}

void pubsub_shardnumsub(CommandContext& c) {
  c.out.array_header((c.argc() - 2) * 2);
  for (size_t i = 2; i < c.argc(); ++i) {
    c.out.bulk(c.arg(i));
    c.out.integer(0);
  }
}

void pubsub_help(CommandContext& c) {
  reply_help(c, "PUBSUB",
             {
                 "CHANNELS [<pattern>]",
                 "    Return the currently active channels matching a <pattern> (default: '*').",
                 "NUMPAT",
                 "    Return number of subscriptions to patterns.",
                 "NUMSUB [<channel> ...]",
                 "    Return the number of subscribers for the specified channels, excluding",
                 "    pattern subscriptions(default: no channels).",
                 "SHARDCHANNELS [<pattern>]",
                 "    Return the currently active shard level channels matching a <pattern> "
                 "(default: '*').",
                 "SHARDNUMSUB [<shardchannel> ...]",
                 "    Return the number of subscribers for the specified shard level "
                 "channel(s)",
             });
}

}  // namespace

void register_pubsub_commands(std::vector<CommandSpec>& out) {
  const uint32_t kPS = kPubsub | kNoscript | kLoading | kStale;
  auto add = [&](CommandSpec spec) {
    spec.group = "pubsub";
    out.push_back(std::move(spec));
  };
  add({.name = "publish", .arity = 3, .flags = kPubsub | kLoading | kStale | kFast,
       .handler = publish, .summary = "Post a message to a channel", .since = "2.0.0",
       .complexity = "O(N+M) where N is the number of clients subscribed to the receiving "
                     "channel and M is the total number of subscribed patterns (by any "
                     "client)."});
  add({.name = "subscribe", .arity = -2, .flags = kPS | kSubscribed, .handler = subscribe,
       .summary = "Listen for messages published to the given channels", .since = "2.0.0",
       .complexity = "O(N) where N is the number of channels to subscribe to."});
  add({.name = "unsubscribe", .arity = -1, .flags = kPS | kSubscribed, .handler = unsubscribe,
       .summary = "Stop listening for messages posted to the given channels", .since = "2.0.0",
       .complexity = "O(N) where N is the number of clients already subscribed to a "
                     "channel."});
  add({.name = "psubscribe", .arity = -2, .flags = kPS | kSubscribed, .handler = psubscribe,
       .summary = "Listen for messages published to channels matching the given patterns",
       .since = "2.0.0",
       .complexity = "O(N) where N is the number of patterns the client is already "
                     "subscribed to."});
  add({.name = "punsubscribe", .arity = -1, .flags = kPS | kSubscribed, .handler = punsubscribe,
       .summary = "Stop listening for messages posted to channels matching the given patterns",
       .since = "2.0.0",
       .complexity = "O(N+M) where N is the number of patterns the client is already "
                     "subscribed and M is the number of total patterns subscribed in the "
                     "system (by any client)."});
  CommandSpec pubsub{.name = "pubsub", .arity = -2, .flags = 0, .handler = nullptr,
                     .group = "pubsub", .summary = "A container for Pub/Sub commands",
                     .since = "2.8.0", .complexity = "Depends on subcommand."};
  const uint32_t kInfo = kPubsub | kLoading | kStale;
  pubsub.subcommands = {
      {.name = "pubsub|channels", .arity = -2, .flags = kInfo, .handler = pubsub_channels,
       .group = "pubsub", .summary = "List active channels", .since = "2.8.0",
       .complexity = "O(N) where N is the number of active channels, and assuming constant "
                     "time pattern matching (relatively short channels and patterns)"},
      {.name = "pubsub|numsub", .arity = -2, .flags = kInfo, .handler = pubsub_numsub,
       .group = "pubsub", .summary = "Get the count of subscribers for channels",
       .since = "2.8.0",
       .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested "
                     "channels"},
      {.name = "pubsub|numpat", .arity = 2, .flags = kInfo, .handler = pubsub_numpat,
       .group = "pubsub", .summary = "Get the count of unique patterns pattern subscriptions",
       .since = "2.8.0", .complexity = "O(1)"},
      {.name = "pubsub|shardchannels", .arity = -2, .flags = kInfo,
       .handler = pubsub_shardchannels, .group = "pubsub",
       .summary = "List active shard channels", .since = "7.0.0",
       .complexity = "O(N) where N is the number of active shard channels, and assuming "
                     "constant time pattern matching (relatively short shard channels)."},
      {.name = "pubsub|shardnumsub", .arity = -2, .flags = kInfo,
       .handler = pubsub_shardnumsub, .group = "pubsub",
       .summary = "Get the count of subscribers for shard channels", .since = "7.0.0",
       .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of "
                     "requested shard channels"},
      {.name = "pubsub|help", .arity = 2, .flags = kLoading | kStale, .handler = pubsub_help,
       .group = "pubsub", .summary = "Show helpful text about the different subcommands",
       .since = "6.2.0", .complexity = "O(1)"},
  };
  out.push_back(std::move(pubsub));
}

}  // namespace corio::redis
