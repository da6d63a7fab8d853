// StripedCounter: a statistic many threads bump and few read (INFO's counters).
//
// One shared atomic would bounce its cache line between cores on every command; here each
// thread adds to one of kStripes padded atomics picked by a thread-local index, and a
// reader sums them. Same interface as the std::atomic it replaces (fetch_add/load/store).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace corio::redis {

class StripedCounter {
 public:
  static constexpr size_t kStripes = 8;

  void fetch_add(uint64_t n, std::memory_order = std::memory_order_relaxed) {
    // Ordering: relaxed: a statistic; readers want a recent sum, not a consistent cut.
    stripes_[stripe()].v.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t load(std::memory_order = std::memory_order_relaxed) const {
    uint64_t sum = 0;
    for (const auto& s : stripes_) sum += s.v.load(std::memory_order_relaxed);
    return sum;
  }
  StripedCounter& operator=(uint64_t v) {
    for (auto& s : stripes_) s.v.store(0, std::memory_order_relaxed);
    stripes_[0].v.store(v, std::memory_order_relaxed);
    return *this;
  }

 private:
  static size_t stripe() {
    static std::atomic<size_t> next{0};
    thread_local size_t mine = next.fetch_add(1, std::memory_order_relaxed) % kStripes;
    return mine;
  }
  struct alignas(64) Stripe {
    std::atomic<uint64_t> v{0};
  };
  std::array<Stripe, kStripes> stripes_;
};

}  // namespace corio::redis
