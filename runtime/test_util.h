// Helpers for runtime tests.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "runtime/poll.h"
#include "runtime/waker.h"

namespace corio::testing {

// A future that is Pending until set() is called from anywhere, then Ready. Stores its
// waker as the contract requires (replacing it when polled from another task).
class Flag {
 public:
  void set() {
    ready_.store(true, std::memory_order_release);
    Waker w;
    {
      std::lock_guard<std::mutex> lock(mu_);
      w = std::move(waker_);
    }
    w.wake();
  }
  Poll<void> poll(Context& cx) {
    if (ready_.load(std::memory_order_acquire)) return Ready();
    std::lock_guard<std::mutex> lock(mu_);
    if (!waker_.will_wake(cx.waker())) waker_ = cx.waker();
    if (ready_.load(std::memory_order_acquire)) return Ready();
    return kPending;
  }

 private:
  std::atomic<bool> ready_{false};
  std::mutex mu_;
  Waker waker_;
};

// Future adaptor: polls a Flag by reference (so one Flag can be awaited by a copyable
// handle).
struct WaitFlag {
  Flag* flag;
  Poll<void> poll(Context& cx) { return flag->poll(cx); }
};

// Counts live instances; lets tests check that cancellation ran destructors.
struct DropCounter {
  explicit DropCounter(std::atomic<int>* c) : count(c) { count->fetch_add(1); }
  DropCounter(const DropCounter&) = delete;
  ~DropCounter() { count->fetch_sub(1); }
  std::atomic<int>* count;
};

}  // namespace corio::testing
