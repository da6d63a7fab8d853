// --suite=time: the timer workloads. `timers` has the shape of the Tokio/Go peers
// (shared/peers/runtime): 1,000 tasks x 1,000 sleeps of 1-50 ms, all registered before
// any fires, then awaited in order. `timer_cancel` registers and cancels sleeps.
// `timer_lateness` fires 100,000 timers on the real clock and prints how late they were.
#include "tools/bench/time_suite.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/runtime.h"
#include "runtime/time/sleep.h"
#include "tools/bench/bench_util.h"

namespace corio::bench {
namespace {

constexpr size_t kWorkers = 2;
constexpr int kTimerTasks = 1'000;
constexpr int kTimersPerTask = 1'000;
constexpr int kCancelPairs = 1'000'000;
constexpr int kLatenessTasks = 1'000;
constexpr int kLatenessPerTask = 100;

Runtime make_runtime() {
  return Builder::multi_thread().worker_threads(kWorkers).enable_time().build();
}

// The peers' generator: xorshift seeded by task index.
uint64_t next_rand(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

Task<void> timer_task(int t, Latch* latch) {
  uint64_t rng = static_cast<uint64_t>(t) * 0x9E3779B97F4A7C15ull + 1;
  std::vector<std::unique_ptr<time::Sleep>> sleeps;
  sleeps.reserve(kTimersPerTask);
  for (int i = 0; i < kTimersPerTask; ++i) {
    sleeps.push_back(std::make_unique<time::Sleep>(
        time::now() + std::chrono::milliseconds(1 + next_rand(rng) % 50)));
  }
  co_await poll_fn([&](Context& cx) -> Poll<void> {
    for (auto& s : sleeps) (void)s->poll(cx);
    return Ready();
  });
  for (auto& s : sleeps) co_await *s;
  latch->count_down();
}

uint64_t timers(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    Latch latch(kTimerTasks);
    for (int t = 0; t < kTimerTasks; ++t) spawn(timer_task(t, &latch));
    co_await latch.wait();
  }));
  return uint64_t{kTimerTasks} * kTimersPerTask;
}

uint64_t timer_cancel(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    time::Instant base = time::now();
    co_await poll_fn([&](Context& cx) -> Poll<void> {
      for (int i = 0; i < kCancelPairs; ++i) {
        time::Sleep s(base + std::chrono::milliseconds(10 + i % 5000));
        (void)s.poll(cx);  // registers; the destructor cancels
      }
      return Ready();
    });
  }));
  return kCancelPairs;
}

void timer_lateness(const Options& options) {
  Runtime rt = make_runtime();
  std::mutex mu;
  std::vector<int64_t> late_us;
  late_us.reserve(kLatenessTasks * kLatenessPerTask);
  run_spawned(rt, co_invoke([&]() -> Task<void> {
    Latch latch(kLatenessTasks);
    for (int t = 0; t < kLatenessTasks; ++t) {
      spawn(co_invoke([&, t]() -> Task<void> {
        uint64_t rng = static_cast<uint64_t>(t) + 17;
        std::vector<int64_t> mine;
        for (int i = 0; i < kLatenessPerTask; ++i) {
          auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::microseconds(1000 + next_rand(rng) % 49000);
          co_await time::sleep_until(deadline);
          mine.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - deadline)
                             .count());
        }
        {
          std::lock_guard<std::mutex> lock(mu);
          late_us.insert(late_us.end(), mine.begin(), mine.end());
        }
        latch.count_down();
      }));
    }
    co_await latch.wait();
  }));
  std::sort(late_us.begin(), late_us.end());
  auto pct = [&](double p) { return late_us[static_cast<size_t>(p * (late_us.size() - 1))]; };
  std::printf(
      "{\"peer\":\"ours\",\"bench\":\"timer_lateness\",\"timers\":%zu,\"min_us\":%lld,"
      "\"p50_us\":%lld,\"p99_us\":%lld,\"max_us\":%lld,\"workers\":%zu}\n",
      late_us.size(), static_cast<long long>(late_us.front()),
      static_cast<long long>(pct(0.5)), static_cast<long long>(pct(0.99)),
      static_cast<long long>(late_us.back()), kWorkers);
  std::fflush(stdout);
}

}  // namespace

void run_time_suite(const Options& options) {
  Runtime rt = make_runtime();
  if (options.wants("timers")) run_and_report(options, "timers", "timers", [&] { return timers(rt); });
  if (options.wants("timer_cancel")) {
    run_and_report(options, "timer_cancel", "insert_cancel_pairs", [&] { return timer_cancel(rt); });
  }
  if (options.wants("timer_lateness")) timer_lateness(options);
}

}  // namespace corio::bench
