// Client: one connection to a Redis server (ours or real Redis), one request at a time.
//
//   auto client = co_await Client::connect("127.0.0.1:6379");
//   if (!client.ok()) ...;
//   absl::Status s = (co_await client->set("k", "v")).status();
//   absl::StatusOr<std::optional<std::string>> v = co_await client->get("k");
//   absl::StatusOr<Frame> raw = co_await client->call({"OBJECT", "ENCODING", "k"});
//   auto sub = co_await client->subscribe({"news"});        // the client becomes a Subscriber
//
// The typed operations are TypedCommands' (typed_commands.h); each sends one command and
// waits for its reply, so a Client gives one round trip per operation. Many tasks sharing
// one server should go through a RequestManager (request_manager.h), which pipelines their
// requests over a few connections.
//
// Errors: connect failures (kUnavailable when refused, kInvalidArgument for a bad
// address); a server error reply is an is_server_error() status with Redis's message; a
// lost connection is kUnavailable, after which the Client stays unusable (every operation
// fails at once: connect a new one). The client speaks RESP2 and sends no command on
// connect (no HELLO, AUTH or SELECT: send them with call() if needed).
//
// Cancellation: destroying an operation's Task while it waits for its reply is safe: the
// reply is read and discarded by the next operation, so replies never go to the wrong
// caller. Destroying it while its request is only partly written leaves the connection
// unusable (kFailedPrecondition from then on): the server would read a garbled command.
//
// Threads: a Client is used by one task at a time (operations are sequential: await one
// before starting the next); it may move between tasks and workers between operations.
// It must be destroyed inside its runtime, and must outlive the Tasks of its operations.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "redis/frame.h"
#include "redis/resp_connection.h"
#include "redis/subscriber.h"
#include "redis/typed_commands.h"
#include "runtime/task.h"

namespace corio::redis {

class Client : public TypedCommands<Client> {
 public:
  // Connects to "host:port".
  static Task<absl::StatusOr<Client>> connect(std::string address);

  Client(Client&&) noexcept = default;
  Client& operator=(Client&&) noexcept = default;

  // Sends one encoded command and returns its reply; error replies are returned as
  // kError frames (the typed operations turn them into statuses). The primitive the
  // typed operations are built on.
  Task<absl::StatusOr<Frame>> request(std::string encoded);

  // Turns this client's connection into a Subscriber subscribed to `channels` (at least
  // one). The Client is unusable afterwards (kFailedPrecondition), even on failure.
  Task<absl::StatusOr<Subscriber>> subscribe(std::vector<std::string> channels);
  // The same with patterns (PSUBSCRIBE).
  Task<absl::StatusOr<Subscriber>> psubscribe(std::vector<std::string> patterns);

  // False once the connection was lost, left garbled by a cancelled write, or given to a
  // Subscriber.
  bool usable() const { return broken_.ok(); }

 private:
  explicit Client(RespConnection conn) : conn_(std::move(conn)) {}
  // Reads and drops the replies owed to cancelled requests.
  Task<absl::Status> skip_abandoned_replies();
  Task<absl::StatusOr<Subscriber>> into_subscriber(bool patterns,
                                                   std::vector<std::string> names);

  RespConnection conn_;
  // Requests whose caller went away after writing them: their replies come first.
  size_t abandoned_ = 0;
  // Why the connection is unusable (OK while usable).
  absl::Status broken_;
};

}  // namespace corio::redis
