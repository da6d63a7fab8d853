#include "sync/mpsc.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
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

// A value that can only be moved: the channel must never copy.
struct MoveOnly {
  explicit MoveOnly(int v) : value(std::make_unique<int>(v)) {}
  std::unique_ptr<int> value;
};

TEST(MpscTest, ReceivesInSendOrder) {
  auto [tx, rx] = mpsc::channel<int>(8);
  for (int i = 0; i < 8; ++i) EXPECT_FALSE(tx.try_send(i).has_value());
  for (int i = 0; i < 8; ++i) {
    auto v = rx.try_recv();
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, i);
  }
  EXPECT_TRUE(absl::IsUnavailable(rx.try_recv().status()));
}

TEST(MpscTest, WrapsAroundTheRingManyTimes) {
  auto [tx, rx] = mpsc::channel<std::string>(3);  // 4 slots, 3 permits
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(tx.try_send(std::to_string(i)).has_value());
    if (i % 3 == 2) {
      for (int j = i - 2; j <= i; ++j) EXPECT_EQ(*rx.try_recv(), std::to_string(j));
    }
  }
}

TEST(MpscTest, TrySendFailsFastWhenFullAndGivesTheValueBack) {
  auto [tx, rx] = mpsc::channel<MoveOnly>(3);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(tx.try_send(MoveOnly(i)).has_value());
  EXPECT_EQ(tx.capacity(), 0u);
  EXPECT_EQ(tx.max_capacity(), 3u);
  auto err = tx.try_send(MoveOnly(7));
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->kind, mpsc::TrySendErrorKind::kFull);
  EXPECT_EQ(*err->value.value, 7);
  EXPECT_EQ(*rx.try_recv()->value, 0);
  EXPECT_FALSE(tx.try_send(MoveOnly(3)).has_value());
}

TEST(MpscTest, SendToClosedReceiverGivesTheValueBack) {
  auto [tx, rx] = mpsc::channel<MoveOnly>(2);
  rx.close();
  EXPECT_TRUE(tx.is_closed());
  auto err = tx.try_send(MoveOnly(5));
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->kind, mpsc::TrySendErrorKind::kClosed);
  EXPECT_EQ(*err->value.value, 5);
  NullContext c;
  auto send = tx.send(MoveOnly(6));
  auto p = send.poll(c.cx);
  ASSERT_TRUE(p.is_ready());
  auto back = p.take();
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back->value.value, 6);
}

TEST(MpscTest, RecvReturnsEmptyOnlyAfterLastSenderDroppedAndBufferDrained) {
  auto [tx, rx] = mpsc::channel<int>(4);
  auto tx2 = tx;
  EXPECT_FALSE(tx.try_send(1).has_value());
  EXPECT_FALSE(tx2.try_send(2).has_value());
  { auto gone = std::move(tx); }
  NullContext c;
  auto r1 = rx.recv();
  EXPECT_EQ(*r1.poll(c.cx).take(), 1);
  { auto gone = std::move(tx2); }  // the last sender
  auto r2 = rx.recv();
  EXPECT_EQ(*r2.poll(c.cx).take(), 2);
  auto r3 = rx.recv();
  auto end = r3.poll(c.cx);
  ASSERT_TRUE(end.is_ready());
  EXPECT_FALSE(end.take().has_value());
  EXPECT_TRUE(absl::IsCancelled(rx.try_recv().status()));
}

TEST(MpscTest, TryRecvReportsEmptyThenDisconnected) {
  auto [tx, rx] = mpsc::channel<int>(1);
  EXPECT_TRUE(absl::IsUnavailable(rx.try_recv().status()));
  { auto gone = std::move(tx); }
  EXPECT_TRUE(absl::IsCancelled(rx.try_recv().status()));
}

TEST(MpscTest, CloseStopsSendsButLetsTheReceiverDrain) {
  auto [tx, rx] = mpsc::channel<int>(4);
  EXPECT_FALSE(tx.try_send(1).has_value());
  EXPECT_FALSE(tx.try_send(2).has_value());
  rx.close();
  EXPECT_TRUE(tx.try_send(3).has_value());
  NullContext c;
  auto a = rx.recv();
  EXPECT_EQ(*a.poll(c.cx).take(), 1);
  auto b = rx.recv();
  EXPECT_EQ(*b.poll(c.cx).take(), 2);
  auto end = rx.recv();
  auto p = end.poll(c.cx);
  ASSERT_TRUE(p.is_ready());  // senders still exist, but closed and drained
  EXPECT_FALSE(p.take().has_value());
}

TEST(MpscTest, OutstandingPermitMaySendAfterCloseAndHoldsTheChannelOpen) {
  auto [tx, rx] = mpsc::channel<int>(2);
  auto permit = tx.try_reserve();
  ASSERT_TRUE(permit.ok());
  auto unused = tx.try_reserve();
  ASSERT_TRUE(unused.ok());
  EXPECT_TRUE(absl::IsUnavailable(tx.try_reserve().status()));
  rx.close();
  NullContext c;
  auto r = rx.recv();
  EXPECT_TRUE(r.poll(c.cx).is_pending());  // permits are out: not finished yet
  permit->send(9);
  EXPECT_EQ(*r.poll(c.cx).take(), 9);
  auto r2 = rx.recv();
  EXPECT_TRUE(r2.poll(c.cx).is_pending());
  unused = absl::CancelledError("drop the unused permit");
  auto end = r2.poll(c.cx);
  ASSERT_TRUE(end.is_ready());
  EXPECT_FALSE(end.take().has_value());
}

TEST(MpscTest, DroppedPermitReturnsItsSlot) {
  auto [tx, rx] = mpsc::channel<int>(1);
  {
    auto permit = tx.try_reserve();
    ASSERT_TRUE(permit.ok());
    EXPECT_TRUE(tx.try_send(1).has_value());  // full
  }
  EXPECT_FALSE(tx.try_send(1).has_value());
  EXPECT_EQ(*rx.try_recv(), 1);
}

TEST(MpscTest, PermitSendsWithoutWaiting) {
  Runtime rt = Builder::current_thread().build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto [tx, rx] = mpsc::channel<int>(1);
    auto reserve = tx.reserve();
    auto permit = co_await reserve;
    EXPECT_TRUE(permit.ok());
    permit->send(42);
    EXPECT_FALSE(permit->valid());
    co_return *co_await rx.recv();
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 42);
}

TEST(MpscTest, LastSenderDropWakesWaitingReceiver) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<bool> {
    auto [tx, rx] = mpsc::channel<int>(1);
    auto consumer = spawn(co_invoke([rx = std::move(rx)]() mutable -> Task<bool> {
      auto v = co_await rx.recv();
      co_return !v.has_value();
    }));
    for (int i = 0; i < 10; ++i) co_await yield_now();
    { auto gone = std::move(tx); }
    co_return *co_await consumer;
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r);
}

TEST(MpscTest, ReceiverDropWakesWaitingSenderWithItsValue) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto [tx, rx] = mpsc::channel<MoveOnly>(1);
    EXPECT_FALSE(tx.try_send(MoveOnly(1)).has_value());
    auto producer = spawn(co_invoke([tx = std::move(tx)]() -> Task<int> {
      auto failed = co_await tx.send(MoveOnly(2));  // full: waits
      co_return failed ? *failed->value.value : -1;
    }));
    for (int i = 0; i < 10; ++i) co_await yield_now();
    { auto gone = std::move(rx); }
    co_return *co_await producer;
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 2);
}

TEST(MpscTest, ClosedCompletesWhenReceiverClosesOrIsDropped) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<bool> {
    auto [tx, rx] = mpsc::channel<int>(1);
    auto tx2 = tx;
    auto watcher = spawn(co_invoke([tx = std::move(tx)]() -> Task<bool> {
      co_await tx.closed();
      co_return tx.is_closed();
    }));
    for (int i = 0; i < 10; ++i) co_await yield_now();
    rx.close();
    bool first = *co_await watcher;
    co_await tx2.closed();  // already closed: completes at once
    co_return first;
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r);
}

TEST(MpscTest, CancelledRecvDoesNotConsumeAValue) {
  Runtime rt = Builder::current_thread().build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto [tx, rx] = mpsc::channel<int>(2);
    auto lost = co_await select(
        co_invoke([&]() -> Task<int> { co_return *co_await rx.recv(); }),
        co_invoke([]() -> Task<int> {
          co_await yield_now();
          co_return -1;
        }));
    EXPECT_EQ(lost.index(), 1u);
    EXPECT_FALSE(tx.try_send(5).has_value());
    co_return *co_await rx.recv();
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 5);
}

TEST(MpscTest, CancelledWaitingSendLeavesNoSlotTaken) {
  auto [tx, rx] = mpsc::channel<int>(1);
  NullContext c;
  EXPECT_FALSE(tx.try_send(1).has_value());
  {
    auto waiting = tx.send(2);
    EXPECT_TRUE(waiting.poll(c.cx).is_pending());  // queued for a permit
  }
  EXPECT_EQ(*rx.try_recv(), 1);
  EXPECT_EQ(tx.capacity(), 1u);
  EXPECT_FALSE(tx.try_send(3).has_value());
  EXPECT_EQ(*rx.try_recv(), 3);
}

TEST(MpscTest, CancelledSendThatWasGrantedASlotGivesItBack) {
  auto [tx, rx] = mpsc::channel<int>(1);
  NullContext c;
  EXPECT_FALSE(tx.try_send(1).has_value());
  {
    auto waiting = tx.send(2);
    EXPECT_TRUE(waiting.poll(c.cx).is_pending());
    EXPECT_EQ(*rx.try_recv(), 1);  // the freed slot is assigned to `waiting`
    EXPECT_TRUE(tx.try_send(9).has_value());
  }  // cancelled before it saw the grant
  EXPECT_FALSE(tx.try_send(3).has_value());
  EXPECT_EQ(*rx.try_recv(), 3);
  EXPECT_TRUE(absl::IsUnavailable(rx.try_recv().status()));  // 2 was never queued
}

TEST(MpscTest, CancelledGrantedSendLetsAClosedReceiverFinish) {
  auto [tx, rx] = mpsc::channel<int>(1);
  NullContext c;
  EXPECT_FALSE(tx.try_send(1).has_value());
  auto waiting = std::make_unique<mpsc::Sender<int>::Send>(tx.send(2));
  EXPECT_TRUE(waiting->poll(c.cx).is_pending());
  EXPECT_EQ(*rx.try_recv(), 1);  // the slot is granted to `waiting`
  rx.close();
  auto r = rx.recv();
  EXPECT_TRUE(r.poll(c.cx).is_pending());  // the granted send may still queue its value
  waiting.reset();                          // cancelled: the slot comes back
  auto end = r.poll(c.cx);
  ASSERT_TRUE(end.is_ready());
  EXPECT_FALSE(end.take().has_value());
}

TEST(MpscTest, CloseFailsWaitingSendersWhileTheReceiverDrains) {
  auto [tx, rx] = mpsc::channel<int>(1);
  NullContext c;
  EXPECT_FALSE(tx.try_send(1).has_value());
  auto waiting = std::make_unique<mpsc::Sender<int>::Send>(tx.send(2));
  EXPECT_TRUE(waiting->poll(c.cx).is_pending());
  rx.close();
  EXPECT_EQ(*rx.try_recv(), 1);  // waiting was closed first: nothing granted
  auto r = rx.recv();
  auto end = r.poll(c.cx);
  ASSERT_TRUE(end.is_ready());
  EXPECT_FALSE(end.take().has_value());
  auto p = waiting->poll(c.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_TRUE(p.take().has_value());  // SendError
}

TEST(MpscTest, CancelledReserveLeavesNoSlotTaken) {
  auto [tx, rx] = mpsc::channel<int>(1);
  NullContext c;
  EXPECT_FALSE(tx.try_send(1).has_value());
  {
    auto waiting = tx.reserve();
    EXPECT_TRUE(waiting.poll(c.cx).is_pending());
    EXPECT_EQ(*rx.try_recv(), 1);  // the freed slot is granted to `waiting`
  }                                // cancelled before it saw the grant
  EXPECT_EQ(tx.capacity(), 1u);
  EXPECT_FALSE(tx.try_send(2).has_value());
}

TEST(MpscTest, CancelledClosedFutureIsUnlinked) {
  auto [tx, rx] = mpsc::channel<int>(1);
  NullContext c;
  {
    auto closed = tx.closed();
    EXPECT_TRUE(closed.poll(c.cx).is_pending());
  }
  rx.close();  // must not touch the destroyed waiter
  auto closed = tx.closed();
  EXPECT_TRUE(closed.poll(c.cx).is_ready());
}

// A receiver whose values are always ready still yields after its budget, so another
// task on the same (single) thread gets to run.
TEST(MpscTest, RecvHonoursTheCoopBudget) {
  Runtime rt = Builder::current_thread().build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto [tx, rx] = mpsc::unbounded_channel<int>();
    for (int i = 0; i < 1000; ++i) (void)tx.send(i);
    std::atomic<bool> other_ran{false};
    auto other = spawn(co_invoke([&]() -> Task<void> {
      other_ran = true;
      co_return;
    }));
    int received_before_other = 0;
    for (int i = 0; i < 1000; ++i) {
      (void)co_await rx.recv();
      if (!other_ran) ++received_before_other;
    }
    (void)co_await other;
    co_return received_before_other;
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_LT(*r, 1000);
  EXPECT_LE(*r, coop::kTaskBudget);
}

TEST(MpscTest, CapacityIsExactEvenWhenTheRingIsRoundedUp) {
  auto [tx, rx] = mpsc::channel<int>(5);  // 8 slots, 5 permits
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(tx.try_send(i).has_value());
  auto err = tx.try_send(5);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->kind, mpsc::TrySendErrorKind::kFull);
}

TEST(MpscTest, InvalidCapacityThrows) {
  EXPECT_THROW(mpsc::channel<int>(0), std::invalid_argument);
  EXPECT_THROW(mpsc::channel<int>(mpsc::kMaxCapacity + 1), std::invalid_argument);
}

TEST(MpscTest, ReceiverDropDestroysQueuedValues) {
  auto count = std::make_shared<int>(0);
  auto [tx, rx] = mpsc::channel<std::shared_ptr<int>>(4);
  EXPECT_FALSE(tx.try_send(count).has_value());
  EXPECT_FALSE(tx.try_send(count).has_value());
  EXPECT_EQ(count.use_count(), 3);
  { auto gone = std::move(rx); }
  EXPECT_EQ(count.use_count(), 1);
}

TEST(MpscTest, UnboundedSendNeverWaitsAndKeepsOrder) {
  auto [tx, rx] = mpsc::unbounded_channel<MoveOnly>();
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(tx.send(MoveOnly(i)).has_value());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(*rx.try_recv()->value, i);
  EXPECT_TRUE(absl::IsUnavailable(rx.try_recv().status()));
  rx.close();
  auto back = tx.send(MoveOnly(3));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back->value.value, 3);
  EXPECT_TRUE(absl::IsCancelled(rx.try_recv().status()));
}

TEST(MpscTest, UnboundedRecvEndsAfterLastSenderAndDrain) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto [tx, rx] = mpsc::unbounded_channel<int>();
    auto producer = spawn(co_invoke([tx = std::move(tx)]() -> Task<void> {
      for (int i = 1; i <= 100; ++i) {
        (void)tx.send(i);
        if (i % 10 == 0) co_await yield_now();
      }
    }));
    int sum = 0;
    while (auto v = co_await rx.recv()) sum += *v;
    (void)co_await producer;
    co_return sum;
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 5050);
}

TEST(MpscTest, BlockingSendAndRecvFromPlainThreads) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  constexpr int kPerThread = 2000;
  auto [tx, rx] = mpsc::channel<int>(16);
  auto [back_tx, back_rx] = mpsc::channel<long>(4);
  std::vector<std::thread> producers;
  for (int t = 0; t < 2; ++t) {
    producers.emplace_back([tx = tx, t] {
      for (int i = 0; i < kPerThread; ++i) EXPECT_FALSE(tx.blocking_send(t * kPerThread + i));
    });
  }
  { auto gone = std::move(tx); }
  // A task sums what the threads send and hands the result to a thread.
  auto h = rt.spawn(co_invoke([rx = std::move(rx), back_tx = std::move(back_tx)]() mutable
                                  -> Task<void> {
    long sum = 0;
    while (auto v = co_await rx.recv()) sum += *v;
    auto failed = co_await back_tx.send(sum);
    EXPECT_FALSE(failed.has_value());
  }));
  std::optional<long> total;
  std::thread consumer([&, back_rx = std::move(back_rx)]() mutable {
    total = back_rx.blocking_recv();
    EXPECT_FALSE(back_rx.blocking_recv().has_value());  // the task dropped its sender
  });
  for (auto& t : producers) t.join();
  consumer.join();
  auto joined = rt.block_on_for(
      co_invoke([&]() -> Task<bool> { co_return (co_await h).ok(); }), seconds(30));
  ASSERT_TRUE(joined.ok() && *joined);
  long n = 2L * kPerThread;
  ASSERT_TRUE(total.has_value());
  EXPECT_EQ(*total, n * (n - 1) / 2);
}

TEST(MpscTest, BlockingRecvInsideATaskIsRefused) {
  Runtime rt = Builder::current_thread().build();
  auto [tx, rx] = mpsc::channel<int>(1);
  bool threw = false;
  rt.block_on(co_invoke([&]() -> Task<void> {
    try {
      (void)rx.blocking_recv();
    } catch (const std::logic_error&) {
      threw = true;
    }
    co_return;
  }));
  EXPECT_TRUE(threw);
}

// Producers on two workers, some of their sends cancelled by a select; a consumer that is
// aborted while it waits and replaced. Every value whose send reported success is received
// exactly once, in per-producer order; no value whose send was cancelled shows up.
template <bool kBounded>
void StressNoLostOrDuplicatedValues() {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 15000;
  constexpr int kTotal = kProducers * kPerProducer;
  std::vector<std::atomic<int>> sent(kTotal), received(kTotal);
  std::atomic<int> order_violations{0};
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto make = [] {
      if constexpr (kBounded) {
        return mpsc::channel<int>(8);
      } else {
        return mpsc::unbounded_channel<int>();
      }
    };
    auto [tx, rx] = make();
    std::vector<JoinHandle<void>> producers;
    for (int p = 0; p < kProducers; ++p) {
      producers.push_back(spawn(co_invoke([&, p, tx = tx]() -> Task<void> {
        for (int i = 0; i < kPerProducer; ++i) {
          int v = p * kPerProducer + i;
          if constexpr (kBounded) {
            if (i % 5 == 0) {
              // A send that may lose against a yield (cancelled while waiting, or not).
              auto raced = co_await select(
                  co_invoke([&]() -> Task<bool> { co_return !(co_await tx.send(v)); }),
                  yield_now());
              if (raced.index() == 0 && std::get<0>(raced)) sent[v].fetch_add(1);
              continue;
            }
            if (i % 5 == 1) {
              auto permit_future = tx.reserve();
              auto permit = co_await permit_future;
              permit->send(v);
              sent[v].fetch_add(1);
              continue;
            }
            auto failed = co_await tx.send(v);
            if (!failed) sent[v].fetch_add(1);
          } else {
            if (!tx.send(v)) sent[v].fetch_add(1);
            if (i % 7 == 0) co_await yield_now();
          }
        }
      })));
    }
    { auto gone = std::move(tx); }
    std::vector<int> last(kProducers, -1);
    auto consume = [&](int limit) -> Task<bool> {
      return co_invoke([&, limit]() -> Task<bool> {
        for (int n = 0; limit < 0 || n < limit; ++n) {
          auto v = co_await rx.recv();
          if (!v) co_return true;
          received[*v].fetch_add(1);
          int p = *v / kPerProducer;
          if (*v <= last[p]) order_violations.fetch_add(1);
          last[p] = *v;
        }
        co_return false;
      });
    };
    // Consumers that are aborted at arbitrary points and replaced.
    for (int round = 0; round < 60; ++round) {
      auto consumer = spawn(consume(-1));
      for (int y = 0; y < round % 4 + 1; ++y) co_await yield_now();
      consumer.abort();
      auto result = co_await consumer;
      if (result.ok() && *result) break;  // finished before the abort landed
    }
    // The last one runs to the end.
    auto consumer = spawn(consume(-1));
    auto done = co_await consumer;
    EXPECT_TRUE(done.ok() && *done);
    for (auto& h : producers) {
      auto joined = co_await h;
      EXPECT_TRUE(joined.ok());
    }
  }), seconds(60));
  ASSERT_TRUE(r.ok()) << r;
  int sent_total = 0;
  for (int v = 0; v < kTotal; ++v) {
    sent_total += sent[v].load();
    ASSERT_EQ(received[v].load(), sent[v].load()) << "value " << v;
  }
  EXPECT_GT(sent_total, kTotal / 2);
  EXPECT_EQ(order_violations.load(), 0);
}

TEST(MpscTest, StressBoundedNoLostOrDuplicatedValues) { StressNoLostOrDuplicatedValues<true>(); }
TEST(MpscTest, StressUnboundedNoLostOrDuplicatedValues) {
  StressNoLostOrDuplicatedValues<false>();
}

}  // namespace
}  // namespace corio::sync
