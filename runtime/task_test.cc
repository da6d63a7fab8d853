// Task<T> as a coroutine and as a Future, without any scheduler: polled by hand.
#include "runtime/task.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "runtime/test_util.h"

namespace corio {
namespace {

// A Context whose waker is empty: fine for futures that never return Pending.
struct NullContext {
  Waker waker;
  Context cx{waker};
};

Task<int> forty_two() { co_return 42; }
Task<int> add_one(int x) { co_return x + 1; }
Task<void> throws() {
  throw std::runtime_error("boom");
  co_return;
}

TEST(TaskTest, IsLazyUntilPolled) {
  bool started = false;
  auto t = co_invoke([&]() -> Task<void> {
    started = true;
    co_return;
  });
  EXPECT_FALSE(started);
  NullContext n;
  EXPECT_TRUE(t.poll(n.cx).is_ready());
  EXPECT_TRUE(started);
}

TEST(TaskTest, AwaitingTaskReturnsItsValue) {
  auto t = co_invoke([]() -> Task<int> { co_return co_await add_one(co_await forty_two()); });
  NullContext n;
  auto p = t.poll(n.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_EQ(p.take(), 43);
}

TEST(TaskTest, ExceptionPropagatesToAwaiter) {
  auto t = co_invoke([]() -> Task<std::string> {
    try {
      co_await throws();
    } catch (const std::runtime_error& e) {
      co_return std::string(e.what());
    }
    co_return "no exception";
  });
  NullContext n;
  auto p = t.poll(n.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_EQ(p.take(), "boom");
}

TEST(TaskTest, ExceptionEscapingRootIsRethrownByPoll) {
  auto t = throws();
  NullContext n;
  EXPECT_THROW((void)t.poll(n.cx), std::runtime_error);
}

TEST(TaskTest, PendingFutureSuspendsTheWholeChainAndResumesIt) {
  testing::Flag flag;
  int steps = 0;
  auto inner = [&]() -> Task<int> {
    ++steps;
    co_await testing::WaitFlag{&flag};
    ++steps;
    co_return 7;
  };
  auto t = co_invoke([&]() -> Task<int> { co_return co_await inner() * 2; });
  NullContext n;
  EXPECT_TRUE(t.poll(n.cx).is_pending());
  EXPECT_EQ(steps, 1);
  EXPECT_TRUE(t.poll(n.cx).is_pending());  // still pending: the leaf is re-polled
  EXPECT_EQ(steps, 1);
  flag.set();
  auto p = t.poll(n.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_EQ(p.take(), 14);
  EXPECT_EQ(steps, 2);
}

TEST(TaskTest, DestroyingSuspendedTaskRunsDestructorsOfEveryFrame) {
  std::atomic<int> live{0};
  testing::Flag never;
  auto inner = [&]() -> Task<void> {
    testing::DropCounter d(&live);
    co_await testing::WaitFlag{&never};
  };
  {
    auto t = co_invoke([&]() -> Task<void> {
      testing::DropCounter d(&live);
      co_await inner();
    });
    NullContext n;
    EXPECT_TRUE(t.poll(n.cx).is_pending());
    EXPECT_EQ(live.load(), 2);
  }
  EXPECT_EQ(live.load(), 0);
}

TEST(TaskTest, PollFnIsAFuture) {
  int calls = 0;
  auto t = co_invoke([&]() -> Task<int> {
    int v = co_await poll_fn([&](Context&) -> Poll<int> {
      if (++calls < 3) return kPending;
      return 5;
    });
    co_return v;
  });
  NullContext n;
  EXPECT_TRUE(t.poll(n.cx).is_pending());
  EXPECT_TRUE(t.poll(n.cx).is_pending());
  auto p = t.poll(n.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_EQ(p.take(), 5);
}

TEST(TaskTest, PollingACompletedTaskIsAClearError) {
  auto t = forty_two();
  NullContext n;
  (void)t.poll(n.cx);
  EXPECT_THROW((void)t.poll(n.cx), std::logic_error);
}

}  // namespace
}  // namespace corio
