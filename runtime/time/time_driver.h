// TimeDriver: the timer wheel behind a lock, driven by parked workers.
//
// It sits on top of the driver stack (see runtime/driver.h): park() sleeps in the inner
// driver (epoll or a futex) no longer than until the wheel's next deadline, rounded up to
// whole milliseconds, then fires every due timer. Firing takes the due timers' wakers out
// under the lock, in batches of kWakeBatch, and wakes them after unlocking, so a woken task
// never contends with the driver for the wheel.
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
  // The deadline the owner wants, in ticks. May be later than the entry's filed deadline:
  // a reset to a later time only stores here, without the lock, and the driver re-files
  // the entry when the earlier deadline comes up.
  std::atomic<uint64_t> wanted_tick{0};
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

  // Ticks (ms since the driver's epoch): deadlines round up, readings round down, so a
  // timer never fires before its deadline.
  uint64_t deadline_to_tick(Instant deadline) const;
  uint64_t now_tick() const;

  // Files `timer` (not registered) for `tick` with `waker`. Returns false when it is
  // already due: nothing was registered and the caller completes at once.
  bool register_timer(TimerState* timer, uint64_t tick, const Waker& waker);
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
  std::optional<uint64_t> next_expiration();

  std::unique_ptr<internal::Driver> inner_;
  const bool pausable_;
  Clock clock_;
  const Instant epoch_;
  std::mutex mu_;
  TimerWheel wheel_;                // guarded by mu_
  uint64_t parked_until_ = 0;       // guarded by mu_: tick the parked driver wakes at (0: not parked)
  bool shut_down_ = false;          // guarded by mu_
};

// The time driver of the runtime the calling thread is in; throws std::logic_error naming
// the fix (Builder::enable_time) when there is none.
TimeDriver& current_time_driver();

}  // namespace corio::time
