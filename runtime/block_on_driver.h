// BlockOnDriver: the Scheduler of a task driven by block_on on a thread that is not a
// worker of a multi-thread runtime (the root future runs on the caller's thread, as in
// Tokio). Its only task is the root; schedule() hands it over and wakes the thread.
//
// Lifetime: the driver lives on block_on's stack. That is safe because schedule() is only
// called on an incomplete root's idle -> notified edge, block_on returns only after the
// root completed, and the root cannot complete before block_on pops the reference
// schedule() handed over (under the mutex, notified under the lock).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "runtime/scheduler.h"
#include "runtime/task_header.h"

namespace corio::internal {

class BlockOnDriver final : public Scheduler {
 public:
  void schedule(TaskHeader* task, bool /*is_yield*/) override {
    std::lock_guard<std::mutex> lock(mu_);
    slot_ = task;
    cv_.notify_one();
  }
  bool release(TaskHeader*) override { return true; }

  // Runs `root` until it completes; false if `timeout` passed (the root is then cancelled
  // and run to completion of its cancellation before returning).
  bool run(TaskHeader* root, std::optional<std::chrono::nanoseconds> timeout);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  TaskHeader* slot_ = nullptr;  // guarded by mu_
};

}  // namespace corio::internal
