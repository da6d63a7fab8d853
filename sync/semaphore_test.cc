#include "sync/semaphore.h"

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

// Polls futures by hand, outside any runtime (the coop budget is then unlimited).
struct NullContext {
  Waker waker;
  Context cx{waker};
};

template <typename F>
bool ready(F& f, NullContext& c) {
  return f.poll(c.cx).is_ready();
}

TEST(SemaphoreTest, TryAcquireTakesAndPermitDropReturns) {
  Semaphore sem(3);
  {
    auto p = sem.try_acquire(2);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->num_permits(), 2u);
    EXPECT_EQ(sem.available_permits(), 1u);
    EXPECT_TRUE(absl::IsUnavailable(sem.try_acquire(2).status()));
  }
  EXPECT_EQ(sem.available_permits(), 3u);
}

TEST(SemaphoreTest, AcquireWaitsUntilPermitsAreAdded) {
  Semaphore sem(0);
  NullContext c;
  auto a = sem.acquire(2);
  EXPECT_TRUE(a.poll(c.cx).is_pending());
  sem.add_permits(1);
  EXPECT_TRUE(a.poll(c.cx).is_pending());
  sem.add_permits(1);
  auto p = a.poll(c.cx);
  ASSERT_TRUE(p.is_ready());
  auto permit = p.take();
  ASSERT_TRUE(permit.ok());
  EXPECT_EQ(permit->num_permits(), 2u);
  EXPECT_EQ(sem.available_permits(), 0u);
}

TEST(SemaphoreTest, LargeAcquireAtHeadIsNotStarvedBySmallOnes) {
  Semaphore sem(1);
  NullContext c;
  auto big = sem.acquire(3);
  EXPECT_FALSE(ready(big, c));  // holds 1 of 3
  auto small = sem.acquire(1);
  EXPECT_FALSE(ready(small, c));  // queued behind big
  EXPECT_TRUE(absl::IsUnavailable(sem.try_acquire(1).status()));  // no queue jumping
  sem.add_permits(1);
  EXPECT_FALSE(ready(small, c));  // the permit went to the head
  sem.add_permits(1);
  auto big_result = big.poll(c.cx);
  ASSERT_TRUE(big_result.is_ready());
  EXPECT_FALSE(ready(small, c));
  {
    auto permit = big_result.take();  // 3 permits
    ASSERT_TRUE(permit.ok());
  }
  auto small_result = small.poll(c.cx);  // it got 1 of the 3 returned
  ASSERT_TRUE(small_result.is_ready());
  auto small_permit = small_result.take();
  EXPECT_EQ(sem.available_permits(), 2u);
}

TEST(SemaphoreTest, WaitersAreServedInArrivalOrder) {
  Semaphore sem(0);
  NullContext c;
  std::vector<std::unique_ptr<Semaphore::Acquire>> waiters;
  for (int i = 0; i < 40; ++i) {  // more than one wake batch
    waiters.push_back(std::make_unique<Semaphore::Acquire>(sem.acquire(1)));
    EXPECT_FALSE(ready(*waiters.back(), c));
  }
  for (int i = 0; i < 40; ++i) {
    sem.add_permits(1);
    for (int j = 0; j < 40; ++j) {
      if (j < i) continue;
      auto p = waiters[j]->poll(c.cx);
      EXPECT_EQ(p.is_ready(), j == i) << "waiter " << j << " after " << i + 1 << " permits";
      if (p.is_ready()) p.take()->forget();
    }
  }
}

TEST(SemaphoreTest, ReleaseServesMoreWaitersThanOneWakeBatch) {
  Semaphore sem(0);
  NullContext c;
  std::vector<std::unique_ptr<Semaphore::Acquire>> waiters;
  for (int i = 0; i < 100; ++i) {
    waiters.push_back(std::make_unique<Semaphore::Acquire>(sem.acquire(1)));
    EXPECT_FALSE(ready(*waiters.back(), c));
  }
  sem.add_permits(105);
  for (auto& w : waiters) {
    auto p = w->poll(c.cx);
    ASSERT_TRUE(p.is_ready());
    p.take()->forget();
  }
  EXPECT_EQ(sem.available_permits(), 5u);
}

TEST(SemaphoreTest, CancelledPartlyGrantedWaiterPassesItsPermitsOn) {
  Semaphore sem(2);
  NullContext c;
  auto small = std::make_unique<Semaphore::Acquire>(sem.acquire(2));
  {
    auto big = sem.acquire(5);
    EXPECT_FALSE(ready(big, c));  // took both free permits
    EXPECT_FALSE(ready(*small, c));
  }  // cancelled: its 2 permits go to `small`
  auto p = small->poll(c.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_TRUE(p.take().ok());
  EXPECT_EQ(sem.available_permits(), 2u);
}

TEST(SemaphoreTest, CancelledLastWaiterReturnsItsPartialGrant) {
  Semaphore sem(2);
  NullContext c;
  {
    auto big = sem.acquire(5);
    EXPECT_FALSE(ready(big, c));
    EXPECT_EQ(sem.available_permits(), 0u);
  }
  EXPECT_EQ(sem.available_permits(), 2u);
  auto p = sem.try_acquire(2);  // the fast path works again (QUEUED was cleared)
  EXPECT_TRUE(p.ok());
}

TEST(SemaphoreTest, CancelledFullyGrantedWaiterReturnsEverything) {
  Semaphore sem(0);
  NullContext c;
  {
    auto a = sem.acquire(3);
    EXPECT_FALSE(ready(a, c));
    sem.add_permits(3);  // assigned to `a`, which never sees it
  }
  EXPECT_EQ(sem.available_permits(), 3u);
}

TEST(SemaphoreTest, CloseFailsWaitersAndLaterAcquires) {
  Semaphore sem(1);
  NullContext c;
  auto held = sem.try_acquire(1);
  ASSERT_TRUE(held.ok());
  auto a = sem.acquire(1);
  auto b = sem.acquire(2);
  EXPECT_FALSE(ready(a, c));
  EXPECT_FALSE(ready(b, c));
  sem.close();
  EXPECT_TRUE(sem.is_closed());
  auto ra = a.poll(c.cx);
  ASSERT_TRUE(ra.is_ready());
  EXPECT_TRUE(absl::IsCancelled(ra.take().status()));
  auto rb = b.poll(c.cx);
  ASSERT_TRUE(rb.is_ready());
  EXPECT_TRUE(absl::IsCancelled(rb.take().status()));
  EXPECT_TRUE(absl::IsCancelled(sem.try_acquire(1).status()));
  auto later = sem.acquire(1);
  auto rl = later.poll(c.cx);
  ASSERT_TRUE(rl.is_ready());
  EXPECT_TRUE(absl::IsCancelled(rl.take().status()));
  held = absl::CancelledError("drop");  // returning a permit to a closed semaphore is fine
  EXPECT_EQ(sem.available_permits(), 1u);
}

TEST(SemaphoreTest, CloseReturnsPartialGrantsOfWaiters) {
  Semaphore sem(2);
  NullContext c;
  auto big = sem.acquire(5);
  EXPECT_FALSE(ready(big, c));
  EXPECT_EQ(sem.available_permits(), 0u);
  sem.close();
  EXPECT_EQ(sem.available_permits(), 2u);
}

TEST(SemaphoreTest, ForgetKeepsPermitsAndMergeCombines) {
  Semaphore sem(4);
  {
    auto a = sem.try_acquire(1);
    auto b = sem.try_acquire(2);
    ASSERT_TRUE(a.ok() && b.ok());
    a->merge(std::move(*b));
    EXPECT_EQ(a->num_permits(), 3u);
    EXPECT_EQ(b->num_permits(), 0u);
  }
  EXPECT_EQ(sem.available_permits(), 4u);
  {
    auto a = sem.try_acquire(3);
    ASSERT_TRUE(a.ok());
    a->forget();
  }
  EXPECT_EQ(sem.available_permits(), 1u);
}

TEST(SemaphoreTest, AddPermitsBeyondTheMaximumThrows) {
  Semaphore sem(Semaphore::kMaxPermits - 1);
  sem.add_permits(1);
  EXPECT_THROW(sem.add_permits(1), std::overflow_error);
  EXPECT_THROW(Semaphore(Semaphore::kMaxPermits + 1), std::overflow_error);
}

TEST(SemaphoreTest, OwnedPermitMovesIntoAnotherTask) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto sem = std::make_shared<Semaphore>(1);
  auto r = rt.block_on_for(co_invoke([sem]() -> Task<size_t> {
    auto acquire = Semaphore::acquire_owned(sem);
    auto permit = co_await acquire;
    EXPECT_TRUE(permit.ok());
    auto holder = spawn(co_invoke([p = std::move(*permit)]() mutable -> Task<void> {
      co_await yield_now();
      p = OwnedSemaphorePermit();  // released on the other task
    }));
    auto again = Semaphore::acquire_owned(sem);  // waits for the spawned task's release
    auto second = co_await again;
    EXPECT_TRUE(second.ok());
    EXPECT_TRUE((co_await holder).ok());
    co_return second->num_permits();
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 1u);
  EXPECT_EQ(sem->available_permits(), 1u);
}

TEST(SemaphoreTest, AcquireLosingASelectIsUnlinked) {
  Runtime rt = Builder::current_thread().build();
  Semaphore sem(0);
  auto r = rt.block_on_for(co_invoke([&]() -> Task<bool> {
    auto lost = co_await select(
        co_invoke([&]() -> Task<bool> { co_return (co_await sem.acquire(1)).ok(); }),
        co_invoke([]() -> Task<bool> {
          co_await yield_now();  // the acquire is queued by now
          co_return false;
        }));
    EXPECT_EQ(lost.index(), 1u);
    sem.add_permits(1);
    // The cancelled waiter took nothing: the permit is free for us.
    co_return sem.try_acquire(1).ok();
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r);
}

TEST(SemaphoreTest, AbortedTaskWaitingForPermitsReturnsItsPartialGrant) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  Semaphore sem(3);
  auto r = rt.block_on_for(co_invoke([&]() -> Task<size_t> {
    auto h = spawn(co_invoke([&]() -> Task<void> {
      auto a = sem.acquire(10);
      auto p = co_await a;
      ADD_FAILURE() << "acquire(10) of 3 permits completed";
    }));
    while (sem.available_permits() != 0) co_await yield_now();  // it queued, holding 3
    h.abort();
    auto joined = co_await h;
    EXPECT_TRUE(absl::IsCancelled(joined));
    co_return sem.available_permits();
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 3u);
}

// Many tasks on two workers take random batches of permits, some give up through a select
// with a yield, some are aborted; the number in use never exceeds the capacity and every
// permit comes back.
TEST(SemaphoreTest, StressNeverOversubscribesAndLosesNoPermit) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  constexpr size_t kCapacity = 5;
  constexpr int kTasks = 40;
  constexpr int kRounds = 1000;
  Semaphore sem(kCapacity);
  std::atomic<int64_t> in_use{0};
  std::atomic<bool> oversubscribed{false};
  std::atomic<int> completed{0};
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> handles;
    for (int t = 0; t < kTasks; ++t) {
      handles.push_back(spawn(co_invoke([&, t]() -> Task<void> {
        uint64_t rng = 0x9E3779B97F4A7C15ull * (t + 1);
        for (int i = 0; i < kRounds; ++i) {
          rng ^= rng << 13;
          rng ^= rng >> 7;
          rng ^= rng << 17;
          size_t n = 1 + rng % kCapacity;
          if (rng % 4 == 0) {
            // An acquire that may lose a race against a yield.
            auto raced = co_await select(
                co_invoke([&]() -> Task<std::optional<SemaphorePermit>> {
                  auto p = co_await sem.acquire(n);
                  co_return std::optional<SemaphorePermit>(std::move(*p));
                }),
                yield_now());
            if (raced.index() == 0) {
              auto& permit = std::get<0>(raced);
              if (in_use.fetch_add(n) + n > kCapacity) oversubscribed = true;
              in_use.fetch_sub(n);
              permit.reset();
            }
            continue;
          }
          auto a = sem.acquire(n);
          auto p = co_await a;
          if (!p.ok()) co_return;
          // Counted out by a destructor: the task may be aborted at the yield below.
          struct InUse {
            InUse(std::atomic<int64_t>* c, size_t n, std::atomic<bool>* over) : c(c), n(n) {
              if (c->fetch_add(n) + static_cast<int64_t>(n) > int64_t{kCapacity}) *over = true;
            }
            ~InUse() { c->fetch_sub(n); }
            std::atomic<int64_t>* c;
            size_t n;
          } counted(&in_use, n, &oversubscribed);
          co_await yield_now();
        }
        completed.fetch_add(1);
      })));
    }
    // Abort a few while they wait or run.
    for (int t = 0; t < kTasks; t += 7) handles[t].abort();
    for (auto& h : handles) (void)co_await h;
  }), seconds(60));
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_FALSE(oversubscribed.load());
  EXPECT_GT(completed.load(), 0);
  EXPECT_EQ(sem.available_permits(), kCapacity);
}

}  // namespace
}  // namespace corio::sync
