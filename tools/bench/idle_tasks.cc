// idle_task_bytes: RSS per parked task (see runtime_suite.h).
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "runtime/runtime.h"
#include "sync/oneshot.h"
#include "tools/bench/runtime_suite.h"

namespace corio::bench {
namespace {

constexpr int kIdleTasks = 1'000'000;
std::atomic<int> parked{0};

Task<void> park_on_oneshot() {
  auto [tx, rx] = sync::oneshot::channel<int>();
  parked.fetch_add(1, std::memory_order_relaxed);
  (void)co_await rx;  // never sent: we hold the sender
}

struct Never {
  Poll<void> poll(Context&) { return kPending; }
};

Task<void> park_forever() {
  parked.fetch_add(1, std::memory_order_relaxed);
  co_await Never{};
}

}  // namespace

void run_idle_tasks(const char* variant) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  rt.block_on(co_invoke([]() -> Task<void> { co_return; }));  // runtime warmed up
  bool oneshot = std::strcmp(variant, "pending") != 0;
  uint64_t before = rss_bytes();
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kIdleTasks; ++i) rt.spawn(oneshot ? park_on_oneshot() : park_forever());
  while (parked.load(std::memory_order_relaxed) < kIdleTasks) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  uint64_t after = rss_bytes();
  std::printf(
      "{\"peer\":\"ours\",\"bench\":\"idle_tasks_%s\",\"tasks\":%d,\"rss_before\":%lu,"
      "\"rss_after\":%lu,\"bytes_per_task\":%.1f,\"spawn_park_secs\":%.3f,\"workers\":2}\n",
      oneshot ? "oneshot" : "pending", kIdleTasks, before, after,
      (static_cast<double>(after) - static_cast<double>(before)) / kIdleTasks, secs);
  std::fflush(stdout);
  _exit(0);  // skip destroying a million tasks
}

}  // namespace corio::bench
