// Parker: puts one thread to sleep until another unparks it (a futex on Linux).
//
// An unpark() that comes before park() is not lost: the next park() returns at once. At
// most one thread parks on a given Parker; any thread may unpark it.
//
// Driver hook: the scheduler gives every worker's park a chance to become the one parked
// inside the I/O-and-timer driver instead (see multi_thread_scheduler.h); Parker itself is
// the plain, driverless sleep.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace corio::internal {

class Parker {
 public:
  Parker() = default;
  Parker(const Parker&) = delete;
  Parker& operator=(const Parker&) = delete;

  // Sleeps until unparked (returns at once if an unpark is pending).
  void park();
  // Sleeps until unparked or until `timeout` passes. true if unparked.
  bool park_for(std::chrono::nanoseconds timeout);
  void unpark();

 private:
  static constexpr uint32_t kEmpty = 0;
  static constexpr uint32_t kParked = 1;
  static constexpr uint32_t kNotified = 2;
  std::atomic<uint32_t> state_{kEmpty};
};

}  // namespace corio::internal
