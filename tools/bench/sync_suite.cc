// --suite=sync: channel and synchronization workloads. The first three have the shapes and
// sizes of the Tokio peers (shared/peers/runtime: mpsc_contention_bounded,
// mpsc_uncontended_bounded, oneshot_roundtrip); the others have no peer figure yet.
// As in the peers, the driver code runs in a spawned task, so all work is on the workers.
#include "tools/bench/sync_suite.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "runtime/runtime.h"
#include "sync/broadcast.h"
#include "sync/mpsc.h"
#include "sync/notify.h"
#include "sync/oneshot.h"
#include "sync/semaphore.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/harness.h"

namespace corio::bench {
namespace {

constexpr size_t kWorkers = 2;

// Sizes: keep identical to the peers (shared/peers/runtime).
constexpr int kMpscProducers = 5;
constexpr int kMpscPerProducer = 100'000;
constexpr size_t kMpscCapacity = 1'000;
constexpr int kMpscUncontended = 1'000'000;
constexpr int kOneshots = 1'000'000;
// No peer figure for these.
constexpr int kSemaphoreAcquires = 1'000'000;
constexpr int kNotifyRoundTrips = 200'000;
constexpr int kFanoutReceivers = 16;
constexpr size_t kFanoutCapacity = 1'024;
constexpr int kFanoutBatch = 256;  // the sender waits for every receiver after each batch
constexpr int kFanoutBatches = 400;

Runtime make_runtime() { return Builder::multi_thread().worker_threads(kWorkers).build(); }

// Keeps the optimizer from dropping a computed value.
void keep(uint64_t v) {
  static std::atomic<uint64_t> sink{0};
  // Ordering: relaxed; a sink.
  sink.fetch_add(v, std::memory_order_relaxed);
}

Task<void> mpsc_producer(sync::mpsc::Sender<uint64_t> tx, int count) {
  for (int i = 0; i < count; ++i) {
    auto failed = co_await tx.send(static_cast<uint64_t>(i));
    if (failed) std::abort();
  }
}

uint64_t mpsc_contention_bounded(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    auto [tx, rx] = sync::mpsc::channel<uint64_t>(kMpscCapacity);
    for (int p = 0; p < kMpscProducers; ++p) spawn(mpsc_producer(tx, kMpscPerProducer));
    uint64_t sum = 0;
    for (int i = 0; i < kMpscProducers * kMpscPerProducer; ++i) sum += *co_await rx.recv();
    keep(sum);
  }));
  return uint64_t{kMpscProducers} * kMpscPerProducer;
}

uint64_t mpsc_uncontended_bounded(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    auto [tx, rx] = sync::mpsc::channel<uint64_t>(kMpscCapacity);
    spawn(mpsc_producer(std::move(tx), kMpscUncontended));
    uint64_t sum = 0;
    for (int i = 0; i < kMpscUncontended; ++i) sum += *co_await rx.recv();
    keep(sum);
  }));
  return kMpscUncontended;
}

uint64_t oneshot_roundtrip(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    uint64_t sum = 0;
    for (int i = 0; i < kOneshots; ++i) {
      auto [tx, rx] = sync::oneshot::channel<uint64_t>();
      if (tx.send(static_cast<uint64_t>(i))) std::abort();
      sum += *co_await rx;
    }
    keep(sum);
  }));
  return kOneshots;
}

// One task acquires and drops a permit of a free semaphore, over and over.
uint64_t semaphore_uncontended(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    sync::Semaphore sem(10);
    uint64_t n = 0;
    for (int i = 0; i < kSemaphoreAcquires; ++i) {
      auto permit = co_await sem.acquire(1);
      n += permit->num_permits();
    }
    keep(n);
  }));
  return kSemaphoreAcquires;
}

// Two tasks bounce a notification back and forth through two Notify objects.
uint64_t notify_ping_pong(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    auto ping = std::make_shared<sync::Notify>();
    auto pong = std::make_shared<sync::Notify>();
    auto responder = spawn(co_invoke([ping, pong]() -> Task<void> {
      for (int i = 0; i < kNotifyRoundTrips; ++i) {
        co_await ping->notified();
        pong->notify_one();
      }
    }));
    for (int i = 0; i < kNotifyRoundTrips; ++i) {
      ping->notify_one();
      co_await pong->notified();
    }
    (void)co_await responder;
  }));
  return kNotifyRoundTrips;
}

// One sender, 16 receivers; every receiver gets every value. The sender sends a batch of
// 256 (a quarter of the ring), then waits until every receiver has taken the whole batch,
// so nobody lags and every value is delivered 16 times.
uint64_t broadcast_fanout(Runtime& rt) {
  run_spawned(rt, co_invoke([]() -> Task<void> {
    auto [tx, rx0] = sync::broadcast::channel<uint64_t>(kFanoutCapacity);
    std::atomic<int> pending{kFanoutReceivers};
    sync::Notify batch_done;
    std::vector<JoinHandle<void>> receivers;
    for (int r = 0; r < kFanoutReceivers; ++r) {
      receivers.push_back(spawn(co_invoke([&, rx = tx.subscribe()]() mutable -> Task<void> {
        uint64_t sum = 0;
        for (int b = 0; b < kFanoutBatches; ++b) {
          for (int i = 0; i < kFanoutBatch; ++i) {
            auto v = co_await rx.recv();
            if (!v.ok()) std::abort();  // no lag, no close expected
            sum += *v;
          }
          // Ordering: acq_rel; the last receiver's notify follows everyone's receipt.
          if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) batch_done.notify_one();
        }
        keep(sum);
      })));
    }
    { auto unused = std::move(rx0); }
    uint64_t v = 0;
    for (int b = 0; b < kFanoutBatches; ++b) {
      for (int i = 0; i < kFanoutBatch; ++i) {
        if (tx.send(v++)) std::abort();
      }
      co_await batch_done.notified();
      // Ordering: relaxed; no receiver counts down again before it has the next batch,
      // which is sent after this store (the channel orders the two).
      pending.store(kFanoutReceivers, std::memory_order_relaxed);
    }
    for (auto& h : receivers) (void)co_await h;
  }));
  return uint64_t{kFanoutBatches} * kFanoutBatch * kFanoutReceivers;
}

}  // namespace

void run_sync_suite(const Options& options) {
  auto workload = [&](const char* name, const char* unit, uint64_t (*fn)(Runtime&)) {
    if (!options.wants(name)) return;
    Runtime rt = make_runtime();
    run_and_report(options, name, unit, [&] { return fn(rt); });
  };
  workload("mpsc_contention_bounded", "msgs", mpsc_contention_bounded);
  workload("mpsc_uncontended_bounded", "msgs", mpsc_uncontended_bounded);
  workload("oneshot_roundtrip", "oneshots", oneshot_roundtrip);
  workload("semaphore_uncontended", "acquires", semaphore_uncontended);
  workload("notify_ping_pong", "round_trips", notify_ping_pong);
  workload("broadcast_fanout", "deliveries", broadcast_fanout);
}

}  // namespace corio::bench
