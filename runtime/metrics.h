// Runtime metrics: per-worker counters, readable from any thread while the runtime runs.
//
// Each counter is written only by its worker (relaxed stores of a relaxed load + 1: no
// read-modify-write needed) and read by anyone with relaxed loads; the values are
// statistics, ordering with other memory does not matter.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

namespace corio {

struct WorkerMetrics {
  uint64_t polls = 0;             // tasks polled
  uint64_t steals = 0;            // tasks stolen from other workers
  uint64_t steal_operations = 0;  // successful steal attempts
  uint64_t overflows = 0;         // local queue overflows to the injector
  uint64_t parks = 0;             // times the worker went to sleep
  uint64_t unparks = 0;           // times it woke up
  uint64_t local_schedules = 0;   // tasks scheduled from this worker
  uint64_t remote_schedules = 0;  // tasks taken from the global injector
  uint64_t budget_forced_yields = 0;
  uint64_t queue_depth = 0;       // local queue length when read
};

struct RuntimeMetrics {
  std::vector<WorkerMetrics> workers;
  uint64_t injector_depth = 0;
  uint64_t live_tasks = 0;
  uint64_t blocking_threads = 0;
  uint64_t blocking_idle_threads = 0;

  WorkerMetrics total() const {
    WorkerMetrics t;
    for (const auto& w : workers) {
      t.polls += w.polls;
      t.steals += w.steals;
      t.steal_operations += w.steal_operations;
      t.overflows += w.overflows;
      t.parks += w.parks;
      t.unparks += w.unparks;
      t.local_schedules += w.local_schedules;
      t.remote_schedules += w.remote_schedules;
      t.budget_forced_yields += w.budget_forced_yields;
      t.queue_depth += w.queue_depth;
    }
    return t;
  }
};

namespace internal {

// A counter written by a single thread and read by many.
class Counter {
 public:
  void inc(uint64_t n = 1) {
    // Ordering: relaxed; single writer, the value is a statistic.
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t get() const { return value_.load(std::memory_order_relaxed); }
  std::atomic<uint64_t>& raw() { return value_; }

 private:
  std::atomic<uint64_t> value_{0};
};

struct WorkerCounters {
  Counter polls, steals, steal_operations, overflows, parks, unparks, local_schedules,
      remote_schedules;
  // Incremented through coop.h's thread-local pointer (single writer: the worker).
  std::atomic<uint64_t> budget_forced_yields{0};
};

}  // namespace internal
}  // namespace corio
