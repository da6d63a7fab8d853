// RequestManager: many tasks sharing a few connections to one Redis server, their requests
// pipelined automatically (the seeds' "manager task" pattern, finished).
//
//   RequestManager redis = RequestManager::start("127.0.0.1:6379", {.connections = 2});
//   // from any number of tasks, on any workers:
//   absl::StatusOr<std::optional<std::string>> v = co_await redis.get("k");
//   absl::Status s = (co_await redis.set("k", "v")).status();
//   ...
//   redis.shutdown();   // or let the last copy of the handle go
//
// How it works. start() spawns one task per connection (manager_connection.h). A request
// is `{encoded command, oneshot responder}`, sent over that connection's bounded mpsc
// channel (connections are chosen round robin); the connection task drains everything
// queued, writes it as one batch, and completes the responders in order as the replies
// arrive, so many requests are in flight on each connection. The channel's capacity is the
// back-pressure: when it is full (the server or the network is slower than the callers),
// request() waits for room, and memory stays bounded by capacity + max_in_flight requests
// per connection.
//
// The typed operations are TypedCommands' (typed_commands.h); errors as in client_reply.h.
// Failure behaviour:
// - Connection lost: every request written and not yet answered, and every one queued,
//   completes with kUnavailable naming the address and the cause; none ever receives
//   another request's reply. The task reconnects with exponential back-off
//   (reconnect_min doubling to reconnect_max); while it is disconnected, requests fail
//   at once with kUnavailable instead of waiting (no hang behind a dead server).
// - A caller that gives up (its task aborted, request_timeout passed, a select lost):
//   if its request was already written, its reply is read and dropped when it comes; if
//   it was still queued, it is not sent at all. Either way the connection stays in step.
// - shutdown() (or destroying the last copy of the handle): queued and in-flight requests
//   complete with kCancelled (after the last handle is gone there is nobody left to wait,
//   so in-flight replies are first read, then the connection closed); later requests fail
//   with kCancelled.
//
// Options: see RequestManagerOptions. Connections speak RESP2 and send nothing on connect
// (use a Client for AUTH/SELECT-style per-connection state: the manager's connections are
// interchangeable and reconnect, so such state would not survive).
//
// Threads: start() inside a runtime with io and time enabled (std::logic_error otherwise).
// A handle is cheap to copy (one shared_ptr); copies may be used from any tasks on any
// workers at once. The Tasks returned by the operations refer to the handle they were
// called on, which must outlive them (await before destroying it). Connection tasks never
// outlive the runtime; destroying the runtime cancels them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "redis/frame.h"
#include "redis/typed_commands.h"
#include "runtime/task.h"

namespace corio::redis {

struct RequestManagerOptions {
  // Connections to the server; requests are spread across them round robin.
  size_t connections = 1;
  // Requests each connection's channel holds before request() waits (the back-pressure).
  size_t queue_capacity = 1024;
  // Requests written on one connection and not yet answered before the connection task
  // stops writing until replies come back.
  size_t max_in_flight = 16384;
  // A batch is written once it holds this many bytes, even if more requests are queued.
  size_t max_batch_bytes = 256 * 1024;
  // Whole-request limit (queueing, writing, waiting for the reply): kDeadlineExceeded
  // after it. Zero: no limit.
  std::chrono::nanoseconds request_timeout{0};
  std::chrono::nanoseconds connect_timeout = std::chrono::seconds(2);
  // Back-off between reconnection attempts: starts at reconnect_min and doubles up to
  // reconnect_max; reset by a successful connect.
  std::chrono::nanoseconds reconnect_min = std::chrono::milliseconds(10);
  std::chrono::nanoseconds reconnect_max = std::chrono::seconds(1);
};

// Counters of all the manager's connections, readable from any thread.
struct RequestManagerStats {
  uint64_t connects = 0;          // connections established (the first ones included)
  uint64_t connect_failures = 0;  // attempts that failed
  uint64_t batches = 0;           // writes of queued requests
  uint64_t requests_written = 0;  // requests in those batches
  uint64_t requests_dropped = 0;  // queued requests not sent: their caller had gone
};

namespace internal {
struct ManagerShared;
}  // namespace internal

class RequestManager : public TypedCommands<RequestManager> {
 public:
  // Spawns the connection tasks (they connect in the background) and returns the handle.
  // std::invalid_argument for zero connections or capacities.
  static RequestManager start(std::string address, RequestManagerOptions options = {});

  // One encoded command (command_builder.h) and its reply frame, error replies included
  // as frames. The primitive the typed operations are built on. Output kUnavailable,
  // kCancelled or kDeadlineExceeded as in the header comment.
  Task<absl::StatusOr<Frame>> request(std::string encoded);

  // Stops every connection task (see the header comment). Idempotent; any thread.
  void shutdown();

  // Free slots in the connections' queues right now (all of them when idle).
  size_t free_queue_slots() const;
  RequestManagerStats stats() const;

 private:
  explicit RequestManager(std::shared_ptr<internal::ManagerShared> shared)
      : shared_(std::move(shared)) {}

  std::shared_ptr<internal::ManagerShared> shared_;
};

}  // namespace corio::redis
