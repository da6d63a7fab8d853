// Helpers shared by the benchmark suites: run a workload on a worker, count-down latch.
#pragma once

#include <atomic>
#include <cstdlib>
#include <type_traits>

#include "runtime/runtime.h"
#include "sync/notify.h"

namespace corio::bench {

template <typename T>
Task<JoinResult<T>> await_handle(JoinHandle<T> handle) {
  co_return co_await handle;
}

// Runs `task` as a spawned task on a worker (the peers do the same: the driver code runs
// on the workers, the main thread only waits) and returns its value.
template <typename T>
T run_spawned(Runtime& rt, Task<T> task) {
  auto result = rt.block_on(await_handle(rt.spawn(std::move(task))));
  if (!result.ok()) std::abort();
  if constexpr (!std::is_void_v<T>) return *std::move(result);
}

// Count-down latch: the last count_down wakes the single waiter (a stored permit if it is
// not waiting yet), as in the peers.
class Latch {
 public:
  explicit Latch(size_t n) : remaining_(n) {}
  void count_down() {
    // Ordering: acq_rel so the waiter sees every counted-down task's writes.
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) notify_.notify_one();
  }
  sync::Notified wait() { return notify_.notified(); }

 private:
  std::atomic<size_t> remaining_;
  sync::Notify notify_;
};

}  // namespace corio::bench
