// LoadThread: one load generator thread, driving its share of the connections on its own
// current-thread corio runtime (thread-per-core, as memtier_benchmark and redis-benchmark
// --threads do: no task ever moves between threads, so a thread's connections share
// their counters and histogram without atomics).
//
// Each connection is a task (connection.h). What they measure goes into the thread's own
// Tally and LatencyHistogram; every kPublishPeriod a publisher task moves those into the
// thread's ThreadSlot under its mutex, where the reporter (runner.h) collects them. That
// mutex is taken ten times a second per thread, never per request.
//
// Ending: a connection stops sending once the run is over (its thread's share of
// --requests is spent, the deadline passed, or RunPlan::stop is set by SIGINT or
// --fail-fast), waits for the replies it is owed, and returns. Connections still waiting
// kStopGrace after the end (a hung server) are aborted.
//
// Threads: the constructor and run() on the thread that runs it; everything else is for
// that thread's connection tasks. The RunPlan is shared (read-only but for its atomics);
// the ThreadSlot is shared through its mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "net/socket_addr.h"
#include "runtime/join_handle.h"
#include "runtime/task.h"
#include "tools/loadgen/config.h"
#include "tools/loadgen/histogram.h"
#include "tools/loadgen/reply_scanner.h"
#include "tools/loadgen/workload.h"

namespace corio::loadgen {

using Clock = std::chrono::steady_clock;
using Instant = Clock::time_point;

// What happened, counted.
struct Tally {
  uint64_t requests = 0;          // replies received, error replies included
  uint64_t error_replies = 0;     // replies that were errors ("-ERR ...")
  uint64_t connect_failures = 0;  // connection attempts refused, timed out...
  uint64_t disconnects = 0;       // connections lost: reset, closed, protocol violation

  uint64_t errors() const { return error_replies + connect_failures + disconnects; }
  void add(const Tally& o) {
    requests += o.requests;
    error_replies += o.error_replies;
    connect_failures += o.connect_failures;
    disconnects += o.disconnects;
  }
};

// The run, as every thread sees it.
struct RunPlan {
  const LoadgenConfig* config = nullptr;
  const Workload* workload = nullptr;
  net::SocketAddr address;  // TCP, or the Unix socket when config->socket is set
  Instant start;
  std::optional<Instant> deadline;  // --duration
  // Set by the main thread on SIGINT, by any thread on --fail-fast. Read once per batch.
  std::atomic<bool> stop{false};
  std::atomic<bool> failed_fast{false};
};

// A thread's results since the reporter last collected them.
struct ThreadSlot {
  std::mutex mu;
  LatencyHistogram latency;  // guarded by mu
  Tally tally;               // guarded by mu
  std::string first_error;   // guarded by mu; the first error this thread saw
  int live_connections = 0;  // guarded by mu; a snapshot
  int gave_up = 0;           // guarded by mu; connections that stopped reconnecting
  Instant last_reply{};      // guarded by mu; when the latest reply arrived
  bool finished = false;     // guarded by mu
};

class LoadThread {
 public:
  static constexpr std::chrono::milliseconds kPublishPeriod{100};
  static constexpr std::chrono::milliseconds kStopGrace{1000};

  // Connections [first_connection, first_connection + connections) of the run, and at
  // most `budget` requests (UINT64_MAX: unbounded).
  LoadThread(RunPlan& plan, ThreadSlot& slot, int first_connection, int connections,
             uint64_t budget);
  LoadThread(const LoadThread&) = delete;
  LoadThread& operator=(const LoadThread&) = delete;

  // Runs this thread's part of the run to its end on the calling thread.
  void run();

  // --- for this thread's connection tasks ---
  const LoadgenConfig& config() const { return *plan_.config; }
  const Workload& workload() const { return *plan_.workload; }
  const RunPlan& plan() const { return plan_; }

  // True once no new request may be sent.
  bool stopping(Instant now) const {
    // Ordering: relaxed; a flag polled once per batch, no data hangs on it.
    return (plan_.deadline && now >= *plan_.deadline) || plan_.stop.load(std::memory_order_relaxed);
  }
  // Takes up to `n` requests from the thread's budget; 0 once it is spent.
  uint64_t claim(uint64_t n) {
    if (n > budget_) n = budget_;
    budget_ -= n;
    return n;
  }
  // Returns requests that were sent but will never be answered (connection lost).
  void give_back(uint64_t n) { budget_ += n; }
  bool budget_spent() const { return budget_ == 0; }

  // `counts.replies` replies arrived at `at`, each `latency_ns` after it was sent (or due).
  void record_batch(uint64_t latency_ns, const ReplyScanner::Counts& counts, Instant at,
                    ReplyScanner& scanner) {
    latency_.record_n(latency_ns, counts.replies);
    tally_.requests += counts.replies;
    last_reply_ = at;
    if (counts.errors != 0) error_replies(counts.errors, scanner);
  }
  // One reply (open loop: each has its own intended time).
  void record_one(uint64_t latency_ns) { latency_.record(latency_ns); }
  void count_replies(const ReplyScanner::Counts& counts, Instant at, ReplyScanner& scanner) {
    tally_.requests += counts.replies;
    last_reply_ = at;
    if (counts.errors != 0) error_replies(counts.errors, scanner);
  }

  void connect_failed(const absl::Status& status);
  void connection_lost(const absl::Status& status);
  void connection_up() { ++live_connections_; }
  void connection_down() { --live_connections_; }
  void gave_up() { ++gave_up_; }

 private:
  Task<void> main_task();
  Task<void> publish_loop(std::vector<JoinHandle<void>>* connections);
  void publish(bool finished);
  void error_replies(uint64_t n, ReplyScanner& scanner);
  void note_error(std::string_view what);

  RunPlan& plan_;
  ThreadSlot& slot_;
  const int first_connection_;
  const int connections_;
  uint64_t budget_;

  // Since the last publish.
  LatencyHistogram latency_;
  Tally tally_;
  std::string first_error_;
  bool reported_error_ = false;  // first_error_ already handed to the slot once
  Instant last_reply_{};
  int live_connections_ = 0;
  int gave_up_ = 0;
};

}  // namespace corio::loadgen
