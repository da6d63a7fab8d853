// Subscriber: a connection in pub/sub mode (made by Client::subscribe / psubscribe).
//
//   auto sub = co_await client->subscribe({"news"});
//   for (;;) {
//     absl::StatusOr<Message> m = co_await sub->next_message();
//     if (!m.ok()) break;                       // connection lost
//     use(m->channel, m->payload);              // m->pattern set for PSUBSCRIBE matches
//   }
//   co_await sub->subscribe({"more"});  co_await sub->unsubscribe({"news"});
//
// Messages are delivered in the order the server sent them. subscribe()/unsubscribe()/
// psubscribe()/punsubscribe() send the command and wait until the server confirmed every
// name; messages that arrive meanwhile are kept for next_message(), never lost. The
// subscribed channels and patterns are tracked from the server's confirmations.
//
// Errors: kUnavailable once the server closed the connection, kDataLoss for bytes that are
// not RESP or a frame that is neither a message nor a confirmation, server error replies
// as is_server_error() statuses. The Subscriber is unusable after a transport error.
//
// Cancellation: next_message() is cancel-safe (a message read but not yet returned stays
// buffered), so it can race a timeout or a shutdown signal in select(). The (un)subscribe
// calls are not: if one is destroyed mid-way its confirmations are still consumed (and the
// tracked sets updated) by later calls, but a partly written command garbles the
// connection.
//
// Threads: one task at a time; destroyed inside its runtime; outlives its Tasks.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "redis/frame.h"
#include "redis/resp_connection.h"
#include "runtime/task.h"

namespace corio::redis {

// One published message.
struct Message {
  std::string channel;
  std::string payload;
  // The pattern that matched, for a message received through PSUBSCRIBE.
  std::optional<std::string> pattern;

  friend bool operator==(const Message&, const Message&) = default;
};

class Subscriber {
 public:
  using NameSet = absl::flat_hash_set<std::string>;

  explicit Subscriber(RespConnection conn) : conn_(std::move(conn)) {}
  Subscriber(Subscriber&&) noexcept = default;
  Subscriber& operator=(Subscriber&&) noexcept = default;

  // The next message (buffered ones first). Cancel-safe.
  Task<absl::StatusOr<Message>> next_message();

  Task<absl::Status> subscribe(std::vector<std::string> channels);
  // No channels: from every channel.
  Task<absl::Status> unsubscribe(std::vector<std::string> channels = {});
  Task<absl::Status> psubscribe(std::vector<std::string> patterns);
  // No patterns: from every pattern.
  Task<absl::Status> punsubscribe(std::vector<std::string> patterns = {});

  // As confirmed by the server so far.
  const NameSet& channels() const { return channels_; }
  const NameSet& patterns() const { return patterns_; }

 private:
  // Sends `command names...` and waits for one confirmation per name (or, for an
  // unsubscribe from everything, one per current subscription, at least one).
  Task<absl::Status> change(const char* command, std::vector<std::string> names);
  // Files one frame read from the server: a message is queued, a confirmation updates
  // the sets and is returned as its kind ("subscribe"...); anything else is an error.
  absl::StatusOr<std::optional<std::string>> file(Frame frame);

  RespConnection conn_;
  std::deque<Message> messages_;  // read while waiting for confirmations
  NameSet channels_;
  NameSet patterns_;
};

}  // namespace corio::redis
