// StripedCounter: a statistic many threads bump and few read (INFO's counters).
//
// One shared atomic would bounce its cache line between cores on every command, and even
// a per-thread atomic costs a locked instruction per add. Here each of the first
// kOwnedStripes threads to use any StripedCounter owns one padded stripe in every counter
// for as long as it lives: only that thread writes it, so an add is a plain relaxed load
// and store. Threads beyond those share one more stripe, through fetch_add. A thread's
// stripe index goes back to a free list when the thread exits; the next thread to take it
// keeps adding to the value already there (the free list's mutex orders the two threads'
// writes). A reader sums the stripes.
//
// Reset (operator=) never writes a stripe, which would race with the owner's load and
// store: it moves a baseline that load() subtracts.
//
// Same interface as the std::atomic it replaces (fetch_add/load/store). Thread-safety: any
// thread may call anything. Ordering: relaxed throughout: readers want a recent sum, not a
// consistent cut across counters.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace corio::redis {

class StripedCounter {
 public:
  static constexpr size_t kOwnedStripes = 8;

  void fetch_add(uint64_t n, std::memory_order = std::memory_order_relaxed) {
    size_t i = thread_stripe();
    if (i < kOwnedStripes) {
      std::atomic<uint64_t>& v = stripes_[i].v;
      v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    } else {
      stripes_[kOwnedStripes].v.fetch_add(n, std::memory_order_relaxed);
    }
  }
  uint64_t load(std::memory_order = std::memory_order_relaxed) const {
    // A reset between reading the stripes and the baseline can make the difference
    // negative for a moment: report 0 then.
    auto d = static_cast<int64_t>(sum() - base_.load(std::memory_order_relaxed));
    return d < 0 ? 0 : static_cast<uint64_t>(d);
  }
  StripedCounter& operator=(uint64_t v) {
    base_.store(sum() - v, std::memory_order_relaxed);
    return *this;
  }

  // The calling thread's stripe: below kOwnedStripes if it owns one (tests).
  static size_t thread_stripe();

 private:
  uint64_t sum() const {
    uint64_t total = 0;
    for (const auto& s : stripes_) total += s.v.load(std::memory_order_relaxed);
    return total;
  }
  struct alignas(64) Stripe {
    std::atomic<uint64_t> v{0};
  };
  std::array<Stripe, kOwnedStripes + 1> stripes_;
  std::atomic<uint64_t> base_{0};
};

}  // namespace corio::redis
