#include "sync/barrier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "runtime/combinators.h"
#include "runtime/runtime.h"

namespace corio::sync {
namespace {

using std::chrono::seconds;

struct NullContext {
  Waker waker;
  Context cx{waker};
};

TEST(BarrierTest, LastArrivalLeadsAndReleasesTheOthers) {
  Barrier b(3);
  NullContext c;
  auto w1 = b.wait();
  auto w2 = b.wait();
  EXPECT_TRUE(w1.poll(c.cx).is_pending());
  EXPECT_TRUE(w2.poll(c.cx).is_pending());
  auto w3 = b.wait();
  auto p3 = w3.poll(c.cx);
  ASSERT_TRUE(p3.is_ready());
  EXPECT_TRUE(p3.take().is_leader());
  auto p1 = w1.poll(c.cx);
  auto p2 = w2.poll(c.cx);
  ASSERT_TRUE(p1.is_ready() && p2.is_ready());
  EXPECT_FALSE(p1.take().is_leader());
  EXPECT_FALSE(p2.take().is_leader());
}

TEST(BarrierTest, IsReusableAcrossGenerations) {
  Barrier b(2);
  NullContext c;
  for (int gen = 0; gen < 3; ++gen) {
    auto a = b.wait();
    EXPECT_TRUE(a.poll(c.cx).is_pending());
    auto l = b.wait();
    EXPECT_TRUE(l.poll(c.cx).take().is_leader());
    EXPECT_FALSE(a.poll(c.cx).take().is_leader());
  }
}

TEST(BarrierTest, SizeZeroOrOneReleasesAtOnce) {
  NullContext c;
  for (size_t n : {0u, 1u}) {
    Barrier b(n);
    auto w = b.wait();
    auto p = w.poll(c.cx);
    ASSERT_TRUE(p.is_ready());
    EXPECT_TRUE(p.take().is_leader());
  }
}

TEST(BarrierTest, CancelledWaiterWithdrawsItsArrival) {
  Barrier b(2);
  NullContext c;
  {
    auto gone = b.wait();
    EXPECT_TRUE(gone.poll(c.cx).is_pending());
  }
  auto a = b.wait();
  EXPECT_TRUE(a.poll(c.cx).is_pending());  // the cancelled one no longer counts
  auto l = b.wait();
  EXPECT_TRUE(l.poll(c.cx).take().is_leader());
  EXPECT_TRUE(a.poll(c.cx).is_ready());
}

TEST(BarrierTest, ReleasedWaiterDestroyedUnpolledDoesNotAffectTheNextGeneration) {
  Barrier b(2);
  NullContext c;
  {
    auto a = b.wait();
    EXPECT_TRUE(a.poll(c.cx).is_pending());
    auto l = b.wait();
    EXPECT_TRUE(l.poll(c.cx).take().is_leader());
  }  // `a` was released but never saw it
  auto x = b.wait();
  EXPECT_TRUE(x.poll(c.cx).is_pending());
  auto y = b.wait();
  EXPECT_TRUE(y.poll(c.cx).take().is_leader());
}

// 16 tasks on two workers go through 200 generations. In each generation some tasks first
// make a wait that loses a select against a yield (arrive, then withdraw) while others are
// arriving for real. Task 0 arrives only after those attempts are over, so the withdrawn
// waits can never have been released (a released-but-cancelled wait would lose its
// release, which is the caller's business, not the barrier's). Each generation has
// exactly one leader and nobody passes before all 16 arrived.
TEST(BarrierTest, StressOneLeaderPerGenerationWithWithdrawals) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  constexpr int kTasks = 16;
  constexpr int kGenerations = 1000;
  Barrier b(kTasks);
  std::atomic<int> leaders{0};
  std::atomic<int> arrived{0};
  std::atomic<int> early{0};
  std::vector<std::atomic<int>> withdrawn(kGenerations);
  auto racers = [](int g) {
    int n = 0;
    for (int t = 1; t < kTasks; ++t) n += (t + g) % 5 == 0 ? 1 : 0;
    return n;
  };
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> handles;
    for (int t = 0; t < kTasks; ++t) {
      handles.push_back(spawn(co_invoke([&, t]() -> Task<void> {
        for (int g = 0; g < kGenerations; ++g) {
          if (t == 0) {
            while (withdrawn[g].load() < racers(g)) co_await yield_now();
          } else if ((t + g) % 5 == 0) {
            auto raced = co_await select(b.wait(), yield_now());
            if (raced.index() == 0) ADD_FAILURE() << "released without task 0";
            withdrawn[g].fetch_add(1);
          }
          arrived.fetch_add(1);
          auto w = co_await b.wait();
          if (arrived.load() < (g + 1) * kTasks) early.fetch_add(1);
          if (w.is_leader()) leaders.fetch_add(1);
        }
      })));
    }
    for (auto& h : handles) (void)co_await h;
  }), seconds(50));
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_EQ(leaders.load(), kGenerations);
  EXPECT_EQ(early.load(), 0);
}

}  // namespace
}  // namespace corio::sync
