// Parker: puts one thread to sleep until another unparks it (a futex on Linux).
//
// An unpark() that comes before park() is not lost: the next park() returns at once. At
// most one thread parks on a given Parker; any thread may unpark it.
//
// Driver hook: a worker that holds the runtime's DriverSlot parks inside the driver
// (epoll_wait / timer deadline) with park_driver() instead of on the futex; unpark() then
// wakes the driver. The state word says which of the two the owner sleeps in, so unpark()
// always knows what to wake.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace corio::internal {

class Driver;

class Parker {
 public:
  Parker() = default;
  Parker(const Parker&) = delete;
  Parker& operator=(const Parker&) = delete;

  // Sleeps until unparked (returns at once if an unpark is pending).
  void park();
  // Sleeps until unparked or until `timeout` passes. true if unparked.
  bool park_for(std::chrono::nanoseconds timeout);
  // Sleeps inside `driver` (which the caller alone may park in right now) until unparked,
  // a driver event or `timeout`. Returns at once if an unpark is pending.
  void park_driver(Driver* driver, std::optional<std::chrono::nanoseconds> timeout);
  void unpark();

 private:
  static constexpr uint32_t kEmpty = 0;
  static constexpr uint32_t kParked = 1;
  static constexpr uint32_t kNotified = 2;
  static constexpr uint32_t kParkedDriver = 3;
  std::atomic<uint32_t> state_{kEmpty};
  // The driver the owner sleeps in while state_ is kParkedDriver. Stored by the owner
  // before it publishes kParkedDriver (release), loaded by unpark() after it observes that
  // state (acquire); atomic because an owner re-parking may store it again meanwhile.
  std::atomic<Driver*> driver_{nullptr};
};

}  // namespace corio::internal
