// --suite=runtime: the workloads of the shared peer benchmarks (Tokio, Go), same shapes and
// sizes, written the way a user of corio would write them; plus fork-join workloads.
#include "tools/bench/runtime_suite.h"

#include <atomic>
#include <cstdint>
#include <memory>

#include "runtime/runtime.h"
#include "sync/notify.h"
#include "sync/oneshot.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/harness.h"

namespace corio::bench {
namespace {

constexpr size_t kWorkers = 2;

// Sizes: keep identical to the peers (shared/peers/runtime).
constexpr int kNumSpawn = 10'000;
constexpr int kSpawnBatches = 100;
constexpr int kYieldTasks = 200;
constexpr int kNumYield = 1'000;
constexpr int kYieldIters = 10;
constexpr int kPingPongPairs = 1'000;
constexpr int kPingPongRounds = 10;
constexpr int kPingPongIters = 50;
constexpr int kChainLength = 1'000;
constexpr int kChainIters = 500;

Runtime make_runtime() { return Builder::multi_thread().worker_threads(kWorkers).build(); }


Task<void> count_down(Latch* latch) {
  latch->count_down();
  co_return;
}

uint64_t spawn_many_local(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    for (int b = 0; b < kSpawnBatches; ++b) {
      Latch latch(kNumSpawn);
      for (int i = 0; i < kNumSpawn; ++i) spawn(count_down(&latch));
      co_await latch.wait();
    }
  }));
  return uint64_t{kSpawnBatches} * kNumSpawn;
}

uint64_t spawn_many_remote_idle(Runtime& rt) {
  Handle handle = rt.handle();
  for (int b = 0; b < kSpawnBatches; ++b) {
    Latch latch(kNumSpawn);
    for (int i = 0; i < kNumSpawn; ++i) handle.spawn(count_down(&latch));
    rt.block_on(co_invoke([&]() -> Task<void> { co_await latch.wait(); }));
  }
  return uint64_t{kSpawnBatches} * kNumSpawn;
}

Task<void> yield_loop(Latch* latch) {
  for (int i = 0; i < kNumYield; ++i) co_await yield_now();
  latch->count_down();
}

uint64_t yield_many(Runtime& rt) {
  for (int it = 0; it < kYieldIters; ++it) {
    Latch latch(kYieldTasks);
    for (int t = 0; t < kYieldTasks; ++t) rt.spawn(yield_loop(&latch));
    rt.block_on(co_invoke([&]() -> Task<void> { co_await latch.wait(); }));
  }
  return uint64_t{kYieldIters} * kYieldTasks * kNumYield;
}

// A persistent pair bounces a message through fresh oneshots: each Ping carries the
// Sender for the reply, each Pong the Sender for the next Ping.
struct Pong;
struct Ping {
  explicit Ping(sync::oneshot::Sender<Pong> r) : reply(std::move(r)) {}
  sync::oneshot::Sender<Pong> reply;
};
struct Pong {
  explicit Pong(sync::oneshot::Sender<Ping> n) : next(std::move(n)) {}
  sync::oneshot::Sender<Ping> next;
};

Task<void> pong_side(sync::oneshot::Receiver<Ping> rx, Latch* latch) {
  for (;;) {
    auto ping = co_await rx;
    if (!ping.ok()) break;  // the pinger dropped its sender: done
    auto [next_tx, next_rx] = sync::oneshot::channel<Ping>();
    if (ping->reply.send(Pong(std::move(next_tx))).has_value()) break;
    rx = std::move(next_rx);
  }
  latch->count_down();
}

Task<void> ping_side(Latch* latch) {
  auto [tx0, rx0] = sync::oneshot::channel<Ping>();
  spawn(pong_side(std::move(rx0), latch));
  sync::oneshot::Sender<Ping> tx = std::move(tx0);
  for (int i = 0; i < kPingPongRounds; ++i) {
    auto [reply_tx, reply_rx] = sync::oneshot::channel<Pong>();
    if (tx.send(Ping(std::move(reply_tx))).has_value()) std::abort();
    auto pong = co_await reply_rx;
    tx = std::move(pong->next);
  }
  tx = {};  // the pong side sees its channel closed and exits
  latch->count_down();
}

uint64_t ping_pong(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    for (int it = 0; it < kPingPongIters; ++it) {
      Latch latch(2 * kPingPongPairs);
      for (int p = 0; p < kPingPongPairs; ++p) spawn(ping_side(&latch));
      co_await latch.wait();
    }
  }));
  return uint64_t{kPingPongIters} * kPingPongPairs * kPingPongRounds;
}

Task<void> chain(sync::oneshot::Sender<int> done, int n) {
  if (n == 0) {
    (void)done.send(0);
  } else {
    spawn(chain(std::move(done), n - 1));
  }
  co_return;
}

uint64_t chained_spawn(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    for (int it = 0; it < kChainIters; ++it) {
      auto [tx, rx] = sync::oneshot::channel<int>();
      spawn(chain(std::move(tx), kChainLength));
      (void)co_await rx;
    }
  }));
  return uint64_t{kChainIters} * kChainLength;
}

// --- fork-join, one task per call, no serial cutoff -------------------------------------

Task<uint64_t> fib(int n) {
  if (n < 2) co_return n;
  auto left = spawn(fib(n - 1));
  uint64_t right = co_await fib(n - 2);
  co_return *co_await left + right;
}

Task<uint64_t> skynet(uint64_t num, uint64_t size) {
  if (size == 1) co_return num;
  uint64_t step = size / 10;
  JoinHandle<uint64_t> children[10];
  for (uint64_t i = 0; i < 10; ++i) children[i] = spawn(skynet(num + i * step, step));
  uint64_t sum = 0;
  for (auto& child : children) sum += *co_await child;
  co_return sum;
}

Task<uint64_t> nqueens(int n, int row, uint32_t cols, uint32_t diag1, uint32_t diag2) {
  if (row == n) co_return 1;
  JoinHandle<uint64_t> children[32];
  int count = 0;
  for (int c = 0; c < n; ++c) {
    uint32_t d1 = 1u << (row + c);
    uint32_t d2 = 1u << (row - c + n - 1);
    if ((cols & (1u << c)) || (diag1 & d1) || (diag2 & d2)) continue;
    children[count++] = spawn(nqueens(n, row + 1, cols | (1u << c), diag1 | d1, diag2 | d2));
  }
  uint64_t solutions = 0;
  for (int i = 0; i < count; ++i) solutions += *co_await children[i];
  co_return solutions;
}

}  // namespace

void run_runtime_suite(const Options& options) {
  auto workload = [&](const char* name, const char* unit, uint64_t (*fn)(Runtime&)) {
    if (!options.wants(name)) return;
    Runtime rt = make_runtime();
    run_and_report(options, name, unit, [&] { return fn(rt); });
  };
  workload("spawn_many_local", "tasks", spawn_many_local);
  workload("spawn_many_remote_idle", "tasks", spawn_many_remote_idle);
  workload("yield_many", "yields", yield_many);
  workload("ping_pong", "round_trips", ping_pong);
  workload("chained_spawn", "tasks", chained_spawn);

  if (options.wants("fib")) {
    Runtime rt = make_runtime();
    run_and_report(options, "fib", "calls", [&] {
      uint64_t v = run_spawned(rt, fib(39));
      if (v != 63245986) std::abort();
      return uint64_t{204668309};  // calls of fib(39): 2 * fib(40) - 1
    });
  }
  if (options.wants("skynet")) {
    Runtime rt = make_runtime();
    run_and_report(options, "skynet", "tasks", [&] {
      uint64_t v = run_spawned(rt, skynet(0, 100'000'000));
      if (v != 4999999950000000ull) std::abort();
      return uint64_t{111111111};  // 1 + 10 + ... + 10^8
    });
  }
  if (options.wants("nqueens")) {
    Runtime rt = make_runtime();
    run_and_report(options, "nqueens", "solutions", [&] {
      uint64_t v = run_spawned(rt, nqueens(14, 0, 0, 0, 0));
      if (v != 365596) std::abort();
      return v;
    });
  }
}

}  // namespace corio::bench
