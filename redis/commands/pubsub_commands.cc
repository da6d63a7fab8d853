// Pub/sub: PUBLISH, SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBSUB (CHANNELS,
// NUMSUB, NUMPAT). Confirmations are push frames in RESP3 and arrays in RESP2, as Redis.
#include <string>
#include <vector>

#include "redis/client_state.h"
#include "redis/command.h"
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
    c.out.error("ERR wrong number of arguments for 'pubsub|channels' command");
    return;
  }
  auto names = c.server.pubsub_channels(c.argc() == 3 ? c.arg(2) : "");
  c.out.array_header(names.size());
  for (const auto& n : names) c.out.bulk(n);
}

void pubsub_numsub(CommandContext& c) {
  c.out.map_header(c.argc() - 2);
  for (size_t i = 2; i < c.argc(); ++i) {
    c.out.bulk(c.arg(i));
    c.out.integer(static_cast<int64_t>(c.server.pubsub_numsub(c.arg(i))));
  }
}

void pubsub_numpat(CommandContext& c) {
  c.out.integer(static_cast<int64_t>(c.server.pubsub_numpat()));
}

}  // namespace

void register_pubsub_commands(std::vector<CommandSpec>& out) {
  const uint32_t kPS = kPubsub | kNoscript | kLoading | kStale;
  out.push_back({"publish", 3, kPubsub | kLoading | kStale | kFast, 0, 0, 0, publish, "pubsub",
                 "Post a message to a channel", "2.0.0"});
  out.push_back({"subscribe", -2, kPS | kSubscribed, 0, 0, 0, subscribe, "pubsub",
                 "Listen for messages published to the given channels", "2.0.0"});
  out.push_back({"unsubscribe", -1, kPS | kSubscribed, 0, 0, 0, unsubscribe, "pubsub",
                 "Stop listening for messages posted to the given channels", "2.0.0"});
  out.push_back({"psubscribe", -2, kPS | kSubscribed, 0, 0, 0, psubscribe, "pubsub",
                 "Listen for messages published to channels matching the given patterns",
                 "2.0.0"});
  out.push_back({"punsubscribe", -1, kPS | kSubscribed, 0, 0, 0, punsubscribe, "pubsub",
                 "Stop listening for messages posted to channels matching the given patterns",
                 "2.0.0"});
  CommandSpec pubsub{"pubsub", -2, 0, 0, 0, 0, nullptr, "pubsub",
                     "A container for Pub/Sub commands", "2.8.0"};
  pubsub.subcommands = {
      {"pubsub|channels", -2, kPubsub | kLoading | kStale, 0, 0, 0, pubsub_channels, "pubsub",
       "List active channels"},
      {"pubsub|numsub", -2, kPubsub | kLoading | kStale, 0, 0, 0, pubsub_numsub, "pubsub",
       "Get the count of subscribers for channels"},
      {"pubsub|numpat", 2, kPubsub | kLoading | kStale, 0, 0, 0, pubsub_numpat, "pubsub",
       "Get the count of unique patterns pattern subscriptions"},
  };
  out.push_back(std::move(pubsub));
}

}  // namespace corio::redis
