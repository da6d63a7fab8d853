// Driver: what a parked thread blocks in, and what wakes it.
//
// The runtime's drivers form a stack built by Builder: the time driver wraps the I/O driver
// (epoll) when I/O is enabled, or a plain thread parker otherwise. Parking a driver blocks
// until unpark(), an I/O event or `timeout`, and then dispatches whatever became ready
// (wakes the tasks waiting on it) before returning.
//
// Threads: park() is called by one thread at a time (the scheduler guarantees it: a worker
// must win DriverSlot::try_lock first); unpark() may be called from any thread, at any
// time, and is sticky: an unpark with nobody parked makes the next park() return at once.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>

#include "runtime/parker.h"

namespace corio::internal {

class Driver {
 public:
  virtual ~Driver() = default;
  // Blocks until unpark(), an event or `timeout` (nullopt: no limit; zero: just poll), then
  // dispatches what became ready.
  virtual void park(std::optional<std::chrono::nanoseconds> timeout) = 0;
  virtual void unpark() = 0;
  // Called once when the runtime shuts down, after its tasks are gone: drops every waiter
  // still registered (their wakers), so no reference to a task outlives the runtime.
  virtual void shutdown() {}
};

// The bottom of the stack when I/O is disabled: a futex.
class ThreadParkDriver final : public Driver {
 public:
  void park(std::optional<std::chrono::nanoseconds> timeout) override {
    if (!timeout) {
      parker_.park();
    } else if (timeout->count() > 0) {
      parker_.park_for(*timeout);
    }
  }
  void unpark() override { parker_.unpark(); }

 private:
  Parker parker_;
};

// A driver shared by several workers: at most one of them parks inside it at a time.
class DriverSlot {
 public:
  explicit DriverSlot(Driver* driver) : driver_(driver) {}

  Driver* driver() const { return driver_; }
  // Ordering: acquire/release, so that what one holder did in the driver (timer wheel,
  // registrations) is visible to the next holder.
  bool try_lock() { return !held_.exchange(true, std::memory_order_acquire); }
  void unlock() { held_.store(false, std::memory_order_release); }

 private:
  Driver* driver_;
  std::atomic<bool> held_{false};
};

}  // namespace corio::internal
