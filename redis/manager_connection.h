// The task behind one RequestManager connection (request_manager.h holds the contract).
//
// run_manager_connection() loops: connect (with a timeout, racing shutdown); serve the
// connection until it is lost, the channel is finished or shutdown is requested; fail
// whatever was in flight or queued; wait out the back-off while failing new arrivals at
// once; reconnect.
//
// Serving is two coroutines of this one task, raced with the shutdown token by select():
// - the writer receives a request, takes whatever else is queued without waiting (up to
//   max_batch_bytes), appends each responder to the in-flight FIFO and writes the batch
//   with one write_all;
// - the reader parses every whole reply in its buffer, completing in-flight responders in
//   FIFO order, then reads more.
// Both run on the task's own waker, never concurrently, so the FIFO and the counters
// shared by the two are plain members: no locks. A reply whose caller has gone (its
// oneshot receiver destroyed) is dropped by the failed send.
//
// Threads: the task runs on any worker; the channel and the counters are its only links
// to the callers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "redis/frame.h"
#include "redis/request_manager.h"
#include "runtime/task.h"
#include "sync/cancellation_token.h"
#include "sync/mpsc.h"
#include "sync/oneshot.h"

namespace corio::redis::internal {

using Reply = absl::StatusOr<Frame>;

struct PendingRequest {
  std::string encoded;
  sync::oneshot::Sender<Reply> responder;
};

using RequestSender = sync::mpsc::Sender<PendingRequest>;
using RequestReceiver = sync::mpsc::Receiver<PendingRequest>;

// RequestManagerStats as atomics, shared by the handle and every connection task.
struct ManagerCounters {
  std::atomic<uint64_t> connects{0};
  std::atomic<uint64_t> connect_failures{0};
  std::atomic<uint64_t> batches{0};
  std::atomic<uint64_t> requests_written{0};
  std::atomic<uint64_t> requests_dropped{0};

  void add(std::atomic<uint64_t>& c, uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
};

// Runs until the channel is finished (every handle gone) or `shutdown` is cancelled.
Task<void> run_manager_connection(std::string address, RequestManagerOptions options,
                                  RequestReceiver requests, sync::CancellationToken shutdown,
                                  std::shared_ptr<ManagerCounters> counters);

}  // namespace corio::redis::internal
