#include "tests/stress/foreign_thread.h"

#include <utility>

namespace corio::stress {

ForeignThread::ForeignThread(uint64_t seed) : rng_state_(seed | 1), thread_([this] { run(); }) {}

ForeignThread::~ForeignThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void ForeignThread::post(std::function<void()> action, std::chrono::microseconds max_delay) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // xorshift64: the delays only need to differ, not to be good random numbers.
    rng_state_ ^= rng_state_ << 13;
    rng_state_ ^= rng_state_ >> 7;
    rng_state_ ^= rng_state_ << 17;
    auto span = static_cast<uint64_t>(max_delay.count()) + 1;
    auto delay = std::chrono::microseconds(rng_state_ % span);
    due_.emplace(std::chrono::steady_clock::now() + delay, std::move(action));
  }
  cv_.notify_one();
}

uint64_t ForeignThread::executed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return executed_;
}

void ForeignThread::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (due_.empty()) {
      if (stopping_) return;
      cv_.wait(lock);
      continue;
    }
    auto first = due_.begin();
    if (!stopping_ && first->first > std::chrono::steady_clock::now()) {
      cv_.wait_until(lock, first->first);
      continue;
    }
    std::function<void()> action = std::move(first->second);
    due_.erase(first);
    lock.unlock();
    action();
    action = nullptr;  // drop what it captured before taking the lock again
    lock.lock();
    ++executed_;
  }
}

}  // namespace corio::stress
