#include "sync/notify.h"

#include <gtest/gtest.h>

#include <atomic>
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
