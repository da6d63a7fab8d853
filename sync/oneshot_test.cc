#include "sync/oneshot.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "runtime/combinators.h"
#include "runtime/runtime.h"

namespace corio::sync {
namespace {

using std::chrono::seconds;

struct NullContext {
  Waker waker;
  Context cx{waker};
};

TEST(OneshotTest, SendThenReceive) {
  auto [tx, rx] = oneshot::channel<std::string>();
  EXPECT_FALSE(tx.send("hi").has_value());
  NullContext c;
  auto p = rx.poll(c.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_EQ(*p.take(), "hi");
}

TEST(OneshotTest, ReceiveBeforeSendIsPendingThenReady) {
  auto [tx, rx] = oneshot::channel<int>();
  NullContext c;
  EXPECT_TRUE(rx.poll(c.cx).is_pending());
  EXPECT_TRUE(absl::IsUnavailable(rx.try_recv().status()));
  (void)tx.send(3);
  EXPECT_EQ(*rx.try_recv(), 3);
}

TEST(OneshotTest, SenderDroppedWithoutSendingClosesTheReceiver) {
  auto [tx, rx] = oneshot::channel<int>();
  { auto gone = std::move(tx); }
  NullContext c;
  auto p = rx.poll(c.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_TRUE(absl::IsCancelled(p.take().status()));
}

TEST(OneshotTest, SendToDroppedReceiverGivesTheValueBack) {
  auto [tx, rx] = oneshot::channel<std::unique_ptr<int>>();
  { auto gone = std::move(rx); }
  EXPECT_TRUE(tx.is_closed());
  auto back = tx.send(std::make_unique<int>(9));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back->value, 9);
}

TEST(OneshotTest, ClosedCompletesWhenReceiverIsDropped) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<bool> {
    auto [tx, rx] = oneshot::channel<int>();
    auto waiter = spawn(co_invoke([tx = std::move(tx)]() mutable -> Task<bool> {
      co_await tx.closed();
      co_return tx.is_closed();
    }));
    co_await yield_now();
    { auto gone = std::move(rx); }
    co_return *co_await waiter;
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r);
}

TEST(OneshotTest, CancelledReceiveDoesNotLoseTheValue) {
  Runtime rt = Builder::current_thread().build();
  auto r = rt.block_on(co_invoke([]() -> Task<int> {
    auto [tx, rx] = oneshot::channel<int>();
    {
      // A receive that loses a select is destroyed while pending.
      auto lost = co_await select(co_invoke([&]() -> Task<int> { co_return *co_await rx; }),
                                  co_invoke([]() -> Task<int> { co_return -1; }));
      EXPECT_EQ(lost.index(), 1u);
    }
    (void)tx.send(11);
    co_return *co_await rx;
  }));
  EXPECT_EQ(r, 11);
}

TEST(OneshotTest, RoundTripsAcrossThreadsUnderStress) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  constexpr int kRounds = 20000;
  auto r = rt.block_on_for(co_invoke([]() -> Task<long> {
    long sum = 0;
    for (int i = 0; i < kRounds; ++i) {
      auto [tx, rx] = oneshot::channel<int>();
      auto h = spawn(co_invoke([tx = std::move(tx), i]() mutable -> Task<void> {
        (void)tx.send(i);
        co_return;
      }));
      sum += *co_await rx;
      (void)co_await h;
    }
    co_return sum;
  }), seconds(120));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, static_cast<long>(kRounds) * (kRounds - 1) / 2);
}

// Each end announces its exit and then wakes the other; the other may see the exit, leave
// and free the block meanwhile. Under ASAN this catches a waker touched after the free.
TEST(OneshotTest, DropsRacingWithTheOtherEndsWakeUnderStress) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  constexpr int kRounds = 5000;
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    int cancelled = 0;
    for (int i = 0; i < kRounds; ++i) {
      auto [tx, rx] = oneshot::channel<int>();
      if (i % 2 == 0) {
        // The receiver waits; the sender is dropped unsent.
        auto h = spawn(co_invoke([rx = std::move(rx)]() mutable -> Task<bool> {
          auto v = co_await rx;
          co_return absl::IsCancelled(v.status());
        }));
        if (i % 4 == 0) co_await yield_now();
        { auto gone = std::move(tx); }
        cancelled += *co_await h ? 1 : 0;
      } else {
        // The sender waits in closed(); the receiver is dropped.
        auto h = spawn(co_invoke([tx = std::move(tx)]() mutable -> Task<bool> {
          co_await tx.closed();
          co_return tx.is_closed();
        }));
        if (i % 4 == 1) co_await yield_now();
        { auto gone = std::move(rx); }
        cancelled += *co_await h ? 1 : 0;
      }
    }
    co_return cancelled;
  }), seconds(60));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, kRounds);
}

TEST(OneshotTest, SenderOnForeignThread) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto [tx, rx] = oneshot::channel<int>();
  std::thread t([tx = std::move(tx)]() mutable { (void)tx.send(4); });
  auto r = rt.block_on_for(co_invoke([&]() -> Task<int> { co_return *co_await rx; }), seconds(30));
  t.join();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 4);
}

}  // namespace
}  // namespace corio::sync
