// CurrentThreadScheduler: every task runs on the thread that calls block_on.
//
// One FIFO queue under a mutex (any thread may wake a task; only the driving thread pops).
// With a seed, the next task is picked at random from the queue instead: a seeded,
// repeatable interleaving for stress tests (the scheduling-order seam of the design).
//
// block_on drives the runtime: it polls queued tasks, including the root, until the root
// completes, parking when the queue is empty. One thread drives at a time; a second
// block_on waits for the first to finish driving, then drives its own root (which may well
// have completed meanwhile, run by the first driver).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "runtime/owned_tasks.h"
#include "runtime/parker.h"
#include "runtime/runtime_core.h"

namespace corio::internal {

struct CurrentThreadOptions {
  std::optional<uint64_t> random_order_seed;
  size_t max_blocking_threads = 512;
};

class CurrentThreadScheduler final : public RuntimeCore {
 public:
  explicit CurrentThreadScheduler(CurrentThreadOptions options);
  ~CurrentThreadScheduler() override;

  void schedule(TaskHeader* task, bool is_yield) override;
  bool release(TaskHeader* task) override;
  void spawn(TaskHeader* task) override;
  bool block_on(TaskHeader* root, const TaskVTable* vtable,
                std::optional<std::chrono::nanoseconds> timeout) override;
  void shutdown() override;
  bool on_worker_thread() const override;
  RuntimeMetrics metrics() const override;

 private:
  // Poll the drivers (timers, I/O) without blocking every this many polls.
  static constexpr uint32_t kEventInterval = 61;

  TaskHeader* pop();

  std::mutex driver_mu_;  // held by the thread driving block_on
  std::mutex mu_;
  std::deque<TaskHeader*> queue_;  // guarded by mu_
  bool closed_ = false;            // guarded by mu_
  Parker parker_;                  // the driving thread's
  OwnedTasks owned_;
  std::optional<uint64_t> rng_;    // driving thread only
  WorkerCounters counters_;        // written by the driving thread
  std::once_flag shutdown_once_;
};

}  // namespace corio::internal
