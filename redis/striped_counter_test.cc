#include "redis/striped_counter.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace corio::redis {
namespace {

// More threads than owned stripes at once, so the shared stripe is used too.
TEST(StripedCounterTest, ConcurrentAddsFromManyThreadsAreAllCounted) {
  constexpr int kThreads = 2 * StripedCounter::kOwnedStripes + 3;
  constexpr uint64_t kAdds = 20'000;
  StripedCounter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counter, t] {
      for (uint64_t i = 0; i < kAdds; ++i) counter.fetch_add(static_cast<uint64_t>(t) + 1);
    });
  }
  for (auto& th : threads) th.join();
  uint64_t expected = 0;
  for (int t = 0; t < kThreads; ++t) expected += (static_cast<uint64_t>(t) + 1) * kAdds;
  EXPECT_EQ(counter.load(), expected);
}

// Threads that exit hand their stripe to later threads, which keep adding to its value.
TEST(StripedCounterTest, StripesOfExitedThreadsKeepTheirCountsWhenReused) {
  StripedCounter counter;
  uint64_t expected = 0;
  for (int round = 0; round < 50; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&counter] {
        EXPECT_LT(StripedCounter::thread_stripe(), StripedCounter::kOwnedStripes + 1);
        for (int i = 0; i < 100; ++i) counter.fetch_add(1);
      });
      expected += 100;
    }
    for (auto& th : threads) th.join();
  }
  EXPECT_EQ(counter.load(), expected);
  // Stripes are recycled: a new thread still owns one (this and 3-thread rounds never
  // hold more than kOwnedStripes at once).
  std::thread([] { EXPECT_LT(StripedCounter::thread_stripe(), StripedCounter::kOwnedStripes); })
      .join();
}

TEST(StripedCounterTest, AssignmentResetsWhileOthersAdd) {
  StripedCounter counter;
  counter.fetch_add(500);
  counter = 0;
  EXPECT_EQ(counter.load(), 0u);
  counter.fetch_add(7);
  EXPECT_EQ(counter.load(), 7u);
  counter = 40;
  EXPECT_EQ(counter.load(), 40u);

  std::atomic<bool> stop{false};
  std::thread adder([&] {
    while (!stop.load()) counter.fetch_add(1);
  });
  for (int i = 0; i < 1000; ++i) {
    counter = 0;
    // Whatever was added since the reset, never a count from before it.
    EXPECT_LT(counter.load(), uint64_t{1} << 40);
  }
  stop = true;
  adder.join();
  uint64_t settled = counter.load();
  counter.fetch_add(3);
  EXPECT_EQ(counter.load(), settled + 3);
}

}  // namespace
}  // namespace corio::redis
