// Interval: ticks at a fixed period.
//
//   auto iv = time::interval(100ms);          // first tick completes at once
//   for (;;) { co_await iv.tick(); ... }
//
// When ticks are missed (the task was busy past the next tick by more than kMissedSlack),
// MissedTickBehavior decides what follows:
//  - kBurst (default): the missed ticks fire back to back until the schedule catches up;
//  - kDelay: the next tick is one period after now; the schedule shifts;
//  - kSkip: the missed ticks are dropped; the next tick is the next one on the original
//    schedule after now.
// tick() returns the Instant the tick was scheduled for.
//
// Cancel-safety: a tick() future destroyed before it completes consumes no tick.
// Threads: as Sleep (one task; movable until first ticked).
#pragma once

#include <chrono>

#include "runtime/poll.h"
#include "runtime/time/sleep.h"

namespace corio::time {

enum class MissedTickBehavior { kBurst, kDelay, kSkip };

class Interval {
 public:
  static constexpr std::chrono::milliseconds kMissedSlack{5};

  Interval(Instant start, std::chrono::nanoseconds period,
           MissedTickBehavior behavior = MissedTickBehavior::kBurst);

  class Tick {
   public:
    explicit Tick(Interval* interval) : interval_(interval) {}
    Poll<Instant> poll(Context& cx) { return interval_->poll_tick(cx); }

   private:
    Interval* interval_;
  };

  Tick tick() { return Tick(this); }
  Poll<Instant> poll_tick(Context& cx);

  // The next tick comes one period from now.
  void reset();
  void set_missed_tick_behavior(MissedTickBehavior b) { behavior_ = b; }
  MissedTickBehavior missed_tick_behavior() const { return behavior_; }
  std::chrono::nanoseconds period() const { return period_; }

 private:
  Sleep sleep_;
  std::chrono::nanoseconds period_;
  MissedTickBehavior behavior_;
};

// An Interval whose first tick is now. A period <= 0 is a programming error
// (std::invalid_argument).
Interval interval(std::chrono::nanoseconds period);
Interval interval_at(Instant start, std::chrono::nanoseconds period);

}  // namespace corio::time
