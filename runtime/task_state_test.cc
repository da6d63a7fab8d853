// The task state machine, driven by hand through a recording scheduler.
#include <gtest/gtest.h>

#include <vector>

#include "runtime/join_handle.h"
#include "runtime/runtime.h"
#include "runtime/task.h"
#include "runtime/task_harness.h"
#include "runtime/test_util.h"

namespace corio {
namespace {

// A scheduler that only records what it was asked to queue.
class RecordingScheduler final : public Scheduler {
 public:
  void schedule(TaskHeader* task, bool) override { queued.push_back(task); }
  bool release(TaskHeader*) override {
    ++released;
    return true;
  }
  // Runs everything queued, in order.
  void run_all() {
    while (!queued.empty()) {
      TaskHeader* t = queued.front();
      queued.erase(queued.begin());
      internal::run_task(t);
    }
  }
  std::vector<TaskHeader*> queued;
  int released = 0;
};

template <typename T>
JoinHandle<T> spawn_on(RecordingScheduler& s, Task<T> task) {
  TaskHeader* h = internal::into_spawned(std::move(task), &s);
  s.schedule(h, false);
  return JoinHandle<T>(h);
}

// Captures the waker of the task that polls it, and stays pending until released.
struct Capture {
  Waker* out;
  bool* release;
  Poll<void> poll(Context& cx) {
    if (*release) return Ready();
    *out = cx.waker();
    return kPending;
  }
};

struct NullContext {
  Waker waker;
  Context cx{waker};
};

TEST(TaskStateTest, CompletesAndJoinHandleReadsValue) {
  RecordingScheduler s;
  auto h = spawn_on(s, co_invoke([]() -> Task<int> { co_return 9; }));
  EXPECT_FALSE(h.is_finished());
  s.run_all();
  EXPECT_TRUE(h.is_finished());
  NullContext n;
  auto p = h.poll(n.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_EQ(*p.take(), 9);
  EXPECT_EQ(s.released, 1);
}

TEST(TaskStateTest, WakeWhileIdleQueuesOnceAndDoubleWakeIsIgnored) {
  RecordingScheduler s;
  Waker w;
  bool release = false;
  auto h = spawn_on(s, co_invoke([&]() -> Task<void> { co_await Capture{&w, &release}; }));
  s.run_all();
  ASSERT_TRUE(w);
  w.wake_by_ref();
  w.wake_by_ref();
  EXPECT_EQ(s.queued.size(), 1u);  // queued only on the idle -> notified edge
  release = true;
  s.run_all();
  EXPECT_TRUE(h.is_finished());
}

TEST(TaskStateTest, WakeWhileRunningPollsAgainAfterTheCurrentPoll) {
  RecordingScheduler s;
  int polls = 0;
  auto h = spawn_on(s, co_invoke([&]() -> Task<void> {
    co_await poll_fn([&](Context& cx) -> Poll<void> {
      if (++polls == 1) {
        cx.waker().wake_by_ref();  // wake ourselves while running
        return kPending;
      }
      return Ready();
    });
  }));
  internal::run_task(s.queued.front());
  s.queued.erase(s.queued.begin());
  EXPECT_EQ(polls, 1);
  ASSERT_EQ(s.queued.size(), 1u);  // re-queued by the poller, not by the waker
  s.run_all();
  EXPECT_EQ(polls, 2);
  EXPECT_TRUE(h.is_finished());
}

TEST(TaskStateTest, WakeAfterCompletionDoesNothing) {
  RecordingScheduler s;
  Waker w;
  bool release = false;
  auto h = spawn_on(s, co_invoke([&]() -> Task<void> { co_await Capture{&w, &release}; }));
  s.run_all();
  release = true;
  w.wake_by_ref();
  s.run_all();
  ASSERT_TRUE(h.is_finished());
  w.wake_by_ref();
  Waker(w).wake();
  EXPECT_TRUE(s.queued.empty());
}

TEST(TaskStateTest, AbortWhileIdleCancelsAndRunsDestructors) {
  RecordingScheduler s;
  std::atomic<int> live{0};
  Waker w;
  bool release = false;
  auto h = spawn_on(s, co_invoke([&]() -> Task<int> {
    testing::DropCounter d(&live);
    co_await Capture{&w, &release};
    co_return 1;
  }));
  s.run_all();
  EXPECT_EQ(live.load(), 1);
  h.abort();
  s.run_all();
  EXPECT_EQ(live.load(), 0);
  NullContext n;
  auto p = h.poll(n.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_TRUE(absl::IsCancelled(p.take().status()));
}

TEST(TaskStateTest, AbortWhileNotifiedCancelsWhenPopped) {
  RecordingScheduler s;
  std::atomic<int> live{0};
  auto h = spawn_on(s, co_invoke([&]() -> Task<void> {
    testing::DropCounter d(&live);
    co_return;
  }));
  h.abort();  // still queued from spawn: never polled
  s.run_all();
  EXPECT_EQ(live.load(), 0);
  NullContext n;
  auto p = h.poll(n.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_TRUE(absl::IsCancelled(p.take()));
}

TEST(TaskStateTest, AbortWhileRunningCancelsAfterThePoll) {
  RecordingScheduler s;
  JoinHandle<void>* self = nullptr;
  bool resumed = false;
  auto h = spawn_on(s, co_invoke([&]() -> Task<void> {
    self->abort();  // abort from inside our own poll
    co_await yield_now();
    resumed = true;
  }));
  self = &h;
  s.run_all();
  EXPECT_FALSE(resumed);
  EXPECT_TRUE(h.is_finished());
}

TEST(TaskStateTest, LastReferenceFreesTheTask) {
  // ASAN checks the frame is freed once; here: a detached task whose waker outlives it.
  RecordingScheduler s;
  std::atomic<int> live{0};
  Waker w;
  bool release = false;
  {
    auto h = spawn_on(s, co_invoke([&]() -> Task<void> {
      testing::DropCounter d(&live);
      co_await Capture{&w, &release};
    }));
    s.run_all();
  }  // JoinHandle dropped: detached, keeps running
  EXPECT_EQ(live.load(), 1);
  release = true;
  w.wake_by_ref();
  s.run_all();
  EXPECT_EQ(live.load(), 0);  // completed; its frame was destroyed with no JoinHandle
  w = Waker();  // last reference: frees the memory (ASAN checks it is freed exactly once)
}

TEST(TaskStateTest, JoinHandleAwaitedTwiceIsAClearError) {
  RecordingScheduler s;
  auto h = spawn_on(s, co_invoke([]() -> Task<int> { co_return 1; }));
  s.run_all();
  NullContext n;
  (void)h.poll(n.cx);
  EXPECT_THROW((void)h.poll(n.cx), std::logic_error);
}

TEST(TaskStateTest, JoinHandleWakerIsWokenOnCompletion) {
  RecordingScheduler task_sched;
  RecordingScheduler waiter_sched;
  Waker w;
  bool release = false;
  auto h = spawn_on(task_sched, co_invoke([&]() -> Task<int> {
    co_await Capture{&w, &release};
    co_return 3;
  }));
  task_sched.run_all();
  int got = 0;
  auto waiter = spawn_on(waiter_sched, co_invoke([&]() -> Task<void> {
    got = *co_await h;
  }));
  waiter_sched.run_all();
  EXPECT_EQ(got, 0);
  EXPECT_TRUE(waiter_sched.queued.empty());
  release = true;
  w.wake_by_ref();
  task_sched.run_all();
  ASSERT_EQ(waiter_sched.queued.size(), 1u);  // the join waker fired
  waiter_sched.run_all();
  EXPECT_EQ(got, 3);
}

}  // namespace
}  // namespace corio
