#include "runtime/time/interval.h"

#include <stdexcept>

namespace corio::time {

Interval::Interval(Instant start, std::chrono::nanoseconds period, MissedTickBehavior behavior)
    : sleep_(start), period_(period), behavior_(behavior) {
  if (period.count() <= 0) throw std::invalid_argument("corio: interval period must be > 0");
}

Poll<Instant> Interval::poll_tick(Context& cx) {
  if (sleep_.poll(cx).is_pending()) return kPending;
  Instant scheduled = sleep_.deadline();
  Instant current = now();
  Instant next = scheduled + period_;
  if (current > scheduled + kMissedSlack) {
    switch (behavior_) {
      case MissedTickBehavior::kBurst:
        break;
      case MissedTickBehavior::kDelay:
        next = current + period_;
        break;
      case MissedTickBehavior::kSkip:
        next = current + period_ - (current - scheduled) % period_;
        break;
    }
  }
  sleep_.reset(next);
  return scheduled;
}

void Interval::reset() { sleep_.reset(now() + period_); }

Interval interval(std::chrono::nanoseconds period) { return Interval(now(), period); }
Interval interval_at(Instant start, std::chrono::nanoseconds period) {
  return Interval(start, period);
}

}  // namespace corio::time
