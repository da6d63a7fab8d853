// AtomicWaker: one waker slot with a single registrant (a channel's receiver) and any number
// of concurrent wakers (its senders), without a lock.
//
// Contract: after register_waker(w) returns, a wake() that starts later wakes w (or a
// waker registered after it), at least once; the registrant then re-checks its condition.
// wake() takes the waker out, so a burst of wakes costs the registrant one poll. A wake()
// with nobody registered costs one load.
//
// The registrant must re-check its condition after register_waker(): a value published
// before a wake() that found nobody registered is visible to that re-check, provided the
// publishing store and the registrant's re-check load are seq_cst (the wake()'s first load
// and register_waker()'s RMW are). That is the store-buffering (Dekker) pattern: each side
// writes one location and reads the other, and seq_cst forbids both reads missing.
//
// State word: kArmed (a waker is stored and nobody is taking it), kRegistering (the
// registrant owns the slot), kWaking (a waker owns the slot). The slot belongs to
// whoever moved the state away from 0/kArmed; everybody else keeps out.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

#include "runtime/waker.h"

namespace corio::sync::internal {

class AtomicWaker {
 public:
  AtomicWaker() = default;
  AtomicWaker(const AtomicWaker&) = delete;
  AtomicWaker& operator=(const AtomicWaker&) = delete;

  // Registrant only.
  void register_waker(const Waker& waker) {
    uint32_t s = state_.load(std::memory_order_relaxed);
    for (;;) {
      if (s & kWaking) {
        // A wake is taking the old waker right now and may not see ours: make sure this
        // task polls again, and it will register afresh.
        waker.wake_by_ref();
        return;
      }
      // s is 0 or kArmed: one registrant, so kRegistering cannot be set by anyone else.
      if (state_.compare_exchange_weak(s, kRegistering)) break;  // seq_cst: see header
    }
    if (!waker_.will_wake(waker)) waker_ = waker;
    uint32_t expected = kRegistering;
    if (state_.compare_exchange_strong(expected, kArmed)) return;
    // A wake() arrived while we held the slot (state is kRegistering | kWaking) and left
    // the waker to us. We cannot tell whether its news reached our caller's re-check, so
    // poll again.
    // Ordering: release hands the slot back (our write of waker_ before any later taker).
    state_.store(0, std::memory_order_release);
    waker.wake_by_ref();
  }

  // Any thread. Wakes the registered waker, if any, and takes it out of the slot.
  void wake() {
    if (state_.load() == 0) return;  // seq_cst: see header
    uint32_t prev = state_.fetch_or(kWaking);
    if (prev == kArmed) {
      Waker taken = std::move(waker_);
      // Ordering: release hands the (now empty) slot back to the registrant.
      state_.store(0, std::memory_order_release);
      taken.wake();
    } else if (prev == 0) {
      // Disarmed between our load and fetch_or: nothing to take; give the slot back.
      state_.store(0, std::memory_order_release);
    }
    // Otherwise the registrant (kRegistering) or another waker (kWaking) deals with it.
  }

  // Registrant only: drops the stored waker (the registrant is going away).
  void clear() {
    uint32_t s = state_.load(std::memory_order_relaxed);
    for (;;) {
      if (s & kWaking) return;  // the waker is being taken
      if (state_.compare_exchange_weak(s, kRegistering)) break;
    }
    waker_ = Waker();
    state_.store(0, std::memory_order_release);
  }

 private:
  static constexpr uint32_t kArmed = 1;
  static constexpr uint32_t kRegistering = 2;
  static constexpr uint32_t kWaking = 4;

  std::atomic<uint32_t> state_{0};
  Waker waker_;  // owned as described in the header comment
};

}  // namespace corio::sync::internal
