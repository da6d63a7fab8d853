#include "runtime/block_on_driver.h"

#include "runtime/task_harness.h"

namespace corio::internal {

bool BlockOnDriver::run(TaskHeader* root, std::optional<std::chrono::nanoseconds> timeout) {
  auto deadline = timeout ? std::chrono::steady_clock::now() + *timeout
                          : std::chrono::steady_clock::time_point::max();
  bool timed_out = false;
  schedule(root, false);
  while ((root->load_state() & TaskHeader::kComplete) == 0) {
    TaskHeader* task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (timed_out || !timeout) {
        cv_.wait(lock, [this] { return slot_ != nullptr; });
      } else if (!cv_.wait_until(lock, deadline, [this] { return slot_ != nullptr; })) {
        timed_out = true;
        lock.unlock();
        // Cancel the root; if that needs a poll, it comes back through schedule().
        if (root->transition_to_notified_and_cancel()) schedule(root, true);
        continue;
      }
      task = std::exchange(slot_, nullptr);
    }
    run_task(task);
  }
  return !timed_out || (root->load_state() & TaskHeader::kCancelled) == 0;
}

}  // namespace corio::internal
