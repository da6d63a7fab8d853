#include "sync/mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
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

TEST(MutexTest, TryLockFailsWhileHeld) {
  Mutex<int> m(1);
  {
    auto g = m.try_lock();
    ASSERT_TRUE(g.has_value());
    **g = 2;
    EXPECT_FALSE(m.try_lock().has_value());
  }
  auto g = m.try_lock();
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(**g, 2);
}

TEST(MutexTest, WaitersGetTheLockInArrivalOrder) {
  Mutex<std::vector<int>> m;
  NullContext c;
  auto held = m.try_lock();
  std::vector<std::unique_ptr<Mutex<std::vector<int>>::Lock>> waiters;
  for (int i = 0; i < 5; ++i) {
    waiters.push_back(std::make_unique<Mutex<std::vector<int>>::Lock>(m.lock()));
    EXPECT_TRUE(waiters.back()->poll(c.cx).is_pending());
  }
  EXPECT_FALSE(m.try_lock().has_value());  // no barging past the queue
  held.reset();
  for (int i = 0; i < 5; ++i) {
    for (int j = i + 1; j < 5; ++j) EXPECT_TRUE(waiters[j]->poll(c.cx).is_pending());
    auto p = waiters[i]->poll(c.cx);
    ASSERT_TRUE(p.is_ready()) << i;
    p.take()->push_back(i);
  }
  EXPECT_EQ(m.get_mut(), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(MutexTest, CancelledWaiterThatWasHandedTheLockPassesItOn) {
  Mutex<int> m(0);
  NullContext c;
  auto held = m.try_lock();
  auto second = std::make_unique<Mutex<int>::Lock>(m.lock());
  {
    auto first = m.lock();
    EXPECT_TRUE(first.poll(c.cx).is_pending());
    EXPECT_TRUE(second->poll(c.cx).is_pending());
    held.reset();  // the lock goes to `first`...
  }                // ...which is cancelled before it sees it
  EXPECT_TRUE(second->poll(c.cx).is_ready());
}

TEST(MutexTest, LockLosingASelectDoesNotHoldTheLock) {
  Runtime rt = Builder::current_thread().build();
  Mutex<int> m(0);
  auto r = rt.block_on_for(co_invoke([&]() -> Task<bool> {
    auto held = m.try_lock();
    auto lost = co_await select(co_invoke([&]() -> Task<int> {
                                  auto g = co_await m.lock();
                                  co_return *g;
                                }),
                                co_invoke([]() -> Task<int> {
                                  co_await yield_now();
                                  co_return -1;
                                }));
    EXPECT_EQ(lost.index(), 1u);
    held.reset();
    co_return m.try_lock().has_value();
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r);
}

// 100 tasks on two workers increment a plain (non-atomic) counter, holding the guard across
// co_await points; a second flag checks that no two hold it at once.
TEST(MutexTest, GuardHeldAcrossAwaitWithHundredContendingTasks) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  struct State {
    long counter = 0;
    bool held = false;
  };
  auto m = std::make_shared<Mutex<State>>();
  std::atomic<int> overlaps{0};
  constexpr int kTasks = 100;
  constexpr int kIters = 50;
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> handles;
    for (int t = 0; t < kTasks; ++t) {
      handles.push_back(spawn(co_invoke([&, t]() -> Task<void> {
        for (int i = 0; i < kIters; ++i) {
          // Marks the state held while in scope; the task may be aborted at the yield
          // while holding the guard, and unwinding must leave the state consistent.
          struct Hold {
            explicit Hold(State* s, std::atomic<int>* overlaps) : s(s) {
              if (s->held) overlaps->fetch_add(1);
              s->held = true;
            }
            ~Hold() { s->held = false; }
            State* s;
          };
          if ((t + i) % 3 == 0) {
            auto lock = Mutex<State>::lock_owned(m);
            auto g = co_await lock;
            Hold hold(&*g, &overlaps);
            long v = g->counter;
            co_await yield_now();  // another task may run, but cannot get the lock
            g->counter = v + 1;
          } else {
            auto g = co_await m->lock();
            Hold hold(&*g, &overlaps);
            long v = g->counter;
            co_await yield_now();
            g->counter = v + 1;
          }
        }
      })));
    }
    // Some tasks are aborted mid-way; their guards (if held) are released by unwinding.
    for (int t = 0; t < kTasks; t += 10) handles[t].abort();
    for (auto& h : handles) (void)co_await h;
  }), seconds(60));
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_EQ(overlaps.load(), 0);
  auto g = m->try_lock();
  ASSERT_TRUE(g.has_value());  // nobody kept it
  EXPECT_LE((*g)->counter, long{kTasks} * kIters);
  EXPECT_GE((*g)->counter, long{kTasks - kTasks / 10} * kIters);
}

TEST(MutexTest, OwnedGuardMovesIntoAnotherTask) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto m = std::make_shared<Mutex<int>>(0);
  auto r = rt.block_on_for(co_invoke([m]() -> Task<int> {
    auto lock = Mutex<int>::lock_owned(m);
    auto g = co_await lock;
    *g = 1;
    auto h = spawn(co_invoke([g = std::move(g)]() mutable -> Task<void> {
      co_await yield_now();
      *g = 2;
      { auto release = std::move(g); }
    }));
    auto again = co_await m->lock();  // waits for the other task to release
    int seen = *again;
    (void)co_await h;
    co_return seen;
  }), seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 2);
}

}  // namespace
}  // namespace corio::sync
