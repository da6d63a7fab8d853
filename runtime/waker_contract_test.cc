// The waker contract, taught with a leaf future written against the poll API: Delay spawns
// a thread that sleeps, then wakes whatever waker the future stored last. When the future
// moves to another task it must notice (will_wake) and store the new task's waker.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "runtime/runtime.h"

namespace corio {
namespace {

using namespace std::chrono_literals;

class Delay {
 public:
  explicit Delay(std::chrono::milliseconds d) : state_(std::make_shared<State>()), delay_(d) {}

  Poll<void> poll(Context& cx) {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->fired) return Ready();
    if (!state_->waker.will_wake(cx.waker())) {
      state_->waker = cx.waker();  // moved to another task: store its waker
      ++state_->waker_updates;
    }
    if (!started_) {
      started_ = true;
      std::thread([s = state_, d = delay_] {
        std::this_thread::sleep_for(d);
        Waker w;
        {
          std::lock_guard<std::mutex> lock(s->mu);
          s->fired = true;
          w = std::move(s->waker);
        }
        w.wake();
      }).detach();
    }
    return kPending;
  }
  int waker_updates() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->waker_updates;
  }

 private:
  struct State {
    std::mutex mu;
    bool fired = false;
    Waker waker;
    int waker_updates = 0;
  };
  std::shared_ptr<State> state_;
  std::chrono::milliseconds delay_;
  bool started_ = false;
};

TEST(WakerContractTest, DelayWakesItsTask) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> { co_await Delay(5ms); }), 10s);
  EXPECT_TRUE(r.ok()) << r;
}

TEST(WakerContractTest, DelayMovedBetweenTasksWakesTheNewOne) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    auto delay = std::make_shared<Delay>(20ms);
    // Task A polls it first (stores A's waker) and gives up.
    auto a = spawn(co_invoke([delay]() -> Task<void> {
      co_await poll_fn([&](Context& cx) -> Poll<void> {
        (void)delay->poll(cx);
        return Ready();
      });
    }));
    (void)co_await a;
    // Task B now waits on it: it must replace A's waker, or it would never be woken.
    auto b = spawn(co_invoke([delay]() -> Task<void> {
      co_await poll_fn([&](Context& cx) { return delay->poll(cx); });
    }));
    (void)co_await b;
    co_return delay->waker_updates();
  }), 10s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 2);
}

TEST(WakerContractTest, WakeBeforePollIsNotLost) {
  // The delay fires before the second poll: the second poll must see it ready.
  Runtime rt = Builder::current_thread().build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> {
    Delay d(1ms);
    co_await poll_fn([&](Context& cx) -> Poll<void> {
      (void)d.poll(cx);
      return Ready();
    });
    std::this_thread::sleep_for(20ms);  // the thread fires and wakes us while we run
    co_await d;
  }), 10s);
  EXPECT_TRUE(r.ok()) << r;
}

TEST(WakerContractTest, ForgottenWakerIsDetectedNotHung) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> {
    // Returns Pending without storing the waker: the contract is broken.
    co_await poll_fn([](Context&) -> Poll<void> { return kPending; });
  }), 100ms);
  EXPECT_TRUE(absl::IsDeadlineExceeded(r)) << r;
  EXPECT_NE(std::string(r.message()).find("did not complete in time"), std::string::npos);
}

}  // namespace
}  // namespace corio
