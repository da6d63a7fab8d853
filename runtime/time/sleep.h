// sleep, sleep_until and Sleep: a future that completes at a deadline.
//
//   co_await corio::time::sleep(50ms);
//   auto s = corio::time::sleep_until(deadline); ... s.reset(later); co_await s;
//
// - Never completes before its deadline (by the runtime's clock, see clock.h); completes
//   within about a millisecond after it when a worker is free (1 ms wheel resolution).
// - Registration happens on the first poll that finds the deadline in the future; a Sleep
//   whose deadline has already passed completes without touching the driver.
// - reset(later) of a registered Sleep does not take the driver's lock: the driver files
//   it again when the old deadline comes up. reset(earlier) re-files it under the lock.
//
// Cancel-safety: destroying a pending Sleep (task aborted, select loser, timeout won by
// the inner future) unlinks it from the wheel at once.
//
// Threads: a Sleep belongs to one task (poll/reset/destroy from that task). It must be
// created inside a runtime with time enabled (std::logic_error otherwise) and must not
// outlive that runtime. Movable only until first polled (it is linked into the wheel).
#pragma once

#include <chrono>

#include "runtime/poll.h"
#include "runtime/time/clock.h"
#include "runtime/time/time_driver.h"
#include "runtime/waker.h"

namespace corio::time {

class Sleep {
 public:
  explicit Sleep(Instant deadline);
  Sleep(Sleep&& other) noexcept;
  Sleep(const Sleep&) = delete;
  Sleep& operator=(const Sleep&) = delete;
  ~Sleep();

  Poll<void> poll(Context& cx);

  Instant deadline() const { return deadline_; }
  bool is_elapsed() const;
  // Moves the deadline (earlier or later), also after the Sleep completed: it becomes
  // pending again until the new deadline.
  void reset(Instant deadline);

 private:
  TimeDriver* driver_;
  Instant deadline_;
  bool registered_ = false;  // linked into the wheel (or fired by it)
  bool completed_ = false;
  // The task whose waker the driver holds for us (identity only, never dereferenced).
  // Kept here because timer_.waker belongs to the driver while registered: a worker firing
  // the timer moves it out under the driver's lock, so the owner must not read it.
  const TaskHeader* registered_task_ = nullptr;
  TimerState timer_;
};

inline Sleep sleep_until(Instant deadline) { return Sleep(deadline); }
Sleep sleep(std::chrono::nanoseconds duration);

// The current runtime's clock reading (the paused clock in tests).
Instant now();

// Test clock, for current-thread runtimes with time enabled (std::logic_error otherwise):
// pause() freezes time; advance(d) moves it forward and fires what came due; resume()
// lets it run again. While paused, an idle runtime jumps straight to its next deadline.
void pause();
void resume();
void advance(std::chrono::nanoseconds d);

}  // namespace corio::time
