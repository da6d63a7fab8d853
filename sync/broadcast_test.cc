#include "sync/broadcast.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "runtime/combinators.h"
#include "runtime/runtime.h"
#include "sync/notify.h"

namespace corio::sync {
namespace {

using broadcast::RecvErrorKind;
using std::chrono::seconds;

struct NullContext {
  Waker waker;
  Context cx{waker};
};

TEST(BroadcastTest, EveryReceiverSeesEveryValueInOrder) {
  auto [tx, rx1] = broadcast::channel<std::string>(8);
  auto rx2 = tx.subscribe();
  EXPECT_EQ(tx.receiver_count(), 2u);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(tx.send(std::to_string(i)).has_value());
  for (auto* rx : {&rx1, &rx2}) {
    for (int i = 0; i < 5; ++i) {
      auto r = rx->try_recv();
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(*r, std::to_string(i));
    }
    auto r = rx->try_recv();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, RecvErrorKind::kEmpty);
  }
}

TEST(BroadcastTest, SubscribeStartsWithTheNextValue) {
  auto [tx, rx] = broadcast::channel<int>(4);
  EXPECT_FALSE(tx.send(1).has_value());
  auto late = tx.subscribe();
  auto re = rx.resubscribe();
  EXPECT_FALSE(tx.send(2).has_value());
  EXPECT_EQ(*late.try_recv(), 2);
  EXPECT_EQ(*re.try_recv(), 2);
  EXPECT_EQ(*rx.try_recv(), 1);
}

TEST(BroadcastTest, LaggingReceiverGetsLaggedOnceThenTheOldestValue) {
  auto [tx, rx] = broadcast::channel<int>(3);  // rounded up to 4
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(tx.send(i).has_value());
  auto r = rx.try_recv();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, RecvErrorKind::kLagged);
  EXPECT_EQ(r.error().missed, 6u);
  for (int i = 6; i < 10; ++i) {
    auto v = rx.try_recv();
    ASSERT_TRUE(v.ok()) << i;
    EXPECT_EQ(*v, i);
  }
  EXPECT_EQ(rx.try_recv().error().kind, RecvErrorKind::kEmpty);
}

TEST(BroadcastTest, SendWithoutReceiversGivesTheValueBack) {
  auto [tx, rx] = broadcast::channel<std::string>(2);
  { auto gone = std::move(rx); }
  EXPECT_EQ(tx.receiver_count(), 0u);
  auto back = tx.send("lost");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->value, "lost");
}

TEST(BroadcastTest, ReceiverDrainsThenSeesClosedAfterLastSenderDropped) {
  auto [tx, rx] = broadcast::channel<int>(4);
  auto tx2 = tx;
  EXPECT_FALSE(tx.send(1).has_value());
  { auto gone = std::move(tx); }
  EXPECT_FALSE(tx2.send(2).has_value());
  { auto gone = std::move(tx2); }
  EXPECT_EQ(*rx.try_recv(), 1);
  NullContext c;
  auto r = rx.recv();
  auto p = r.poll(c.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_EQ(*p.take(), 2);
  auto end = rx.recv();
  auto q = end.poll(c.cx);
  ASSERT_TRUE(q.is_ready());
  EXPECT_EQ(q.take().error().kind, RecvErrorKind::kClosed);
}

TEST(BroadcastTest, LastSenderDropWakesWaitingReceivers) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto [tx, rx] = broadcast::channel<int>(4);
    std::vector<JoinHandle<bool>> waiters;
    for (int i = 0; i < 40; ++i) {  // more than one wake batch
      waiters.push_back(spawn(co_invoke([rx = tx.subscribe()]() mutable -> Task<bool> {
        auto v = co_await rx.recv();
        co_return !v.ok() && v.error().kind == RecvErrorKind::kClosed;
      })));
    }
    for (int i = 0; i < 10; ++i) co_await yield_now();
    { auto gone = std::move(tx); }
    int closed = 0;
    for (auto& w : waiters) closed += *co_await w ? 1 : 0;
    co_return closed;
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 40);
}

TEST(BroadcastTest, CancelledRecvConsumesNothing) {
  Runtime rt = Builder::current_thread().build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto [tx, rx] = broadcast::channel<int>(4);
    auto lost = co_await select(co_invoke([&]() -> Task<int> { co_return *co_await rx.recv(); }),
                                co_invoke([]() -> Task<int> {
                                  co_await yield_now();
                                  co_return -1;
                                }));
    EXPECT_EQ(lost.index(), 1u);
    EXPECT_FALSE(tx.send(8).has_value());
    co_return *co_await rx.recv();
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 8);
}

TEST(BroadcastTest, InvalidCapacityThrows) {
  EXPECT_THROW(broadcast::channel<int>(0), std::invalid_argument);
}

constexpr int kSenders = 2;
constexpr int kPerSender = 15000;
constexpr int kReceivers = 5;

// Two senders and several receivers on two workers, a small ring so that receivers lag.
// For every receiver: values arrive in per-sender order without duplicates, and values
// received plus values reported missed add up to everything sent after it subscribed.
TEST(BroadcastTest, StressReceivedPlusMissedEqualsSent) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  struct Tally {
    uint64_t received = 0;
    uint64_t missed = 0;
    int order_violations = 0;
  };
  std::vector<Tally> tallies(kReceivers);
  Notify done;
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto [tx, rx] = broadcast::channel<int>(16);
    std::vector<JoinHandle<void>> receivers;
    for (int k = 0; k < kReceivers; ++k) {
      receivers.push_back(spawn(co_invoke([&, k, rx = tx.subscribe()]() mutable -> Task<void> {
        Tally& t = tallies[k];
        int last[kSenders] = {-1, -1};
        for (;;) {
          auto v = co_await rx.recv();
          if (!v.ok()) {
            if (v.error().kind == RecvErrorKind::kClosed) break;
            t.missed += v.error().missed;
            continue;
          }
          ++t.received;
          int s = *v / kPerSender;
          if (*v <= last[s]) ++t.order_violations;
          last[s] = *v;
          if (k % 2 == 0 && t.received % 64 == 0) co_await yield_now();  // fall behind
        }
      })));
    }
    // A receiver that sleeps through the whole run: it must see exactly the ring's worth.
    auto sleeper = spawn(co_invoke([&done, rx = tx.subscribe()]() mutable -> Task<Tally> {
      Tally t;
      co_await done.notified();
      for (;;) {
        auto v = co_await rx.recv();
        if (v.ok()) {
          ++t.received;
        } else if (v.error().kind == RecvErrorKind::kLagged) {
          t.missed += v.error().missed;
        } else {
          break;
        }
      }
      co_return t;
    }));
    { auto drop_initial = std::move(rx); }
    std::vector<JoinHandle<void>> senders;
    for (int s = 0; s < kSenders; ++s) {
      senders.push_back(spawn(co_invoke([s, tx = tx]() -> Task<void> {
        for (int i = 0; i < kPerSender; ++i) {
          EXPECT_FALSE(tx.send(s * kPerSender + i).has_value());
          if (i % 32 == 0) co_await yield_now();
        }
      })));
    }
    { auto drop_original = std::move(tx); }
    for (auto& h : senders) (void)co_await h;
    done.notify_one();
    for (auto& h : receivers) (void)co_await h;
    auto slept = co_await sleeper;
    EXPECT_EQ(slept->received, 16u);
    EXPECT_EQ(slept->missed, uint64_t{kSenders} * kPerSender - 16);
  }), seconds(60));
  ASSERT_TRUE(r.ok()) << r;
  for (int k = 0; k < kReceivers; ++k) {
    EXPECT_EQ(tallies[k].received + tallies[k].missed, uint64_t{kSenders} * kPerSender) << k;
    EXPECT_EQ(tallies[k].order_violations, 0) << k;
    EXPECT_GT(tallies[k].received, 0u);
  }
}

}  // namespace
}  // namespace corio::sync
