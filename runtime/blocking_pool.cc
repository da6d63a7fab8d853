#include "runtime/blocking_pool.h"

#include <thread>
#include <utility>

namespace corio::internal {

BlockingPool::BlockingPool(size_t max_threads, std::chrono::nanoseconds keep_alive)
    : max_threads_(max_threads), keep_alive_(keep_alive) {}

BlockingPool::~BlockingPool() { shutdown(); }

bool BlockingPool::submit(absl::AnyInvocable<void()> work) {
  std::unique_lock<std::mutex> lock(mu_);
  if (shutdown_) return false;
  queue_.push_back(std::move(work));
  if (idle_ > 0) {
    work_cv_.notify_one();
  } else if (threads_ < max_threads_) {
    ++threads_;
    std::thread([this] { thread_main(); }).detach();
  }
  return true;
}

void BlockingPool::thread_main() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (!queue_.empty() && !shutdown_) {
      auto work = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      work();
      work = nullptr;  // destroy captured state outside the lock
      lock.lock();
      continue;
    }
    if (shutdown_) break;
    ++idle_;
    bool woken = work_cv_.wait_for(lock, keep_alive_,
                                   [this] { return shutdown_ || !queue_.empty(); });
    --idle_;
    if (!woken) break;  // idle for keep_alive: retire
  }
  --threads_;
  // Notified under the lock: shutdown() cannot return (and destroy us) before we unlock.
  exit_cv_.notify_all();
}

void BlockingPool::shutdown() {
  std::deque<absl::AnyInvocable<void()>> dropped;
  {
    std::unique_lock<std::mutex> lock(mu_);
    shutdown_ = true;
    dropped.swap(queue_);
    work_cv_.notify_all();
    exit_cv_.wait(lock, [this] { return threads_ == 0; });
  }
  // `dropped` is destroyed here, outside the lock: closures never run.
}

size_t BlockingPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_;
}

size_t BlockingPool::idle_threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_;
}

}  // namespace corio::internal
