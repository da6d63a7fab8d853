// The timer wheel on its own, with fake time, checked against a plain ordered model.
#include "runtime/time/wheel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <vector>

namespace corio::time {
namespace {

struct Timer : TimerEntry {
  int id = 0;
};

// Polls everything due at `now`.
std::vector<Timer*> poll_all(TimerWheel& wheel, uint64_t now) {
  std::vector<Timer*> out;
  while (TimerEntry* e = wheel.poll(now)) out.push_back(static_cast<Timer*>(e));
  return out;
}

TEST(TimerWheel, EmptyWheelHasNoExpiration) {
  TimerWheel wheel;
  EXPECT_FALSE(wheel.next_expiration().has_value());
  EXPECT_EQ(wheel.poll(1000), nullptr);
  EXPECT_EQ(wheel.elapsed(), 1000u);
}

TEST(TimerWheel, AlreadyDueIsRefused) {
  TimerWheel wheel;
  (void)wheel.poll(50);
  Timer t;
  EXPECT_FALSE(wheel.insert(&t, 50));
  EXPECT_FALSE(wheel.insert(&t, 10));
  EXPECT_FALSE(t.is_linked());
  EXPECT_TRUE(wheel.insert(&t, 51));
  EXPECT_EQ(wheel.size(), 1u);
}

TEST(TimerWheel, FiresInDeadlineOrderNeverEarly) {
  TimerWheel wheel;
  std::mt19937_64 rng(7);
  std::vector<std::unique_ptr<Timer>> timers;
  for (int i = 0; i < 5000; ++i) {
    auto t = std::make_unique<Timer>();
    t->id = i;
    ASSERT_TRUE(wheel.insert(t.get(), 1 + rng() % 300000));
    timers.push_back(std::move(t));
  }
  // Each timer fires at the first poll whose `now` reaches its deadline: never before,
  // never a poll later.
  uint64_t prev_now = 0;
  size_t fired = 0;
  for (uint64_t now = 0; fired < timers.size(); now += 1 + rng() % 97) {
    for (Timer* t : poll_all(wheel, now)) {
      EXPECT_LE(t->deadline(), now) << "fired early";
      EXPECT_GT(t->deadline(), prev_now) << "fired late";
      ++fired;
    }
    prev_now = now;
  }
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheel, EqualDeadlinesAllFireTogether) {
  TimerWheel wheel;
  std::vector<Timer> timers(100);
  for (auto& t : timers) ASSERT_TRUE(wheel.insert(&t, 4242));
  EXPECT_TRUE(poll_all(wheel, 4241).empty());
  EXPECT_EQ(poll_all(wheel, 4242).size(), 100u);
}

TEST(TimerWheel, EveryLevelFromOneMsToTwoYears) {
  // Deadlines at each level's scale and at the level boundaries.
  std::vector<uint64_t> deadlines;
  for (int level = 0; level < kWheelLevels; ++level) {
    uint64_t w = slot_width_ms(level) * kSlotsPerLevel;
    for (uint64_t d : {w - 1, w, w + 1, w / 2 + 3}) deadlines.push_back(d);
  }
  deadlines.push_back(uint64_t{2} * 365 * 24 * 3600 * 1000);  // two years
  for (uint64_t d : deadlines) {
    TimerWheel wheel;
    (void)wheel.poll(12345);  // start off a level boundary
    Timer t;
    uint64_t deadline = 12345 + d;
    ASSERT_TRUE(wheel.insert(&t, deadline));
    // Jump from expiration to expiration, as a driver does: never fires early.
    uint64_t now = 12345;
    int hops = 0;
    TimerEntry* got = nullptr;
    while (got == nullptr) {
      auto next = wheel.next_expiration();
      ASSERT_TRUE(next.has_value());
      ASSERT_GE(*next, now);
      ASSERT_LE(*next, deadline) << "d=" << d;
      now = *next;
      got = wheel.poll(now);
      ASSERT_LT(++hops, 2 * kWheelLevels + 2);
    }
    EXPECT_EQ(got, &t);
    EXPECT_EQ(now, deadline) << "d=" << d;
  }
}

TEST(TimerWheel, BeyondTheWheelIsClampedAndRefiled) {
  TimerWheel wheel;
  Timer t;
  uint64_t deadline = 3 * kMaxWheelSpanMs + 17;
  ASSERT_TRUE(wheel.insert(&t, deadline));
  uint64_t now = 0;
  TimerEntry* got = nullptr;
  for (int hops = 0; got == nullptr; ++hops) {
    ASSERT_LT(hops, 100);
    now = *wheel.next_expiration();
    ASSERT_LE(now, deadline);
    got = wheel.poll(now);
  }
  EXPECT_EQ(now, deadline);
}

TEST(TimerWheel, RemoveFromSlotAndFromPending) {
  TimerWheel wheel;
  Timer a, b, c;
  ASSERT_TRUE(wheel.insert(&a, 10));
  ASSERT_TRUE(wheel.insert(&b, 10));
  ASSERT_TRUE(wheel.insert(&c, 5000));
  wheel.remove(&c);
  EXPECT_FALSE(c.is_linked());
  EXPECT_EQ(wheel.next_expiration(), 10u);
  TimerEntry* first = wheel.poll(10);  // a and b are now both due; one is returned
  ASSERT_NE(first, nullptr);
  Timer* other = first == &a ? &b : &a;
  EXPECT_TRUE(other->is_linked());
  wheel.remove(other);  // removal while it waits in the due list
  EXPECT_EQ(wheel.poll(10), nullptr);
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_FALSE(wheel.next_expiration().has_value());
  wheel.remove(other);  // removing an unlinked entry is a no-op
}

TEST(TimerWheel, RemovingLastEntryOfSlotClearsOccupancy) {
  TimerWheel wheel;
  Timer near_timer, far_timer;
  ASSERT_TRUE(wheel.insert(&near_timer, 3));
  ASSERT_TRUE(wheel.insert(&far_timer, 100000));
  wheel.remove(&near_timer);
  // If the bit for slot 3 were left set, next_expiration would still say 3.
  EXPECT_GT(*wheel.next_expiration(), 3u);
}

// Random inserts, removes and polls against an ordered multiset model.
TEST(TimerWheel, MatchesModelUnderRandomOperations) {
  for (uint64_t seed : {1, 2, 3, 4}) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    TimerWheel wheel;
    std::vector<std::unique_ptr<Timer>> timers(2000);
    for (size_t i = 0; i < timers.size(); ++i) {
      timers[i] = std::make_unique<Timer>();
      timers[i]->id = static_cast<int>(i);
    }
    std::set<std::pair<uint64_t, int>> model;
    uint64_t now = 0;
    for (int step = 0; step < 200000; ++step) {
      Timer* t = timers[rng() % timers.size()].get();
      switch (rng() % 4) {
        case 0:
        case 1:
          if (!t->is_linked()) {
            uint64_t span = uint64_t{1} << (rng() % 40);
            uint64_t d = now + 1 + rng() % span;
            ASSERT_TRUE(wheel.insert(t, d));
            model.insert({d, t->id});
          }
          break;
        case 2:
          if (t->is_linked()) {
            model.erase({t->deadline(), t->id});
            wheel.remove(t);
          }
          break;
        case 3: {
          if (auto next = wheel.next_expiration(); next && !model.empty()) {
            ASSERT_LE(*next, model.begin()->first) << "elapsed " << wheel.elapsed();
          }
          now += rng() % 200;
          if (rng() % 50 == 0 && !model.empty()) now = model.begin()->first;  // big jumps
          for (Timer* fired : poll_all(wheel, now)) {
            ASSERT_LE(fired->deadline(), now);
            ASSERT_EQ(model.erase({fired->deadline(), fired->id}), 1u);
          }
          ASSERT_TRUE(model.empty() || model.begin()->first > now) << "a due timer was missed";
          break;
        }
      }
      ASSERT_EQ(wheel.size(), model.size());
    }
  }
}

}  // namespace
}  // namespace corio::time
