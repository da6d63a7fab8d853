#include "sync/rwlock.h"

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

TEST(RwLockTest, ManyReadersOrOneWriter) {
  RwLock<int> l(5);
  auto r1 = l.try_read();
  auto r2 = l.try_read();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(**r1 + **r2, 10);
  EXPECT_FALSE(l.try_write().has_value());
  r1.reset();
  r2.reset();
  auto w = l.try_write();
  ASSERT_TRUE(w.has_value());
  **w = 6;
  EXPECT_FALSE(l.try_read().has_value());
  w.reset();
  EXPECT_EQ(**l.try_read(), 6);
}

TEST(RwLockTest, WaitingWriterBlocksLaterReaders) {
  RwLock<int> l(0);
  NullContext c;
  auto reader = l.try_read();
  auto writer = l.write();
  EXPECT_TRUE(writer.poll(c.cx).is_pending());
  EXPECT_FALSE(l.try_read().has_value());  // would overtake the writer
  auto late_reader = l.read();
  EXPECT_TRUE(late_reader.poll(c.cx).is_pending());
  reader.reset();
  auto w = writer.poll(c.cx);
  ASSERT_TRUE(w.is_ready());
  EXPECT_TRUE(late_reader.poll(c.cx).is_pending());
  { auto release = w.take(); }
  EXPECT_TRUE(late_reader.poll(c.cx).is_ready());
}

TEST(RwLockTest, ReadersQueuedBehindAWriterAllGetInTogether) {
  RwLock<int> l(0);
  NullContext c;
  auto w = l.try_write();
  std::vector<std::unique_ptr<RwLock<int>::Read>> readers;
  for (int i = 0; i < 40; ++i) {
    readers.push_back(std::make_unique<RwLock<int>::Read>(l.read()));
    EXPECT_TRUE(readers.back()->poll(c.cx).is_pending());
  }
  w.reset();
  std::vector<RwLockReadGuard<int>> guards;
  for (auto& r : readers) {
    auto p = r->poll(c.cx);
    ASSERT_TRUE(p.is_ready());
    guards.push_back(p.take());
  }
}

TEST(RwLockTest, CancelledWaitingWriterReturnsTheReaderPermitsItCollected) {
  RwLock<int> l(0, /*max_readers=*/4);
  NullContext c;
  auto r1 = l.try_read();
  auto late_reader = std::make_unique<RwLock<int>::Read>(l.read());
  {
    auto writer = l.write();
    EXPECT_TRUE(writer.poll(c.cx).is_pending());  // holds 3 of 4
    EXPECT_TRUE(late_reader->poll(c.cx).is_pending());
  }  // cancelled
  EXPECT_TRUE(late_reader->poll(c.cx).is_ready());
  EXPECT_TRUE(l.try_read().has_value());
}

TEST(RwLockTest, DowngradeKeepsWritersOut) {
  RwLock<int> l(0);
  NullContext c;
  auto w = l.try_write();
  **w = 7;
  auto writer = l.write();
  EXPECT_TRUE(writer.poll(c.cx).is_pending());
  auto r = std::move(*w).downgrade();
  EXPECT_EQ(*r, 7);
  EXPECT_TRUE(writer.poll(c.cx).is_pending());
  { auto release = std::move(r); }
  EXPECT_TRUE(writer.poll(c.cx).is_ready());
}

TEST(RwLockTest, InvalidMaxReadersThrows) {
  EXPECT_THROW(RwLock<int>(0, 0), std::invalid_argument);
}

// Readers and writers on two workers, some cancelled by select: a writer is always alone,
// readers never see a half-done write, and the lock is free at the end.
TEST(RwLockTest, StressWritersExcludeEveryoneReadersShare) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  struct Pair {
    long a = 0;
    long b = 0;
  };
  RwLock<Pair> l;
  std::atomic<int> readers{0}, writers{0}, violations{0}, max_readers{0};
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> handles;
    for (int t = 0; t < 24; ++t) {
      handles.push_back(spawn(co_invoke([&, t]() -> Task<void> {
        for (int i = 0; i < 100; ++i) {
          if ((t + i) % 4 == 0) {
            auto raced = co_await select(
                co_invoke([&]() -> Task<void> {
                  auto w = co_await l.write();
                  // Counted out by a destructor: this branch may be cancelled while it
                  // holds the guard (at the yield below).
                  struct Count {
                    explicit Count(std::atomic<int>* c) : c(c) { c->fetch_add(1); }
                    ~Count() { c->fetch_sub(1); }
                    std::atomic<int>* c;
                  } count(&writers);
                  if (writers.load() != 1 || readers.load() != 0) violations.fetch_add(1);
                  w->a += 1;
                  w->b += 1;
                  co_await yield_now();
                }),
                yield_now());
            (void)raced;
          } else {
            auto g = co_await l.read();
            int now = readers.fetch_add(1) + 1;
            int seen = max_readers.load();
            while (now > seen && !max_readers.compare_exchange_weak(seen, now)) {
            }
            if (writers.load() != 0 || g->a != g->b) violations.fetch_add(1);
            co_await yield_now();
            readers.fetch_sub(1);
          }
        }
      })));
    }
    for (auto& h : handles) (void)co_await h;
  }), seconds(60));
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_EQ(violations.load(), 0);
  EXPECT_GT(max_readers.load(), 1);  // readers did share
  EXPECT_TRUE(l.try_write().has_value());
}

}  // namespace
}  // namespace corio::sync
