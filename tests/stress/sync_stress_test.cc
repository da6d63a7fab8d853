// Sync stress: the channels and locks under random cancellation (stress_env.h explains
// seeds and replay).
//
// Every waiting operation is raced in a select against a canceller that gives up after a
// random number of yields or microseconds (or never), so it is destroyed at every await
// point the schedule happens to reach. The invariants are the sync contract's: no value
// lost or duplicated, per-sender order kept, permits conserved, mutual exclusion held,
// broadcast lag counted exactly, no lost wake-up (a lost one hangs, and the hang deadline
// turns that into a failure).
//
// Runs on each flavour of runtime_flavors.h.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/combinators.h"
#include "runtime/runtime.h"
#include "runtime/time/sleep.h"
#include "sync/broadcast.h"
#include "sync/mpsc.h"
#include "sync/mutex.h"
#include "sync/notify.h"
#include "sync/oneshot.h"
#include "sync/rwlock.h"
#include "sync/semaphore.h"
#include "tests/stress/runtime_flavors.h"
#include "tests/stress/stress_env.h"

namespace corio::stress {
namespace {

using namespace std::chrono_literals;
using namespace corio::sync;

// When a raced operation is given up: after some yields, after a short sleep, or (rarely
// cancelled) after an hour.
struct CancelPlan {
  int yields = 0;
  int sleep_us = -1;
  bool never = false;
};

CancelPlan random_plan(Rng& rng) {
  CancelPlan plan;
  switch (pick(rng, 0, 3)) {
    case 0: plan.never = true; break;
    case 1: plan.sleep_us = static_cast<int>(pick(rng, 0, 100)); break;
    default: plan.yields = static_cast<int>(pick(rng, 0, 3)); break;
  }
  return plan;
}

Task<void> canceller(CancelPlan plan) {
  if (plan.never) {
    co_await time::sleep(1h);
  } else if (plan.sleep_us >= 0) {
    co_await time::sleep(std::chrono::microseconds(plan.sleep_us));
  } else {
    co_await yield_times(plan.yields);
  }
}

// Races `op` against a canceller drawn from `rng`: the op's output, or std::nullopt when the
// canceller won (`op` was then destroyed where it stood; `cancels`, if given, counts it).
template <Future F>
Task<std::optional<FutureOutput<F>>> unless_cancelled(F op, Rng& rng,
                                                      std::atomic<int64_t>* cancels = nullptr) {
  auto raced = co_await select(std::move(op), canceller(random_plan(rng)));
  if (raced.index() == 1) {
    if (cancels != nullptr) cancels->fetch_add(1, std::memory_order_relaxed);
    co_return std::nullopt;
  }
  co_return std::move(std::get<0>(raced));
}

class SyncStress : public StressTest {};

INSTANTIATE_TEST_SUITE_P(Flavors, SyncStress, ::testing::ValuesIn(all_flavors()), flavor_name);

// ---------------------------------------------------------------------------------------
// mpsc: producers on workers and on a plain thread; a consumer that is cancelled mid-recv,
// retires at random and is aborted at random, each time replaced by a new one.

uint64_t encode(uint32_t producer, uint32_t seq) { return (uint64_t{producer} << 32) | seq; }

struct MpscRun {
  explicit MpscRun(size_t producers) : next_seq(producers, 0) {}
  // Consumer side: touched by one consumer at a time (each generation is joined before
  // the next starts).
  std::vector<uint32_t> next_seq;
  int64_t received = 0;
  int64_t out_of_order = 0;
  int64_t target = 0;  // the consumer retires once it has received this many
  // Producer side.
  std::atomic<int64_t> send_cancels{0};
  std::atomic<int64_t> recv_cancels{0};
  std::atomic<int64_t> closed_errors{0};
  std::atomic<int64_t> permits_dropped{0};
};

void record(MpscRun* run, uint64_t value) {
  auto producer = static_cast<uint32_t>(value >> 32);
  auto seq = static_cast<uint32_t>(value);
  if (producer >= run->next_seq.size() || seq != run->next_seq[producer]) {
    ++run->out_of_order;
  } else {
    ++run->next_seq[producer];
  }
  ++run->received;
}

// Receives until the run's target is reached or the channel finishes (true), or until its
// own random quota runs out (false: replace me).
template <typename Rx>
Task<bool> mpsc_consumer(Rx* rx, MpscRun* run, uint64_t seed) {
  Rng rng(seed);
  for (int64_t quota = pick(rng, 20, 3000); quota > 0; --quota) {
    if (run->received == run->target) co_return true;
    auto received = co_await unless_cancelled(rx->recv(), rng, &run->recv_cancels);
    if (!received) continue;
    std::optional<uint64_t> value = *received;
    if (!value) co_return true;
    record(run, *value);
  }
  co_return false;
}

// Consumer generations until one reports the target reached; some are aborted midway.
template <typename Rx>
Task<void> consume_with_replacements(Rx* rx, MpscRun* run, uint64_t seed) {
  Rng rng(seed);
  for (;;) {
    auto consumer = spawn(mpsc_consumer(rx, run, rng()));
    if (one_in(rng, 3)) {
      co_await time::sleep(std::chrono::microseconds(pick(rng, 0, 500)));
      consumer.abort();
    }
    auto finished = co_await consumer;
    if (finished.ok() && *finished) co_return;
  }
}

Task<void> bounded_producer(mpsc::Sender<uint64_t> tx, uint32_t id, uint32_t count,
                            MpscRun* run, uint64_t seed) {
  Rng rng(seed);
  for (uint32_t seq = 0; seq < count;) {
    const uint64_t value = encode(id, seq);
    switch (pick(rng, 0, 3)) {
      case 0: {  // send, possibly cancelled while waiting for a slot
        auto sent = co_await unless_cancelled(tx.send(value), rng, &run->send_cancels);
        if (!sent) continue;
        if (sent->has_value()) {
          run->closed_errors.fetch_add(1);
          co_return;
        }
        ++seq;
        break;
      }
      case 1: {  // reserve, possibly cancelled; the permit is sometimes dropped unused
        auto reserved = co_await unless_cancelled(tx.reserve(), rng, &run->send_cancels);
        if (!reserved) continue;
        auto permit = std::move(*reserved);
        if (!permit.ok()) {
          run->closed_errors.fetch_add(1);
          co_return;
        }
        if (one_in(rng, 6)) {
          run->permits_dropped.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        co_await yield_times(static_cast<int>(pick(rng, 0, 1)));
        permit->send(value);
        ++seq;
        break;
      }
      case 2: {  // try_send, backing off while full
        auto failed = tx.try_send(value);
        if (!failed) {
          ++seq;
        } else if (failed->kind == mpsc::TrySendErrorKind::kClosed) {
          run->closed_errors.fetch_add(1);
          co_return;
        } else {
          co_await yield_now();
        }
        break;
      }
      default: {
        auto failed = co_await tx.send(value);
        if (failed) {
          run->closed_errors.fetch_add(1);
          co_return;
        }
        ++seq;
        break;
      }
    }
  }
}

std::string mpsc_counts(const MpscRun& run) {
  return "received=" + std::to_string(run.received) +
         " out_of_order=" + std::to_string(run.out_of_order) +
         " send_cancels=" + std::to_string(run.send_cancels.load()) +
         " recv_cancels=" + std::to_string(run.recv_cancels.load()) +
         " permits_dropped=" + std::to_string(run.permits_dropped.load());
}

TEST_P(SyncStress, BoundedMpscLosesNothingUnderCancellation) {
  Rng rng(seed());
  const size_t capacity = static_cast<size_t>(pick(rng, 1, 16));
  constexpr uint32_t kTaskProducers = 4;
  const auto per_producer = static_cast<uint32_t>(scaled(15000));
  const uint32_t thread_producer = kTaskProducers;  // the last id: a plain thread
  MpscRun run(kTaskProducers + 1);
  run.target = int64_t{per_producer} * (kTaskProducers + 1);
  auto [tx, rx] = mpsc::channel<uint64_t>(capacity);
  Runtime rt = runtime();

  std::thread outside([&, tx = tx] {
    for (uint32_t seq = 0; seq < per_producer; ++seq) {
      if (tx.blocking_send(encode(thread_producer, seq))) {
        run.closed_errors.fetch_add(1);
        return;
      }
    }
  });
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> producers;
    for (uint32_t id = 0; id < kTaskProducers; ++id) {
      producers.push_back(spawn(bounded_producer(tx, id, per_producer, &run, rng())));
    }
    co_await consume_with_replacements(&rx, &run, rng());
    co_await join_all(std::move(producers));
  }), hang_deadline());
  outside.join();
  ASSERT_TRUE(r.ok()) << "hung: " << mpsc_counts(run) << " capacity=" << capacity;
  EXPECT_EQ(run.out_of_order, 0) << mpsc_counts(run);
  EXPECT_EQ(run.received, run.target) << mpsc_counts(run);
  EXPECT_EQ(run.closed_errors.load(), 0);
  EXPECT_GT(run.send_cancels.load() + run.recv_cancels.load(), 0) << "nothing was cancelled";

  // Every slot is free again: exactly `capacity` values fit, the next is refused.
  for (size_t i = 0; i < capacity; ++i) {
    EXPECT_FALSE(tx.try_send(encode(0, per_producer + static_cast<uint32_t>(i))).has_value())
        << "slot " << i << " of " << capacity << " was never given back";
  }
  auto full = tx.try_send(0);
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->kind, mpsc::TrySendErrorKind::kFull);
  // With the last sender gone the receiver drains the probes, then sees the end.
  { auto last = std::move(tx); }
  size_t drained = 0;
  while (rx.blocking_recv().has_value()) ++drained;
  EXPECT_EQ(drained, capacity);
}

Task<void> unbounded_producer(mpsc::UnboundedSender<uint64_t> tx, uint32_t id, uint32_t count,
                              MpscRun* run, uint64_t seed) {
  Rng rng(seed);
  for (uint32_t seq = 0; seq < count; ++seq) {
    if (tx.send(encode(id, seq))) {
      run->closed_errors.fetch_add(1);
      co_return;
    }
    if (one_in(rng, 16)) co_await yield_now();
  }
}

TEST_P(SyncStress, UnboundedMpscLosesNothingUnderCancellation) {
  Rng rng(seed());
  constexpr uint32_t kProducers = 4;
  const auto per_producer = static_cast<uint32_t>(scaled(10000));
  MpscRun run(kProducers);
  run.target = -1;  // run until the channel finishes
  Runtime rt = runtime();
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto [tx, rx] = mpsc::unbounded_channel<uint64_t>();
    std::vector<JoinHandle<void>> producers;
    for (uint32_t id = 0; id < kProducers; ++id) {
      producers.push_back(spawn(unbounded_producer(tx, id, per_producer, &run, rng())));
    }
    { auto last = std::move(tx); }  // the producers hold the remaining senders
    co_await consume_with_replacements(&rx, &run, rng());
    co_await join_all(std::move(producers));
  }), hang_deadline());
  ASSERT_TRUE(r.ok()) << "hung: " << mpsc_counts(run);
  EXPECT_EQ(run.out_of_order, 0) << mpsc_counts(run);
  EXPECT_EQ(run.received, int64_t{per_producer} * kProducers) << mpsc_counts(run);
  EXPECT_EQ(run.closed_errors.load(), 0);
}

// ---------------------------------------------------------------------------------------
// oneshot: senders that send late or never, receivers cancelled mid-await (and retrying),
// receivers that give up and drop (the sender must get its value back).

struct OneshotRun {
  std::atomic<int64_t> delivered{0};
  std::atomic<int64_t> closed_seen{0};
  std::atomic<int64_t> returned_to_sender{0};
  std::atomic<int64_t> receivers_gave_up{0};
  std::atomic<int64_t> wrong{0};
};

struct ReceiveByRef {
  oneshot::Receiver<uint64_t>* rx;
  Poll<absl::StatusOr<uint64_t>> poll(Context& cx) { return rx->poll(cx); }
};

Task<void> oneshot_sender(oneshot::Sender<uint64_t> tx, uint64_t value, int yields,
                          bool drops_unsent, OneshotRun* run) {
  co_await yield_times(yields);
  if (drops_unsent) co_return;
  auto failed = tx.send(value);
  if (failed) {
    if (failed->value != value) run->wrong.fetch_add(1);
    run->returned_to_sender.fetch_add(1);
  }
}

Task<void> oneshot_receiver(oneshot::Receiver<uint64_t> rx, uint64_t value, bool sender_drops,
                            bool may_give_up, OneshotRun* run, uint64_t seed) {
  Rng rng(seed);
  for (;;) {
    auto received = co_await unless_cancelled(ReceiveByRef{&rx}, rng);
    if (!received) {
      if (may_give_up && one_in(rng, 2)) {
        run->receivers_gave_up.fetch_add(1);
        co_return;  // drops rx: a later send gets its value back
      }
      continue;  // the cancelled await left the channel usable: await again
    }
    absl::StatusOr<uint64_t> got = std::move(*received);
    if (got.ok() && !sender_drops && *got == value) {
      run->delivered.fetch_add(1);
    } else if (!got.ok() && sender_drops && got.status().code() == absl::StatusCode::kCancelled) {
      run->closed_seen.fetch_add(1);
    } else {
      run->wrong.fetch_add(1);
    }
    co_return;
  }
}

TEST_P(SyncStress, OneshotDeliversOrReportsEveryValueExactlyOnce) {
  Rng rng(seed());
  const int64_t pairs = scaled(8000);
  OneshotRun run;
  Runtime rt = runtime();
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    constexpr int64_t kWave = 200;
    for (int64_t start = 0; start < pairs; start += kWave) {
      std::vector<JoinHandle<void>> wave;
      for (int64_t i = start; i < std::min(pairs, start + kWave); ++i) {
        auto [tx, rx] = oneshot::channel<uint64_t>();
        const uint64_t value = rng();
        const bool drops = one_in(rng, 4);
        const bool may_give_up = one_in(rng, 5);
        const int yields = static_cast<int>(pick(rng, 0, 4));
        // Spawn order decides who runs first; both orders happen.
        if (one_in(rng, 2)) {
          wave.push_back(spawn(oneshot_sender(std::move(tx), value, yields, drops, &run)));
          wave.push_back(spawn(oneshot_receiver(std::move(rx), value, drops, may_give_up, &run, rng())));
        } else {
          wave.push_back(spawn(oneshot_receiver(std::move(rx), value, drops, may_give_up, &run, rng())));
          wave.push_back(spawn(oneshot_sender(std::move(tx), value, yields, drops, &run)));
        }
      }
      co_await join_all(std::move(wave));
    }
  }), hang_deadline());
  ASSERT_TRUE(r.ok()) << "hung after " << run.delivered.load() << " deliveries";
  EXPECT_EQ(run.wrong.load(), 0);
  // Every pair ended one way: delivered, seen closed, or the receiver gave up (then the
  // sender either got its value back or had dropped it unsent).
  EXPECT_EQ(run.delivered.load() + run.closed_seen.load() + run.receivers_gave_up.load(), pairs);
  EXPECT_LE(run.returned_to_sender.load(), run.receivers_gave_up.load());
  EXPECT_GT(run.closed_seen.load(), 0);
  EXPECT_GT(run.delivered.load(), 0);
}

// ---------------------------------------------------------------------------------------
// Semaphore: random-size acquires (borrowed and owned, the owned ones handed to another
// task), cancelled at random, beside a task making full-size acquires that are never
// cancelled: the fair queue must let it through (a starved one hangs the test).

struct SemaphoreRun {
  std::atomic<int64_t> in_use{0};
  std::atomic<int64_t> over_limit{0};
  std::atomic<int64_t> acquired{0};
  std::atomic<int64_t> cancels{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> holders_alive{0};
  std::atomic<int64_t> full_acquires_done{0};
};

void enter(SemaphoreRun* run, int64_t n, int64_t total) {
  if (run->in_use.fetch_add(n) + n > total) run->over_limit.fetch_add(1);
  run->acquired.fetch_add(1, std::memory_order_relaxed);
}

Task<void> hold_owned(OwnedSemaphorePermit permit, int yields, SemaphoreRun* run) {
  co_await yield_times(yields);
  run->in_use.fetch_sub(static_cast<int64_t>(permit.num_permits()));
  run->holders_alive.fetch_sub(1);
}  // the permit goes back here

Task<void> semaphore_user(std::shared_ptr<Semaphore> sem, int64_t total, int64_t rounds,
                          SemaphoreRun* run, uint64_t seed) {
  Rng rng(seed);
  for (int64_t i = 0; i < rounds; ++i) {
    const int64_t n = pick(rng, 1, total);
    if (one_in(rng, 5)) {
      auto acquired = co_await unless_cancelled(
          Semaphore::acquire_owned(sem, static_cast<size_t>(n)), rng, &run->cancels);
      if (!acquired) continue;
      auto permit = std::move(*acquired);
      if (!permit.ok()) {
        run->errors.fetch_add(1);
        continue;
      }
      enter(run, n, total);
      run->holders_alive.fetch_add(1);
      auto holder = spawn(hold_owned(std::move(*permit), static_cast<int>(pick(rng, 0, 3)), run));
      continue;  // detached: the holder gives the permits back on its own worker
    }
    auto acquired =
        co_await unless_cancelled(sem->acquire(static_cast<size_t>(n)), rng, &run->cancels);
    if (!acquired) continue;
    auto permit = std::move(*acquired);
    if (!permit.ok()) {
      run->errors.fetch_add(1);
      continue;
    }
    enter(run, n, total);
    co_await yield_times(static_cast<int>(pick(rng, 0, 2)));
    run->in_use.fetch_sub(n);
  }  // permit released at the end of each round
}

Task<void> full_size_acquirer(Semaphore* sem, int64_t total, int rounds, SemaphoreRun* run) {
  for (int i = 0; i < rounds; ++i) {
    auto permit = co_await sem->acquire(static_cast<size_t>(total));
    if (!permit.ok()) {
      run->errors.fetch_add(1);
      co_return;
    }
    enter(run, total, total);
    co_await yield_now();
    run->in_use.fetch_sub(total);
    run->full_acquires_done.fetch_add(1);
  }
}

TEST_P(SyncStress, SemaphoreConservesPermitsAndLetsLargeAcquiresThrough) {
  Rng rng(seed());
  const int64_t total = pick(rng, 2, 8);
  constexpr int kUsers = 12;
  constexpr int kFullRounds = 20;
  const int64_t rounds = scaled(1000);
  auto sem = std::make_shared<Semaphore>(static_cast<size_t>(total));
  SemaphoreRun run;
  Runtime rt = runtime();
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> users;
    for (int i = 0; i < kUsers; ++i) users.push_back(spawn(semaphore_user(sem, total, rounds, &run, rng())));
    users.push_back(spawn(full_size_acquirer(sem.get(), total, kFullRounds, &run)));
    co_await join_all(std::move(users));
    while (run.holders_alive.load() != 0) co_await yield_now();
  }), hang_deadline());
  ASSERT_TRUE(r.ok()) << "hung: acquired=" << run.acquired.load()
                      << " full=" << run.full_acquires_done.load() << " total=" << total;
  EXPECT_EQ(run.over_limit.load(), 0) << "more permits were out than exist";
  EXPECT_EQ(run.errors.load(), 0);
  EXPECT_EQ(run.full_acquires_done.load(), kFullRounds);
  EXPECT_EQ(sem->available_permits(), static_cast<size_t>(total)) << "permits leaked or doubled";
  EXPECT_GT(run.cancels.load(), 0) << "nothing was cancelled";
}

// ---------------------------------------------------------------------------------------
// Notify: producers (tasks and a plain thread) add work and notify_one; one consumer waits
// with notified(), cancelled at random. notify_one must never be lost: a stored permit
// or a woken waiter each time. The consumer's last waits are never cancelled, so a lost
// notification hangs it.

struct NotifyRun {
  std::atomic<int64_t> pending{0};
  std::atomic<int64_t> consumed{0};
  std::atomic<int64_t> cancels{0};
};

Task<void> notify_producer(Notify* notify, NotifyRun* run, int64_t count, uint64_t seed) {
  Rng rng(seed);
  for (int64_t i = 0; i < count; ++i) {
    run->pending.fetch_add(1);
    notify->notify_one();
    if (one_in(rng, 3)) co_await yield_times(static_cast<int>(pick(rng, 1, 3)));
  }
}

Task<void> notify_consumer(Notify* notify, NotifyRun* run, int64_t total, uint64_t seed) {
  Rng rng(seed);
  while (run->consumed.load() < total) {
    if (int64_t n = run->pending.exchange(0); n > 0) {
      run->consumed.fetch_add(n);
      continue;
    }
    if (one_in(rng, 2)) {
      co_await notify->notified();
      continue;
    }
    auto raced = co_await select(notify->notified(), canceller(random_plan(rng)));
    if (raced.index() == 1) run->cancels.fetch_add(1, std::memory_order_relaxed);
  }
}

TEST_P(SyncStress, NotifyOneIsNeverLost) {
  Rng rng(seed());
  constexpr int kTaskProducers = 3;
  const int64_t per_producer = scaled(10000);
  const int64_t total = per_producer * (kTaskProducers + 1);
  Notify notify;
  NotifyRun run;
  Runtime rt = runtime();
  std::thread outside([&] {
    for (int64_t i = 0; i < per_producer; ++i) {
      run.pending.fetch_add(1);
      notify.notify_one();
      if (i % 64 == 0) std::this_thread::yield();
    }
  });
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto consumer = spawn(notify_consumer(&notify, &run, total, rng()));
    std::vector<JoinHandle<void>> producers;
    for (int i = 0; i < kTaskProducers; ++i) {
      producers.push_back(spawn(notify_producer(&notify, &run, per_producer, rng())));
    }
    co_await join_all(std::move(producers));
    (void)co_await consumer;
  }), hang_deadline());
  outside.join();
  ASSERT_TRUE(r.ok()) << "a notification was lost: consumed " << run.consumed.load() << " of "
                      << total << ", " << run.pending.load() << " pending";
  EXPECT_EQ(run.consumed.load(), total);
}

// ---------------------------------------------------------------------------------------
// Mutex and RwLock: guards held across awaits by many tasks, lock requests cancelled at
// random; exclusion is checked by counters of holders, and the protected count equals
// the number of successful exclusive sections.

struct LockRun {
  std::atomic<int> writers{0};
  std::atomic<int> readers{0};
  std::atomic<int64_t> violations{0};
  std::atomic<int64_t> exclusive_sections{0};
  std::atomic<int64_t> shared_sections{0};
  std::atomic<int64_t> cancels{0};
};

// Holds exclusive access across awaits: nobody else inside (writers or readers), and the
// protected count goes up by one with a suspension between its read and its write.
template <typename Guard>
Task<void> exclusive_section(Guard& guard, LockRun* run, int hold) {
  if (run->writers.fetch_add(1) != 0 || run->readers.load() != 0) run->violations.fetch_add(1);
  int64_t before = *guard;
  co_await yield_times(hold);
  *guard = before + 1;
  run->writers.fetch_sub(1);
  run->exclusive_sections.fetch_add(1);
}

Task<void> mutex_user(Mutex<int64_t>* mutex, LockRun* run, int64_t rounds, uint64_t seed) {
  Rng rng(seed);
  for (int64_t i = 0; i < rounds; ++i) {
    auto guard = co_await unless_cancelled(mutex->lock(), rng, &run->cancels);
    if (guard) co_await exclusive_section(*guard, run, static_cast<int>(pick(rng, 0, 2)));
  }
}

TEST_P(SyncStress, MutexExcludesAcrossAwaitsUnderCancellation) {
  Rng rng(seed());
  constexpr int kTasks = 32;
  const int64_t rounds = scaled(400);
  Mutex<int64_t> mutex(0);
  LockRun run;
  Runtime rt = runtime();
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> users;
    for (int i = 0; i < kTasks; ++i) users.push_back(spawn(mutex_user(&mutex, &run, rounds, rng())));
    co_await join_all(std::move(users));
  }), hang_deadline());
  ASSERT_TRUE(r.ok()) << "hung after " << run.exclusive_sections.load() << " sections";
  EXPECT_EQ(run.violations.load(), 0);
  EXPECT_EQ(mutex.get_mut(), run.exclusive_sections.load()) << "an increment was lost";
  EXPECT_GT(run.cancels.load(), 0);
  EXPECT_TRUE(mutex.try_lock().has_value()) << "the lock was left held";
}

Task<void> rwlock_user(RwLock<int64_t>* lock, LockRun* run, int64_t rounds, uint64_t seed) {
  Rng rng(seed);
  for (int64_t i = 0; i < rounds; ++i) {
    const int hold = static_cast<int>(pick(rng, 0, 2));
    if (one_in(rng, 3)) {
      auto guard = co_await unless_cancelled(lock->write(), rng, &run->cancels);
      if (guard) co_await exclusive_section(*guard, run, hold);
    } else {
      auto guard = co_await unless_cancelled(lock->read(), rng, &run->cancels);
      if (!guard) continue;
      run->readers.fetch_add(1);
      if (run->writers.load() != 0) run->violations.fetch_add(1);
      co_await yield_times(hold);
      run->readers.fetch_sub(1);
      run->shared_sections.fetch_add(1);
    }
  }
}

TEST_P(SyncStress, RwLockExcludesWritersUnderCancellation) {
  Rng rng(seed());
  constexpr int kTasks = 24;
  const int64_t rounds = scaled(400);
  RwLock<int64_t> lock(0);
  LockRun run;
  Runtime rt = runtime();
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> users;
    for (int i = 0; i < kTasks; ++i) users.push_back(spawn(rwlock_user(&lock, &run, rounds, rng())));
    co_await join_all(std::move(users));
  }), hang_deadline());
  ASSERT_TRUE(r.ok()) << "hung after " << run.exclusive_sections.load() << " writes";
  EXPECT_EQ(run.violations.load(), 0);
  auto final_value = lock.try_write();
  ASSERT_TRUE(final_value.has_value()) << "the lock was left held";
  EXPECT_EQ(**final_value, run.exclusive_sections.load()) << "a write was lost";
  EXPECT_GT(run.shared_sections.load(), 0);
}

// ---------------------------------------------------------------------------------------
// broadcast: one sender, receivers that are slow, cancelled mid-recv, and lag. Each sees
// an increasing run of values where every gap is announced by exactly one Lagged(n) of
// the gap's size, then Closed after the last value.

struct BroadcastRun {
  std::atomic<int64_t> bad_sequences{0};
  std::atomic<int64_t> lagged_events{0};
  std::atomic<int64_t> receivers_at_end{0};
  std::atomic<int64_t> cancels{0};
};

Task<void> broadcast_sender(broadcast::Sender<uint64_t> tx, uint64_t count, uint64_t seed) {
  Rng rng(seed);
  for (uint64_t v = 0; v < count; ++v) {
    (void)tx.send(v);
    if (one_in(rng, 8)) co_await yield_times(static_cast<int>(pick(rng, 1, 2)));
  }
}  // dropping the sender closes the channel

Task<void> broadcast_receiver(broadcast::Receiver<uint64_t> rx, uint64_t count,
                              BroadcastRun* run, uint64_t seed) {
  Rng rng(seed);
  uint64_t expected = 0;
  const bool slow = one_in(rng, 2);
  for (;;) {
    if (slow && one_in(rng, 4)) co_await yield_times(static_cast<int>(pick(rng, 1, 6)));
    auto received = co_await unless_cancelled(rx.recv(), rng, &run->cancels);
    if (!received) continue;
    auto got = std::move(*received);
    if (got.ok()) {
      if (*got != expected) run->bad_sequences.fetch_add(1);
      expected = *got + 1;
      continue;
    }
    if (got.error().kind == broadcast::RecvErrorKind::kLagged) {
      run->lagged_events.fetch_add(1);
      expected += got.error().missed;
      continue;
    }
    if (expected == count) run->receivers_at_end.fetch_add(1);
    co_return;
  }
}

TEST_P(SyncStress, BroadcastReceiversSeeEveryValueOrItsLag) {
  Rng rng(seed());
  const size_t capacity = static_cast<size_t>(pick(rng, 1, 16));
  constexpr int kReceivers = 6;
  const auto count = static_cast<uint64_t>(scaled(15000));
  BroadcastRun run;
  Runtime rt = runtime();
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto [tx, first_rx] = broadcast::channel<uint64_t>(capacity);
    std::vector<JoinHandle<void>> receivers;
    receivers.push_back(spawn(broadcast_receiver(std::move(first_rx), count, &run, rng())));
    for (int i = 1; i < kReceivers; ++i) {
      receivers.push_back(spawn(broadcast_receiver(tx.subscribe(), count, &run, rng())));
    }
    auto sender = spawn(broadcast_sender(std::move(tx), count, rng()));
    (void)co_await sender;
    co_await join_all(std::move(receivers));
  }), hang_deadline());
  ASSERT_TRUE(r.ok()) << "a receiver hung";
  EXPECT_EQ(run.bad_sequences.load(), 0) << "capacity " << capacity;
  EXPECT_EQ(run.receivers_at_end.load(), kReceivers) << "a receiver missed the end";
}

}  // namespace
}  // namespace corio::stress
