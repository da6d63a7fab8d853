// sleep, timeout, interval and the paused clock, on real runtimes.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "runtime/combinators.h"
#include "runtime/runtime.h"
#include "runtime/test_util.h"
#include "runtime/time/interval.h"
#include "runtime/time/sleep.h"
#include "runtime/time/timeout.h"

namespace corio {
namespace {

using namespace std::chrono_literals;
using time::Instant;

Runtime paused_runtime() { return Builder::current_thread().enable_time().build(); }

TEST(Time, SleepNeverCompletesBeforeItsDeadline) {
  Runtime rt = Builder::multi_thread().worker_threads(2).enable_time().build();
  std::atomic<int> early{0};
  auto result = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> tasks;
    for (int i = 0; i < 200; ++i) {
      tasks.push_back(spawn(co_invoke([&, i]() -> Task<void> {
        for (int round = 0; round < 3; ++round) {
          auto d = std::chrono::microseconds(300 + 997 * ((i * 7 + round) % 13));
          Instant deadline = time::now() + d;
          co_await time::sleep_until(deadline);
          if (std::chrono::steady_clock::now() < deadline) early.fetch_add(1);
        }
      })));
    }
    for (auto& t : tasks) {
      auto r = co_await t;
      EXPECT_TRUE(r.ok());
    }
  }), 60s);
  ASSERT_TRUE(result.ok()) << result;
  EXPECT_EQ(early.load(), 0);
}

TEST(Time, ManyTimersFireInDeadlineOrderOnPausedClock) {
  Runtime rt = paused_runtime();
  std::vector<int> order;  // deadlines in ms, in completion order
  rt.block_on(co_invoke([&]() -> Task<void> {
    time::pause();
    Instant start = time::now();
    std::mt19937 rng(11);
    std::vector<JoinHandle<void>> tasks;
    for (int i = 0; i < 2000; ++i) {
      int ms = static_cast<int>(rng() % 5000);
      tasks.push_back(spawn(co_invoke([&, ms, start]() -> Task<void> {
        co_await time::sleep_until(start + std::chrono::milliseconds(ms));
        EXPECT_GE(time::now(), start + std::chrono::milliseconds(ms));
        order.push_back(ms);
      })));
    }
    for (auto& t : tasks) (void)co_await t;
  }));
  ASSERT_EQ(order.size(), 2000u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST(Time, EqualDeadlinesAllComplete) {
  Runtime rt = paused_runtime();
  int done = 0;
  rt.block_on(co_invoke([&]() -> Task<void> {
    time::pause();
    Instant at = time::now() + 250ms;
    std::vector<JoinHandle<void>> tasks;
    for (int i = 0; i < 100; ++i) {
      tasks.push_back(spawn(co_invoke([&, at]() -> Task<void> {
        co_await time::sleep_until(at);
        EXPECT_EQ(time::now(), at);  // the paused clock jumped exactly to the deadline
        ++done;
      })));
    }
    for (auto& t : tasks) (void)co_await t;
  }));
  EXPECT_EQ(done, 100);
}

TEST(Time, DeadlinesOnEveryLevelTakeNoWallTimeWhenPaused) {
  Runtime rt = paused_runtime();
  auto wall_start = std::chrono::steady_clock::now();
  rt.block_on(co_invoke([&]() -> Task<void> {
    time::pause();
    for (auto d : {1ms, 63ms, 64ms, 65ms, 4095ms, 4096ms, 300000ms,
                   std::chrono::milliseconds(std::chrono::hours(30)),
                   std::chrono::milliseconds(std::chrono::hours(24 * 400)),
                   std::chrono::milliseconds(std::chrono::hours(24 * 365 * 2)),
                   std::chrono::milliseconds(std::chrono::hours(24 * 365 * 5))}) {
      Instant before = time::now();
      co_await time::sleep(d);
      EXPECT_EQ(time::now() - before, d) << "sleep of " << d.count() << " ms";
    }
  }));
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, 10s);
}

TEST(Time, AMillionTimersRegisteredThenCancelledLeaveNothingBehind) {
  Runtime rt = paused_runtime();
  rt.block_on(co_invoke([&]() -> Task<void> {
    time::pause();  // 1 ms deadlines must not pass while a million sleeps are made
    time::TimeDriver& driver = time::current_time_driver();
    {
      std::vector<std::unique_ptr<time::Sleep>> sleeps;
      sleeps.reserve(1'000'000);
      Instant base = time::now();
      for (int i = 0; i < 1'000'000; ++i) {
        sleeps.push_back(std::make_unique<time::Sleep>(base + std::chrono::milliseconds(1 + i % 100000)));
      }
      // Register each by polling it once.
      co_await poll_fn([&](Context& cx) -> Poll<void> {
        for (auto& s : sleeps) EXPECT_TRUE(s->poll(cx).is_pending());
        return Ready();
      });
      EXPECT_EQ(driver.registered_count(), 1'000'000u);
    }
    EXPECT_EQ(driver.registered_count(), 0u);
  }));
}

TEST(Time, ResetEarlierAndLater) {
  Runtime rt = paused_runtime();
  rt.block_on(co_invoke([&]() -> Task<void> {
    time::pause();
    Instant start = time::now();
    // Later, after registration (the lock-free path).
    time::Sleep s(start + 10ms);
    co_await poll_fn([&](Context& cx) -> Poll<void> {
      EXPECT_TRUE(s.poll(cx).is_pending());
      return Ready();
    });
    s.reset(start + 500ms);
    co_await s;
    EXPECT_EQ(time::now() - start, 500ms);
    // Earlier, after registration.
    start = time::now();
    time::Sleep e(start + 10s);
    co_await poll_fn([&](Context& cx) -> Poll<void> {
      EXPECT_TRUE(e.poll(cx).is_pending());
      return Ready();
    });
    e.reset(start + 20ms);
    co_await e;
    EXPECT_EQ(time::now() - start, 20ms);
    // After completion: pending again until the new deadline.
    e.reset(time::now() + 7ms);
    EXPECT_FALSE(e.is_elapsed());
    Instant before = time::now();
    co_await e;
    EXPECT_EQ(time::now() - before, 7ms);
  }));
}

Task<int> slow_value(std::chrono::milliseconds d, int v) {
  co_await time::sleep(d);
  co_return v;
}

TEST(Time, TimeoutAroundAnOperationThatFinishesJustBeforeOrAfter) {
  Runtime rt = paused_runtime();
  rt.block_on(co_invoke([&]() -> Task<void> {
    time::pause();
    auto before = co_await time::timeout(100ms, slow_value(99ms, 1));
    EXPECT_TRUE(before.ok());
    EXPECT_EQ(before.value_or(0), 1);
    auto tie = co_await time::timeout(100ms, slow_value(100ms, 2));
    EXPECT_TRUE(tie.ok()) << "the inner future is polled first and wins a tie";
    EXPECT_EQ(tie.value_or(0), 2);
    Instant start = time::now();
    auto after = co_await time::timeout(100ms, slow_value(101ms, 3));
    EXPECT_EQ(after.status().code(), absl::StatusCode::kDeadlineExceeded);
    EXPECT_EQ(time::now() - start, 100ms);
    // The losing inner sleep was unlinked at once.
    EXPECT_EQ(time::current_time_driver().registered_count(), 0u);
  }));
}

TEST(Time, TimeoutOfAVoidFuture) {
  Runtime rt = paused_runtime();
  rt.block_on(co_invoke([&]() -> Task<void> {
    time::pause();
    testing::Flag never;
    absl::Status s = co_await time::timeout(1h, testing::WaitFlag{&never});
    EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  }));
}

TEST(Time, SelectLoserSleepIsUnlinkedAtOnce) {
  Runtime rt = paused_runtime();
  rt.block_on(co_invoke([&]() -> Task<void> {
    time::pause();
    auto winner = co_await select(time::sleep(5ms), time::sleep(1h));
    EXPECT_EQ(winner.index(), 0u);
    EXPECT_EQ(time::current_time_driver().registered_count(), 0u);
  }));
}

TEST(Time, AbortedTaskUnlinksItsSleep) {
  Runtime rt = Builder::multi_thread().worker_threads(2).enable_time().build();
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto h = spawn(co_invoke([]() -> Task<void> { co_await time::sleep(1h); }));
    while (time::current_time_driver().registered_count() == 0) co_await yield_now();
    h.abort();
    auto joined = co_await h;
    EXPECT_EQ(joined.code(), absl::StatusCode::kCancelled);
    EXPECT_EQ(time::current_time_driver().registered_count(), 0u);
  }), 30s);
  EXPECT_TRUE(r.ok()) << r;
}

std::vector<int64_t> tick_offsets(time::MissedTickBehavior behavior) {
  Runtime rt = paused_runtime();
  std::vector<int64_t> offsets;
  rt.block_on(co_invoke([&]() -> Task<void> {
    time::pause();
    Instant start = time::now();
    auto iv = time::interval(10ms);
    iv.set_missed_tick_behavior(behavior);
    auto ms = [&](Instant t) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(t - start).count();
    };
    offsets.push_back(ms(co_await iv.tick()));  // 0: the first tick is immediate
    offsets.push_back(ms(co_await iv.tick()));  // 10
    time::advance(35ms);                        // busy: now = 45, ticks 20, 30, 40 missed
    for (int i = 0; i < 4; ++i) {
      Instant scheduled = co_await iv.tick();
      offsets.push_back(ms(scheduled));
      offsets.push_back(ms(time::now()));
    }
  }));
  return offsets;
}

TEST(Time, IntervalBurstCatchesUpBackToBack) {
  // Missed 20, 30, 40 fire at once (at 45), then the schedule goes on: 50.
  EXPECT_EQ(tick_offsets(time::MissedTickBehavior::kBurst),
            (std::vector<int64_t>{0, 10, 20, 45, 30, 45, 40, 45, 50, 50}));
}

TEST(Time, IntervalDelayShiftsTheSchedule) {
  // One late tick at 45 (scheduled 20), then every 10 ms from 45.
  EXPECT_EQ(tick_offsets(time::MissedTickBehavior::kDelay),
            (std::vector<int64_t>{0, 10, 20, 45, 55, 55, 65, 65, 75, 75}));
}

TEST(Time, IntervalSkipDropsMissedTicks) {
  // One late tick at 45 (scheduled 20), then the original schedule: 50, 60, 70.
  EXPECT_EQ(tick_offsets(time::MissedTickBehavior::kSkip),
            (std::vector<int64_t>{0, 10, 20, 45, 50, 50, 60, 60, 70, 70}));
}

TEST(Time, CancelFromOtherThreadsWhileTheDriverFires) {
  // Tasks on two workers race short sleeps against flags set from a foreign thread, so
  // timers are cancelled (select losers) while the driver fires others.
  Runtime rt = Builder::multi_thread().worker_threads(2).enable_time().build();
  constexpr int kTasks = 64;
  constexpr int kRounds = 40;
  // flags[task][round], never destroyed before the end; round[task] says which is live.
  std::vector<std::vector<std::unique_ptr<testing::Flag>>> flags(kTasks);
  std::vector<std::atomic<int>> round(kTasks);
  for (auto& per_task : flags) {
    for (int r = 0; r < kRounds; ++r) per_task.push_back(std::make_unique<testing::Flag>());
  }
  std::atomic<int> finished{0};
  std::atomic<int> flag_wins{0};
  std::atomic<bool> stop{false};
  std::thread setter([&] {
    std::mt19937 rng(5);
    while (!stop.load()) {
      int t = static_cast<int>(rng() % kTasks);
      flags[t][std::min(round[t].load(), kRounds - 1)]->set();
      std::this_thread::sleep_for(50us);
    }
  });
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> tasks;
    for (int i = 0; i < kTasks; ++i) {
      tasks.push_back(spawn(co_invoke([&, i]() -> Task<void> {
        for (int r = 0; r < kRounds; ++r) {
          round[i].store(r);
          auto d = std::chrono::microseconds(100 + 300 * (r % 5));
          auto won = co_await select(time::sleep(d), testing::WaitFlag{flags[i][r].get()});
          if (won.index() == 1) flag_wins.fetch_add(1);
        }
        finished.fetch_add(1);
      })));
    }
    for (auto& t : tasks) (void)co_await t;
    EXPECT_EQ(time::current_time_driver().registered_count(), 0u);
  }), 60s);
  stop.store(true);
  setter.join();
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_EQ(finished.load(), kTasks);
  EXPECT_GT(flag_wins.load(), 0) << "no timer was ever cancelled: the test tested nothing";
}

// A sibling that asks to be polled again on every poll, so that a Sleep beside it in a
// select is polled over and over while a parked worker fires it.
struct RepollForever {
  int polls = 0;
  Poll<void> poll(Context& cx) {
    ++polls;
    cx.waker().wake_by_ref();
    return kPending;
  }
};

Task<int> race_sleeps_against_repolls(int rounds) {
  int sleeps_won = 0;
  for (int r = 0; r < rounds; ++r) {
    auto won = co_await select(time::sleep(std::chrono::microseconds(50 + 37 * (r % 7))),
                               RepollForever{});
    if (won.index() == 0) ++sleeps_won;
  }
  co_return sleeps_won;
}

TEST(Time, SleepPolledWhileAWorkerFiresIt) {
  // The owner polls a registered Sleep while another thread's driver fires it: the owner
  // must not look at the waker the driver holds (TSAN checks), and the wake must not be
  // lost (the block_on_for deadline checks). Both from block_on's own task and a worker's.
  Runtime rt = Builder::multi_thread().worker_threads(2).enable_time().build();
  constexpr int kRounds = 300;
  auto on_root = rt.block_on_for(race_sleeps_against_repolls(kRounds), 60s);
  ASSERT_TRUE(on_root.ok()) << on_root.status();
  EXPECT_EQ(*on_root, kRounds);
  auto on_worker = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto joined = co_await spawn(race_sleeps_against_repolls(kRounds));
    co_return joined.ok() ? *joined : -1;
  }), 60s);
  ASSERT_TRUE(on_worker.ok()) << on_worker.status();
  EXPECT_EQ(*on_worker, kRounds);
}

TEST(Time, MisuseIsAClearError) {
  Runtime no_time = Builder::current_thread().build();
  EXPECT_THROW(no_time.block_on(co_invoke([]() -> Task<void> { co_await time::sleep(1ms); })),
               std::logic_error);
  Runtime multi = Builder::multi_thread().worker_threads(1).enable_time().build();
  EXPECT_THROW(multi.block_on(co_invoke([]() -> Task<void> {
                 time::pause();
                 co_return;
               })),
               std::logic_error);
  EXPECT_THROW(time::interval(0ms), std::logic_error);
}

}  // namespace
}  // namespace corio
