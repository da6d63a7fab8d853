// Runtime, spawn, JoinHandle, shutdown and misuse, on both scheduler flavours.
#include "runtime/runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "runtime/test_util.h"

namespace corio {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Runtime make(bool multi) {
  return multi ? Builder::multi_thread().worker_threads(2).build()
               : Builder::current_thread().build();
}

class RuntimeTest : public ::testing::TestWithParam<bool> {
 protected:
  Runtime rt = make(GetParam());
};

INSTANTIATE_TEST_SUITE_P(Flavors, RuntimeTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "MultiThread" : "CurrentThread"; });

TEST_P(RuntimeTest, BlockOnReturnsValue) {
  EXPECT_EQ(rt.block_on(co_invoke([]() -> Task<int> { co_return 5; })), 5);
}

TEST_P(RuntimeTest, BlockOnRethrowsException) {
  EXPECT_THROW(rt.block_on(co_invoke([]() -> Task<void> {
                 throw std::out_of_range("x");
                 co_return;
               })),
               std::out_of_range);
}

TEST_P(RuntimeTest, SpawnedTaskValueReachesJoinHandle) {
  int v = rt.block_on(co_invoke([]() -> Task<int> {
    auto h = spawn(co_invoke([]() -> Task<int> { co_return 21; }));
    co_return *co_await h * 2;
  }));
  EXPECT_EQ(v, 42);
}

TEST_P(RuntimeTest, ExceptionReachesJoinHandle) {
  bool caught = rt.block_on(co_invoke([]() -> Task<bool> {
    auto h = spawn(co_invoke([]() -> Task<void> {
      throw std::invalid_argument("bad");
      co_return;
    }));
    try {
      (void)co_await h;
    } catch (const std::invalid_argument&) {
      co_return true;
    }
    co_return false;
  }));
  EXPECT_TRUE(caught);
}

TEST_P(RuntimeTest, MillionSpawnedTasksComplete) {
  constexpr int kTasks = 1'000'000;
  std::atomic<int> done{0};
  rt.block_on(co_invoke([&]() -> Task<void> {
    testing::Flag all_done;
    for (int i = 0; i < kTasks; ++i) {
      spawn(co_invoke([&]() -> Task<void> {
        if (done.fetch_add(1) + 1 == kTasks) all_done.set();
        co_return;
      }));  // detached
    }
    co_await testing::WaitFlag{&all_done};
  }));
  EXPECT_EQ(done.load(), kTasks);
}

TEST_P(RuntimeTest, AbortRunsDestructorsOfLocals) {
  std::atomic<int> live{0};
  absl::Status status = rt.block_on(co_invoke([&]() -> Task<absl::Status> {
    testing::Flag never;
    testing::Flag started;
    auto h = spawn(co_invoke([&]() -> Task<void> {
      testing::DropCounter d(&live);
      started.set();
      co_await testing::WaitFlag{&never};
    }));
    co_await testing::WaitFlag{&started};
    h.abort();
    co_return co_await h;
  }));
  EXPECT_TRUE(absl::IsCancelled(status)) << status;
  EXPECT_EQ(live.load(), 0);
}

// A task's parameters and captures (here a shared_ptr, in real code a channel Sender) are
// released when it completes, not when its JoinHandle is finally consumed: code that waits
// for "every sender gone" while still holding the producers' handles must not hang.
Task<int> holds_until_done(std::shared_ptr<int> held, testing::Flag* finish) {
  co_await testing::WaitFlag{finish};
  co_return *held;
}

TEST_P(RuntimeTest, FinishedTaskReleasesItsParametersBeforeItIsJoined) {
  auto held = std::make_shared<int>(7);
  std::weak_ptr<int> watch = held;
  testing::Flag finish;
  auto r = rt.block_on_for(co_invoke([&]() -> Task<int> {
    auto h = spawn(holds_until_done(std::move(held), &finish));
    co_await yield_now();
    EXPECT_FALSE(watch.expired()) << "released before the task ended";
    finish.set();
    while (!h.is_finished()) co_await yield_now();
    EXPECT_TRUE(watch.expired()) << "a finished task still holds its parameter";
    auto v = co_await h;  // the output survived the frame
    co_return v.ok() ? *v : -1;
  }), std::chrono::seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 7);
}

TEST_P(RuntimeTest, WakeFromForeignThread) {
  int v = rt.block_on(co_invoke([]() -> Task<int> {
    testing::Flag flag;
    std::thread t([&] {
      std::this_thread::sleep_for(milliseconds(5));
      flag.set();
    });
    co_await testing::WaitFlag{&flag};
    t.join();
    co_return 1;
  }));
  EXPECT_EQ(v, 1);
}

TEST_P(RuntimeTest, YieldNowLetsOthersRun) {
  std::vector<int> order;
  std::mutex mu;
  rt.block_on(co_invoke([&]() -> Task<void> {
    auto worker = [&](int id) -> Task<void> {
      for (int i = 0; i < 3; ++i) {
        {
          std::lock_guard<std::mutex> l(mu);
          order.push_back(id);
        }
        co_await yield_now();
      }
    };
    auto a = spawn(worker(1));
    auto b = spawn(worker(2));
    (void)co_await a;
    (void)co_await b;
  }));
  EXPECT_EQ(order.size(), 6u);
}

TEST_P(RuntimeTest, SpawnBlockingRunsOffTheWorkers) {
  auto main_thread = std::this_thread::get_id();
  auto [value, tid] = rt.block_on(co_invoke([&]() -> Task<std::pair<int, std::thread::id>> {
    auto h = spawn_blocking([] {
      std::this_thread::sleep_for(milliseconds(2));
      return std::make_pair(7, std::this_thread::get_id());
    });
    co_return *co_await h;
  }));
  EXPECT_EQ(value, 7);
  EXPECT_NE(tid, main_thread);
}

TEST_P(RuntimeTest, ShutdownWithPendingTasksDestroysThem) {
  std::atomic<int> live{0};
  auto flag = std::make_shared<testing::Flag>();  // never set
  rt.block_on(co_invoke([&]() -> Task<void> {
    for (int i = 0; i < 100; ++i) {
      spawn(co_invoke([&live, flag]() -> Task<void> {
        testing::DropCounter d(&live);
        co_await testing::WaitFlag{flag.get()};
      }));
    }
    // Let them all start and park.
    for (int i = 0; i < 10; ++i) co_await yield_now();
  }));
  rt.shutdown();
  EXPECT_EQ(live.load(), 0);  // every parked task was destroyed; ASAN checks no leak
}

TEST_P(RuntimeTest, SpawnAfterShutdownIsCancelled) {
  Handle h = rt.handle();
  rt.shutdown();
  auto jh = h.spawn(co_invoke([]() -> Task<int> { co_return 1; }));
  EXPECT_TRUE(jh.is_finished());
  auto other = Builder::current_thread().build();
  auto r = other.block_on(co_invoke([&]() -> Task<absl::StatusOr<int>> { co_return co_await jh; }));
  EXPECT_TRUE(absl::IsCancelled(r.status()));
}

TEST_P(RuntimeTest, BlockOnForTimesOutOnAFutureThatNeverWakes) {
  // A future that forgets to store its waker: the task is never polled again. block_on_for
  // turns the hang into a clear DeadlineExceeded.
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> {
    co_await poll_fn([](Context&) -> Poll<void> { return kPending; });
  }), milliseconds(50));
  EXPECT_TRUE(absl::IsDeadlineExceeded(r)) << r;
}

TEST(RuntimeMisuseTest, SpawnOutsideRuntimeThrows) {
  EXPECT_THROW(spawn(co_invoke([]() -> Task<void> { co_return; })), std::logic_error);
}

TEST(RuntimeMisuseTest, BlockOnFromWorkerThreadThrows) {
  Runtime rt = Builder::multi_thread().worker_threads(1).build();
  bool threw = rt.block_on(co_invoke([&]() -> Task<bool> {
    auto h = spawn(co_invoke([&]() -> Task<bool> {
      try {
        rt.block_on(co_invoke([]() -> Task<void> { co_return; }));
      } catch (const std::logic_error&) {
        co_return true;
      }
      co_return false;
    }));
    co_return *co_await h;
  }));
  EXPECT_TRUE(threw);
}

TEST(RuntimeMetricsTest, CountsPollsAndSchedules) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  rt.block_on(co_invoke([]() -> Task<void> {
    std::vector<JoinHandle<void>> hs;
    for (int i = 0; i < 1000; ++i) hs.push_back(spawn(co_invoke([]() -> Task<void> { co_return; })));
    for (auto& h : hs) (void)co_await h;
  }));
  rt.shutdown();  // workers stopped: their last counter updates are in
  RuntimeMetrics m = rt.metrics();
  EXPECT_EQ(m.workers.size(), 2u);
  EXPECT_GE(m.total().polls, 1000u);
}

// With wake_threshold(4), a backlog of four tasks queued by a worker wakes its parked
// sibling. The first task to run waits (bounded) for another to run at the same time on
// the other worker: without the wake, its siblings would sit in its queue behind it.
TEST(WakeThresholdTest, BacklogAtThresholdWakesASibling) {
  Runtime rt = Builder::multi_thread().worker_threads(2).wake_threshold(4).build();
  std::atomic<int> running{0};
  bool overlapped = rt.block_on(co_invoke([&]() -> Task<bool> {
    auto parent = spawn(co_invoke([&]() -> Task<bool> {
      // Give the other worker time to find nothing and park (a searching sibling would
      // steal without being woken, and the test would not test the wake).
      std::this_thread::sleep_for(milliseconds(50));
      std::vector<JoinHandle<bool>> hs;
      // The first spawn takes the LIFO slot, the next four fill the queue to 4.
      for (int i = 0; i < 5; ++i) {
        hs.push_back(spawn(co_invoke([&]() -> Task<bool> {
          running.fetch_add(1);
          auto deadline = std::chrono::steady_clock::now() + seconds(10);
          while (running.load() < 2 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
          }
          bool saw_other = running.load() >= 2;
          running.fetch_sub(1);
          co_return saw_other;
        })));
      }
      bool any = false;
      for (auto& h : hs) any = *co_await h || any;
      co_return any;
    }));
    co_return *co_await parent;
  }));
  EXPECT_TRUE(overlapped);
}

TEST(BlockingPoolTest, MaxBlockingThreadsBoundsThePool) {
  Runtime rt = Builder::multi_thread().worker_threads(2).max_blocking_threads(2).build();
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  rt.block_on(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> hs;
    for (int i = 0; i < 16; ++i) {
      hs.push_back(spawn_blocking([&] {
        int now = running.fetch_add(1) + 1;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(milliseconds(2));
        running.fetch_sub(1);
      }));
    }
    for (auto& h : hs) (void)co_await h;
  }));
  EXPECT_LE(peak.load(), 2);
  EXPECT_LE(rt.metrics().blocking_threads, 2u);
}

TEST(CurrentThreadTest, SeededRandomOrderIsRepeatable) {
  auto run = [](uint64_t seed) {
    Runtime rt = Builder::current_thread().random_order_seed(seed).build();
    std::vector<int> order;
    rt.block_on(co_invoke([&]() -> Task<void> {
      std::vector<JoinHandle<void>> hs;
      for (int i = 0; i < 20; ++i) {
        hs.push_back(spawn(co_invoke([&order, i]() -> Task<void> {
          order.push_back(i);
          co_return;
        })));
      }
      for (auto& h : hs) (void)co_await h;
    }));
    return order;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(CoopBudgetTest, BusyTaskYieldsAfterItsBudget) {
  Runtime rt = Builder::current_thread().build();
  int forced = rt.block_on(co_invoke([]() -> Task<int> {
    int refusals = 0;
    for (int i = 0; i < 1000; ++i) {
      co_await poll_fn([&](Context& cx) -> Poll<void> {
        if (coop::poll_proceed(cx)) return Ready();
        ++refusals;
        return kPending;  // poll_proceed woke us: polled again after a trip through the queue
      });
    }
    co_return refusals;
  }));
  EXPECT_GE(forced, 1000 / coop::kTaskBudget - 1);
  EXPECT_GE(rt.metrics().total().budget_forced_yields, 1u);
}

// A lone task that keeps spending its budget is re-queued on its own worker without waking
// the parked sibling: that wake would cost a futex wake and a context switch per
// kTaskBudget operations, only for the sibling to steal the task back.
TEST(CoopBudgetTest, LoneBudgetYieldsWakeNoSibling) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  constexpr int kOps = 1000 * coop::kTaskBudget;  // 1000 forced yields
  int refusals = rt.block_on(co_invoke([]() -> Task<int> {
    auto busy = spawn(co_invoke([]() -> Task<int> {
      // Let the sibling (woken by the spawn from outside) find nothing and park.
      std::this_thread::sleep_for(milliseconds(50));
      int refused = 0;
      for (int i = 0; i < kOps; ++i) {
        co_await poll_fn([&](Context& cx) -> Poll<void> {
          if (coop::poll_proceed(cx)) return Ready();
          ++refused;
          return kPending;
        });
      }
      co_return refused;
    }));
    co_return *co_await busy;
  }));
  rt.shutdown();
  RuntimeMetrics m = rt.metrics();
  EXPECT_GE(refusals, 999);
  // A few wakes come from the spawn and the join, none from the forced yields: the task
  // stays on its worker.
  EXPECT_LE(m.total().unparks, 8u) << "forced yields: " << refusals;
  EXPECT_EQ(m.total().steals, 0u);
}

}  // namespace
}  // namespace corio
