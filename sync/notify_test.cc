#include "sync/notify.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/runtime.h"

namespace corio::sync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct NullContext {
  Waker waker;
  Context cx{waker};
};

TEST(NotifyTest, NotifyOneBeforeWaitStoresOnePermit) {
  Notify n;
  n.notify_one();
  n.notify_one();  // still one permit
  NullContext c;
  auto a = n.notified();
  EXPECT_TRUE(a.poll(c.cx).is_ready());
  auto b = n.notified();
  EXPECT_TRUE(b.poll(c.cx).is_pending());
}

TEST(NotifyTest, NotifyWaitersWakesCurrentWaitersAndStoresNothing) {
  Notify n;
  NullContext c;
  auto a = n.notified();
  auto b = n.notified();
  EXPECT_TRUE(a.poll(c.cx).is_pending());
  EXPECT_TRUE(b.poll(c.cx).is_pending());
  n.notify_waiters();
  EXPECT_TRUE(a.poll(c.cx).is_ready());
  EXPECT_TRUE(b.poll(c.cx).is_ready());
  auto later = n.notified();
  EXPECT_TRUE(later.poll(c.cx).is_pending());  // no permit was stored
}

TEST(NotifyTest, NotifyWaitersWakesMoreWaitersThanOneBatch) {
  Notify n;
  NullContext c;
  std::vector<std::unique_ptr<Notified>> waiters;
  for (int i = 0; i < 100; ++i) {
    waiters.push_back(std::make_unique<Notified>(n.notified()));
    EXPECT_TRUE(waiters.back()->poll(c.cx).is_pending());
  }
  n.notify_waiters();
  for (auto& w : waiters) EXPECT_TRUE(w->poll(c.cx).is_ready());
  n.notify_one();  // nobody waits: stores the permit
  auto later = n.notified();
  EXPECT_TRUE(later.poll(c.cx).is_ready());
}

TEST(NotifyTest, NotifyWaitersDoesNotConsumeOrStoreThePermit) {
  Notify n;
  NullContext c;
  auto a = n.notified();
  EXPECT_TRUE(a.poll(c.cx).is_pending());
  n.notify_waiters();
  n.notify_waiters();
  EXPECT_TRUE(a.poll(c.cx).is_ready());
  auto b = n.notified();
  EXPECT_TRUE(b.poll(c.cx).is_pending());  // notify_waiters stored nothing
  n.notify_one();
  EXPECT_TRUE(b.poll(c.cx).is_ready());
}

TEST(NotifyTest, NotifyOneIsFifo) {
  Notify n;
  NullContext c;
  auto first = n.notified();
  auto second = n.notified();
  EXPECT_TRUE(first.poll(c.cx).is_pending());
  EXPECT_TRUE(second.poll(c.cx).is_pending());
  n.notify_one();
  EXPECT_TRUE(first.poll(c.cx).is_ready());
  EXPECT_TRUE(second.poll(c.cx).is_pending());
}

TEST(NotifyTest, CancelledWaiterPassesItsNotificationOn) {
  Notify n;
  NullContext c;
  auto second = n.notified();
  {
    auto first = n.notified();
    EXPECT_TRUE(first.poll(c.cx).is_pending());
    EXPECT_TRUE(second.poll(c.cx).is_pending());
    n.notify_one();  // picks `first`, which is destroyed without seeing it
  }
  EXPECT_TRUE(second.poll(c.cx).is_ready());
}

TEST(NotifyTest, CancelledLastWaiterLeavesThePermit) {
  Notify n;
  NullContext c;
  {
    auto w = n.notified();
    EXPECT_TRUE(w.poll(c.cx).is_pending());
    n.notify_one();
  }
  auto next = n.notified();
  EXPECT_TRUE(next.poll(c.cx).is_ready());
}

TEST(NotifyTest, WakesTasksAcrossWorkersUnderStress) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  constexpr int kRounds = 2000;
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    Notify ping, pong;
    auto responder = spawn(co_invoke([&]() -> Task<int> {
      int n = 0;
      for (int i = 0; i < kRounds; ++i) {
        co_await ping.notified();
        ++n;
        pong.notify_one();
      }
      co_return n;
    }));
    for (int i = 0; i < kRounds; ++i) {
      ping.notify_one();
      co_await pong.notified();
    }
    co_return *co_await responder;
  }), seconds(60));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, kRounds);
}

// Waiters aborted while notify_waiters() (from a plain thread) walks them in batches.
TEST(NotifyTest, WaitersCancelledDuringNotifyWaitersUnderStress) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  Notify n;
  std::atomic<bool> stop{false};
  std::thread notifier([&] {
    while (!stop.load()) {
      n.notify_waiters();
      std::this_thread::yield();
    }
  });
  auto r = rt.block_on_for(co_invoke([&]() -> Task<int> {
    int woken = 0;
    for (int round = 0; round < 50; ++round) {
      std::vector<JoinHandle<void>> handles;
      for (int i = 0; i < 80; ++i) {
        handles.push_back(spawn(co_invoke([&]() -> Task<void> { co_await n.notified(); })));
      }
      for (size_t i = 0; i < handles.size(); i += 2) handles[i].abort();
      for (auto& h : handles) {
        auto joined = co_await h;
        if (joined.ok()) ++woken;
      }
    }
    co_return woken;
  }), seconds(60));
  stop = true;
  notifier.join();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GE(*r, 50 * 40);
}

TEST(NotifyTest, NotifyFromForeignThread) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  Notify n;
  std::thread t([&] {
    std::this_thread::sleep_for(milliseconds(5));
    n.notify_one();
  });
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> { co_await n.notified(); }), seconds(30));
  t.join();
  EXPECT_TRUE(r.ok()) << r;
}

}  // namespace
}  // namespace corio::sync
