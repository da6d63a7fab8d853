// DueTimer: wakes a task at a precise instant, for the open-loop (--rate) schedule.
//
//   DueTimer timer = *DueTimer::create();
//   timer.arm(due);                     // absolute steady_clock instant
//   auto wait = timer.wait(); co_await wait;
//
// The runtime's timer wheel ticks in milliseconds, which would add up to a millisecond of
// lateness to every request of an open-loop run and, since latency is measured from the
// intended send time, show up as latency the server never caused. A timerfd on the
// reactor fires within microseconds (the thread's timer slack, which LoadThread lowers
// to 1 us for open-loop runs).
//
// arm() replaces the previous deadline (and forgets an expiry not yet waited for); a
// deadline in the past fires at once. wait() completes once the armed deadline has passed.
// Cancel-safety: destroying a pending wait() leaves the timer armed and no waker behind.
// Threads: one task; create() inside a runtime with I/O enabled.
#pragma once

#include <chrono>
#include <cstdint>

#include "absl/status/statusor.h"
#include "net/io_source.h"
#include "net/stream.h"

namespace corio::loadgen {

class DueTimer {
 public:
  static absl::StatusOr<DueTimer> create();

  DueTimer(DueTimer&&) noexcept = default;
  DueTimer& operator=(DueTimer&&) noexcept = default;

  void arm(std::chrono::steady_clock::time_point due);
  // Output: bytes read (8) or an error; either way the caller re-checks the clock.
  net::ReadFuture wait() {
    return net::ReadFuture(
        &source_, net::Direction::kRead, "timerfd read",
        net::ReadOp{reinterpret_cast<std::byte*>(&expirations_), sizeof(expirations_)});
  }

 private:
  explicit DueTimer(net::IoSource source) : source_(std::move(source)) {}
  net::IoSource source_;
  uint64_t expirations_ = 0;
};

}  // namespace corio::loadgen
