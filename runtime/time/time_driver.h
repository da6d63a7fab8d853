// TimeDriver: the timer wheel behind a lock, driven by parked workers.
//
// It sits on top of the driver stack (see runtime/driver.h): park() sleeps in the inner
// driver (epoll or a futex) no longer than until the next deadline, then fires every due
// timer. Firing takes the due timers' wakers out under the lock, in batches of kWakeBatch,
// and wakes them after unlocking, so a woken task never contends with the driver for the
// wheel.
//
// Exact deadlines: the wheel files a timer by the millisecond its deadline falls in
// (rounded down). When that millisecond comes, timers whose exact deadline has passed
// fire; the others wait in a short `near_` list and the driver sleeps (with nanosecond
// timeouts) until the earliest of them. So a timer fires at its deadline, not at the next
// millisecond boundary: lateness is wake-up latency, not rounding.
//
// One wheel per runtime, under one mutex. (The design prefers a wheel per worker; that is
// left for when a benchmark shows this lock contended: see the time issue's note.)
//
// Timers are TimerState objects embedded in the futures that wait (Sleep): registering
// allocates nothing, and a future destroyed while pending unlinks its entry at once.
//
// Paused clock: while the clock is paused (current-thread runtimes only), park() does not
// sleep when a timer is pending: it advances the clock to the next deadline and fires it,
// so an idle runtime jumps through time.
//
// Thread-safety: park() is called by one thread at a time (DriverSlot); register, reset,
// cancel and update_waker may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "runtime/driver.h"
#include "runtime/time/clock.h"
#include "runtime/time/wheel.h"
#include "runtime/waker.h"

namespace corio::time {

// A timer as the driver sees it. Owned and embedded by a Sleep.
struct TimerState : TimerEntry {
  // The exact deadline the owner wants (ns since the driver's epoch). May be later than
  // the one the entry was filed for: a reset to a later time only stores here, without the
  // lock, and the driver files the entry again when the earlier deadline comes up.
  std::atomic<int64_t> wanted_ns{0};
  // Set (release, under the driver's lock) once the driver has fired the timer and let go
  // of it; an owner that reads true (acquire) may forget about the driver.
  std::atomic<bool> fired{false};
  Waker waker;  // guarded by the driver's lock while registered
};

class TimeDriver final : public internal::Driver {
 public:
  static constexpr int kWakeBatch = 32;

  // `pausable`: whether the clock may be paused (current-thread runtimes only, where an
  // idle park means the whole runtime is idle).
  TimeDriver(std::unique_ptr<internal::Driver> inner, bool pausable);
  ~TimeDriver() override;

  void park(std::optional<std::chrono::nanoseconds> timeout) override;
  void unpark() override { inner_->unpark(); }
  void shutdown() override;

  Clock& clock() { return clock_; }
  // Pauses the clock at the next whole millisecond of the driver's epoch, so that paused
  // time and timer ticks line up exactly (a 250 ms sleep then takes exactly 250 ms).
  void pause_clock();
  Instant now() const { return clock_.now(); }
  bool pausable() const { return pausable_; }
  internal::Driver* inner() const { return inner_.get(); }

  // Nanoseconds since the driver's epoch (0 for earlier instants).
  int64_t to_ns(Instant t) const;

  // Files `timer` (not registered) for `deadline` with `waker`. Returns false when it is
  // already due: nothing was registered and the caller completes at once.
  bool register_timer(TimerState* timer, Instant deadline, const Waker& waker);
  // Replaces the waker of a registered timer (unless it has fired).
  void update_waker(TimerState* timer, const Waker& waker);
  // Unlinks a registered timer that has not fired. After it returns the driver no longer
  // touches `timer`.
  void cancel(TimerState* timer);

  // Fires every timer due now. Returns the number fired.
  size_t process();

  // Timers currently filed in the wheel (tests, metrics).
  size_t registered_count();

 private:
  // The earliest instant (ns since epoch) at which process() has work; requires mu_.
  std::optional<int64_t> next_wake_ns_locked() const;
  // Files a timer for `wanted_ns`: into the wheel by its millisecond, or into near_ if
  // that millisecond has come already. Requires mu_.
  void file_locked(TimerState* timer, int64_t wanted_ns);

  std::unique_ptr<internal::Driver> inner_;
  const bool pausable_;
  Clock clock_;
  const Instant epoch_;
  std::mutex mu_;
  TimerWheel wheel_;                // guarded by mu_
  EntryList near_;                  // guarded by mu_: millisecond come, exact deadline not yet
  size_t near_count_ = 0;           // guarded by mu_
  // guarded by mu_: no entry of near_ is due before this (a lower bound: a cancel leaves it
  // stale, which costs one early wake-up at most).
  int64_t near_min_ns_ = INT64_MAX;
  int64_t parked_until_ns_ = 0;     // guarded by mu_: when the parked driver wakes (0: not parked)
  bool shut_down_ = false;          // guarded by mu_
};

// The time driver of the runtime the calling thread is in; throws std::logic_error naming
// the fix (Builder::enable_time) when there is none.
TimeDriver& current_time_driver();

}  // namespace corio::time
