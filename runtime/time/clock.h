// Clock: the runtime's source of time, real or paused (the test clock).
//
// Every timer reads time through its runtime's Clock (the "time" seam of the design), so a
// test can freeze time with pause(), move it with advance(), and let an idle runtime jump
// straight to its next deadline (the time driver does that while paused).
//
// Thread-safety: now() may be called from any thread. pause/resume/advance are meant for
// the thread driving a current-thread runtime (tests); they are atomic but not ordered
// with respect to each other when called from several threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace corio::time {

using Instant = std::chrono::steady_clock::time_point;

class Clock {
 public:
  Instant now() const {
    // Ordering: acquire pairs with pause()/advance(): a paused reading is never older
    // than the pause that made it.
    if (paused_.load(std::memory_order_acquire)) {
      return Instant(Nanos(paused_at_.load(std::memory_order_acquire)));
    }
    return std::chrono::steady_clock::now();
  }
  bool is_paused() const { return paused_.load(std::memory_order_acquire); }

  // Freezes time at the current reading. Idempotent.
  void pause() {
    if (paused_.load(std::memory_order_relaxed)) return;
    paused_at_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                     std::memory_order_release);
    paused_.store(true, std::memory_order_release);
  }
  // Lets time run again: now() returns real readings again. Tests only: after advance()
  // the real reading is earlier than the paused one, so time appears to step back.
  void resume() { paused_.store(false, std::memory_order_release); }

  // Moves a paused clock forward by `d` (no-op when running or for d <= 0).
  void advance(std::chrono::nanoseconds d) {
    if (!is_paused() || d.count() <= 0) return;
    paused_at_.fetch_add(d.count(), std::memory_order_acq_rel);
  }
  // Moves a paused clock forward to `t` if it is later.
  void advance_to(Instant t) {
    int64_t target = t.time_since_epoch().count();
    int64_t cur = paused_at_.load(std::memory_order_relaxed);
    while (cur < target &&
           !paused_at_.compare_exchange_weak(cur, target, std::memory_order_acq_rel)) {
    }
  }

 private:
  using Nanos = std::chrono::steady_clock::duration;
  std::atomic<bool> paused_{false};
  std::atomic<int64_t> paused_at_{0};  // steady_clock ticks (ns) while paused
};

}  // namespace corio::time
