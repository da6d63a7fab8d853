// BlockingPool: threads for work that blocks (file I/O, DNS, CPU-heavy calls), so that it
// never stalls a worker. Backs spawn_blocking().
//
// Grows on demand up to `max_threads`; a thread idle for `keep_alive` exits. shutdown()
// drops closures that have not started and waits for the running ones to finish.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include "absl/functional/any_invocable.h"

namespace corio::internal {

class BlockingPool {
 public:
  explicit BlockingPool(size_t max_threads = 512,
                        std::chrono::nanoseconds keep_alive = std::chrono::seconds(10));
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Queues `work`; false (and `work` is destroyed unrun) after shutdown.
  bool submit(absl::AnyInvocable<void()> work);
  void shutdown();

  size_t threads() const;
  size_t idle_threads() const;

 private:
  void thread_main();

  mutable std::mutex mu_;
  std::condition_variable work_cv_;     // signalled when work is queued or on shutdown
  std::condition_variable exit_cv_;     // signalled when a thread exits
  std::deque<absl::AnyInvocable<void()>> queue_;  // guarded by mu_
  size_t threads_ = 0;                  // guarded by mu_
  size_t idle_ = 0;                     // guarded by mu_
  bool shutdown_ = false;               // guarded by mu_
  const size_t max_threads_;
  const std::chrono::nanoseconds keep_alive_;
};

}  // namespace corio::internal
