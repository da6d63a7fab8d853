#include "sync/cancellation_token.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
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

TEST(CancellationTokenTest, CancelCompletesWaitersAndIsIdempotent) {
  CancellationToken token;
  NullContext c;
  auto a = token.cancelled();
  auto b = token.cancelled();
  EXPECT_TRUE(a.poll(c.cx).is_pending());
  EXPECT_TRUE(b.poll(c.cx).is_pending());
  EXPECT_FALSE(token.is_cancelled());
  token.cancel();
  token.cancel();
  EXPECT_TRUE(token.is_cancelled());
  EXPECT_TRUE(a.poll(c.cx).is_ready());
  EXPECT_TRUE(b.poll(c.cx).is_ready());
  auto later = token.cancelled();
  EXPECT_TRUE(later.poll(c.cx).is_ready());
}

TEST(CancellationTokenTest, CopiesShareTheState) {
  CancellationToken token;
  CancellationToken copy = token;
  EXPECT_TRUE(copy == token);
  copy.cancel();
  EXPECT_TRUE(token.is_cancelled());
}

TEST(CancellationTokenTest, ParentCancelReachesChildrenNotTheOtherWayRound) {
  CancellationToken parent;
  auto child = parent.child_token();
  auto grandchild = child.child_token();
  auto sibling = parent.child_token();
  sibling.cancel();
  EXPECT_FALSE(parent.is_cancelled());
  EXPECT_FALSE(child.is_cancelled());
  NullContext c;
  auto waiting = grandchild.cancelled();
  EXPECT_TRUE(waiting.poll(c.cx).is_pending());
  parent.cancel();
  EXPECT_TRUE(child.is_cancelled());
  EXPECT_TRUE(grandchild.is_cancelled());
  EXPECT_TRUE(waiting.poll(c.cx).is_ready());
}

TEST(CancellationTokenTest, ChildOfCancelledTokenStartsCancelled) {
  CancellationToken parent;
  parent.cancel();
  EXPECT_TRUE(parent.child_token().is_cancelled());
}

TEST(CancellationTokenTest, DroppedMiddleTokenKeepsGrandchildrenAttached) {
  CancellationToken root;
  CancellationToken grandchild;
  {
    auto middle = root.child_token();
    grandchild = middle.child_token();
  }  // `middle` leaves the tree; its child moves up to `root`
  root.cancel();
  EXPECT_TRUE(grandchild.is_cancelled());
}

TEST(CancellationTokenTest, DroppedRootLeavesChildrenUsable) {
  CancellationToken child;
  {
    CancellationToken root;
    child = root.child_token();
  }
  EXPECT_FALSE(child.is_cancelled());
  child.cancel();
  EXPECT_TRUE(child.is_cancelled());
}

TEST(CancellationTokenTest, CancelledFutureOutlivesTheTokenItCameFrom) {
  NullContext c;
  std::optional<CancellationToken::Cancelled> waiting;
  CancellationToken keep;
  {
    CancellationToken token;
    keep = token;
    waiting.emplace(token.cancelled());
  }
  EXPECT_TRUE(waiting->poll(c.cx).is_pending());
  keep.cancel();
  EXPECT_TRUE(waiting->poll(c.cx).is_ready());
}

TEST(CancellationTokenTest, CancelledLosingASelectUnlinks) {
  Runtime rt = Builder::current_thread().build();
  CancellationToken token;
  auto r = rt.block_on_for(co_invoke([&]() -> Task<int> {
    auto lost = co_await select(token.cancelled(), yield_now());
    EXPECT_EQ(lost.index(), 1u);
    token.cancel();  // must not touch the destroyed waiter
    co_await token.cancelled();
    co_return 1;
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
}

TEST(CancellationTokenTest, CancelFromAPlainThreadWakesTasksOnWorkers) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  CancellationToken root;
  std::atomic<int> started{0};
  std::thread canceller([&] {
    while (started.load() < 20) std::this_thread::yield();
    root.cancel();
  });
  auto r = rt.block_on_for(co_invoke([&]() -> Task<int> {
    std::vector<JoinHandle<void>> handles;
    for (int i = 0; i < 20; ++i) {
      handles.push_back(spawn(co_invoke([&, child = root.child_token()]() -> Task<void> {
        started.fetch_add(1);
        co_await child.cancelled();
      })));
    }
    int n = 0;
    for (auto& h : handles) n += (co_await h).ok() ? 1 : 0;
    co_return n;
  }), seconds(30));
  canceller.join();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 20);
}

// Child tokens are made and dropped on two workers (and some waits cancelled by a select)
// while the root is cancelled from a plain thread: no crash, no leak (ASAN), and every
// task still waiting at the end is released.
TEST(CancellationTokenTest, StressChildrenComeAndGoDuringCancel) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  CancellationToken root;
  std::atomic<int> made{0};
  std::thread canceller([&] {
    while (made.load() < 2000) std::this_thread::yield();
    root.cancel();
  });
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> handles;
    for (int t = 0; t < 8; ++t) {
      handles.push_back(spawn(co_invoke([&, t]() -> Task<void> {
        CancellationToken mine = root.child_token();
        for (int i = 0; !mine.is_cancelled(); ++i) {
          auto child = mine.child_token();
          auto grandchild = child.child_token();
          made.fetch_add(1);
          if ((t + i) % 3 == 0) {
            (void)co_await select(grandchild.cancelled(), yield_now());
          } else {
            co_await yield_now();
          }
        }
        co_await mine.cancelled();
      })));
    }
    for (auto& h : handles) (void)co_await h;
  }), seconds(60));
  canceller.join();
  ASSERT_TRUE(r.ok()) << r;
}

}  // namespace
}  // namespace corio::sync
