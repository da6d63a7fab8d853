#include "sync/watch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
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

TEST(WatchTest, ChangedCoalescesSeveralSendsIntoOneWakeWithTheLatestValue) {
  auto [tx, rx] = watch::channel<int>(0);
  NullContext c;
  {
    auto ch = rx.changed();
    EXPECT_TRUE(ch.poll(c.cx).is_pending());
  }
  EXPECT_FALSE(tx.send(1).has_value());
  EXPECT_FALSE(tx.send(2).has_value());
  EXPECT_FALSE(tx.send(3).has_value());
  auto ch = rx.changed();
  auto p = ch.poll(c.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_TRUE(p.take().ok());
  EXPECT_EQ(*rx.borrow(), 3);
  auto again = rx.changed();
  EXPECT_TRUE(again.poll(c.cx).is_pending());  // all three were one change for us
}

TEST(WatchTest, BorrowDoesNotMarkSeenButBorrowAndUpdateDoes) {
  auto [tx, rx] = watch::channel<std::string>("a");
  EXPECT_FALSE(*rx.has_changed());
  tx.send_replace("b");
  EXPECT_TRUE(*rx.has_changed());
  {
    auto r = rx.borrow();
    EXPECT_EQ(*r, "b");
    EXPECT_TRUE(r.has_changed());
  }
  EXPECT_TRUE(*rx.has_changed());
  {
    auto r = rx.borrow_and_update();
    EXPECT_TRUE(r.has_changed());
  }
  EXPECT_FALSE(*rx.has_changed());
}

TEST(WatchTest, SendWithoutReceiversFailsAndKeepsTheValue) {
  auto [tx, rx] = watch::channel<int>(1);
  { auto gone = std::move(rx); }
  EXPECT_TRUE(tx.is_closed());
  auto err = tx.send(2);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->value, 2);
  EXPECT_EQ(*tx.borrow(), 1);
  EXPECT_EQ(tx.send_replace(3), 1);  // stores anyway
  EXPECT_EQ(*tx.borrow(), 3);
}

TEST(WatchTest, SendIfModifiedNotifiesOnlyOnChange) {
  auto [tx, rx] = watch::channel<int>(5);
  EXPECT_FALSE(tx.send_if_modified([](int& v) { return v == 6; }));
  EXPECT_FALSE(*rx.has_changed());
  tx.send_modify([](int& v) { v += 1; });
  EXPECT_TRUE(*rx.has_changed());
  EXPECT_EQ(*rx.borrow_and_update(), 6);
}

TEST(WatchTest, SenderDropReportsUnseenValueFirstThenClosed) {
  auto [tx, rx] = watch::channel<int>(0);
  EXPECT_FALSE(tx.send(1).has_value());
  { auto gone = std::move(tx); }
  NullContext c;
  auto first = rx.changed();
  auto p = first.poll(c.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_TRUE(p.take().ok());
  EXPECT_EQ(*rx.borrow(), 1);
  auto second = rx.changed();
  auto q = second.poll(c.cx);
  ASSERT_TRUE(q.is_ready());
  EXPECT_TRUE(absl::IsCancelled(q.take()));
  EXPECT_TRUE(absl::IsCancelled(rx.has_changed().status()));
}

TEST(WatchTest, SubscribedReceiverHasSeenTheCurrentValueAndCopiesInheritSeen) {
  auto [tx, rx] = watch::channel<int>(0);
  EXPECT_FALSE(tx.send(1).has_value());
  auto sub = tx.subscribe();
  EXPECT_FALSE(*sub.has_changed());
  auto copy = rx;  // rx has not seen 1
  EXPECT_TRUE(*copy.has_changed());
  EXPECT_EQ(tx.receiver_count(), 3u);
}

TEST(WatchTest, SenderDropWakesWaitingReceivers) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto [tx, rx] = watch::channel<int>(0);
    std::vector<JoinHandle<bool>> waiters;
    for (int i = 0; i < 40; ++i) {
      waiters.push_back(spawn(co_invoke([rx = rx]() mutable -> Task<bool> {
        co_return absl::IsCancelled(co_await rx.changed());
      })));
    }
    for (int i = 0; i < 10; ++i) co_await yield_now();
    { auto gone = std::move(tx); }
    int n = 0;
    for (auto& w : waiters) n += *co_await w ? 1 : 0;
    co_return n;
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 40);
}

TEST(WatchTest, ClosedCompletesWhenEveryReceiverIsGone) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<bool> {
    auto [tx, rx] = watch::channel<int>(0);
    auto rx2 = rx;
    auto h = spawn(co_invoke([rx = std::move(rx)]() mutable -> Task<void> {
      (void)co_await rx.changed();
    }));
    EXPECT_FALSE(tx.send(1).has_value());
    (void)co_await h;  // its receiver is gone now; rx2 remains
    EXPECT_FALSE(tx.is_closed());
    auto dropper = spawn(co_invoke([rx2 = std::move(rx2)]() mutable -> Task<void> {
      co_await yield_now();
      { auto gone = std::move(rx2); }
    }));
    co_await tx.closed();
    (void)co_await dropper;
    co_return tx.is_closed();
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r);
}

TEST(WatchTest, CancelledChangedMarksNothingSeen) {
  Runtime rt = Builder::current_thread().build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto [tx, rx] = watch::channel<int>(0);
    auto lost = co_await select(
        co_invoke([&]() -> Task<int> {
          (void)co_await rx.changed();
          co_return 1;
        }),
        co_invoke([]() -> Task<int> {
          co_await yield_now();
          co_return -1;
        }));
    EXPECT_EQ(lost.index(), 1u);
    EXPECT_FALSE(tx.send(9).has_value());
    EXPECT_TRUE((co_await rx.changed()).ok());
    co_return *rx.borrow();
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 9);
}

// A sender on one worker counts up; receivers on both workers see a non-decreasing
// sequence and always end on the last value; a receiver task is aborted and replaced.
TEST(WatchTest, StressReceiversSeeMonotonicValuesAndTheLastOne) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  constexpr int kSends = 20000;
  std::atomic<int> violations{0};
  auto r = rt.block_on_for(co_invoke([&]() -> Task<int> {
    auto [tx, rx] = watch::channel<int>(0);
    auto watcher = [&](watch::Receiver<int> rx) -> Task<int> {
      return co_invoke([&violations, rx = std::move(rx)]() mutable -> Task<int> {
        int last = *rx.borrow_and_update();
        while ((co_await rx.changed()).ok()) {
          int v = *rx.borrow_and_update();
          if (v < last) violations.fetch_add(1);
          last = v;
        }
        co_return std::max(last, *rx.borrow());
      });
    };
    std::vector<JoinHandle<int>> watchers;
    for (int i = 0; i < 4; ++i) watchers.push_back(spawn(watcher(rx)));
    auto doomed = spawn(watcher(rx));
    auto sender = spawn(co_invoke([tx = std::move(tx)]() mutable -> Task<void> {
      for (int i = 1; i <= kSends; ++i) {
        tx.send_modify([i](int& v) { v = i; });
        if (i % 16 == 0) co_await yield_now();
      }
    }));
    co_await yield_now();
    doomed.abort();
    (void)co_await doomed;
    watchers.push_back(spawn(watcher(rx)));  // a replacement
    { auto gone = std::move(rx); }
    (void)co_await sender;
    int min_last = kSends;
    for (auto& w : watchers) min_last = std::min(min_last, *co_await w);
    co_return min_last;
  }), seconds(60));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, kSends);
  EXPECT_EQ(violations.load(), 0);
}

}  // namespace
}  // namespace corio::sync
