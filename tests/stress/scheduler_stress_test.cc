// Scheduler stress: seeded random task programs (stress_env.h explains seeds and replay).
//
// Each task body draws a few actions from its own seed: yield, spawn a child and await it,
// abort it, or detach it, wait for a wake from a foreign thread, have a foreign thread
// abort a child or spawn one through a Handle, race children in nested selects, join
// them, sleep, spawn bursts. Every body returns a value determined by its seed, so an
// awaited child's value checks that no task ran twice or returned another's result. Every
// body counts its start and (in a destructor) its end, so aborted tasks, select losers and
// tasks destroyed by shutdown must all have run their destructors by the end.
//
// Runs on each flavour of runtime_flavors.h.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "runtime/combinators.h"
#include "runtime/runtime.h"
#include "runtime/test_util.h"
#include "runtime/time/sleep.h"
#include "tests/stress/foreign_thread.h"
#include "tests/stress/runtime_flavors.h"
#include "tests/stress/stress_env.h"

namespace corio::stress {
namespace {

using namespace std::chrono_literals;

enum Action : int {
  kYield,
  kSpawnAndAwait,
  kSpawnAndAbort,
  kSpawnDetached,
  kForeignWake,
  kForeignAbort,
  kForeignSpawn,
  kNestedSelect,
  kJoin,
  kSleep,
  kSpawnBurst,
  kActionCount,
};

constexpr int kMaxDepth = 12;

uint64_t expected_value(uint64_t seed) { return seed * 0x9E3779B97F4A7C15ULL + 7; }

// Shared by every task of one run. Outlives the runtime (tasks destroyed at shutdown
// still count their end here).
struct World {
  World(uint64_t seed, int64_t body_budget) : foreign(seed), bodies_left(body_budget) {}

  // Reserves one more task body; false once the run's budget is spent.
  bool take_body() { return bodies_left.fetch_sub(1, std::memory_order_relaxed) > 0; }

  ForeignThread foreign;
  std::atomic<int64_t> bodies_left;
  std::atomic<int64_t> started{0};
  std::atomic<int64_t> completed{0};
  std::atomic<int64_t> ended{0};
  std::atomic<int64_t> wrong_values{0};
  std::atomic<int64_t> aborts_observed{0};
  std::atomic<int> live_locals{0};
  std::array<std::atomic<int64_t>, kActionCount> actions{};
};

// Counts a body's end however it ends: completion, abort, select loss or shutdown.
struct EndOfBody {
  World* world;
  ~EndOfBody() { world->ended.fetch_add(1, std::memory_order_relaxed); }
};

void check_value(World* w, const absl::StatusOr<uint64_t>& got, uint64_t child_seed,
                 bool may_be_cancelled) {
  if (got.ok() && *got == expected_value(child_seed)) return;
  if (!got.ok() && may_be_cancelled && got.status().code() == absl::StatusCode::kCancelled) {
    w->aborts_observed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  w->wrong_values.fetch_add(1, std::memory_order_relaxed);
}

void check_value(World* w, uint64_t got, uint64_t child_seed) {
  if (got != expected_value(child_seed)) w->wrong_values.fetch_add(1, std::memory_order_relaxed);
}

Task<uint64_t> chaos_task(World* w, uint64_t seed, int depth);

// The action a body does when it may not create more bodies.
Task<void> cheap_action(Rng& rng) { co_await yield_times(static_cast<int>(pick(rng, 1, 3))); }

Task<void> do_action(World* w, Rng& rng, Action action, int depth) {
  const uint64_t a = rng();
  const uint64_t b = rng();
  const bool can_grow = depth < kMaxDepth;
  switch (action) {
    case kYield:
      co_await cheap_action(rng);
      break;
    case kSpawnAndAwait: {
      if (!can_grow || !w->take_body()) break;
      auto handle = spawn(chaos_task(w, a, depth + 1));
      auto got = co_await handle;
      check_value(w, got, a, false);
      break;
    }
    case kSpawnAndAbort: {
      if (!can_grow || !w->take_body()) break;
      auto handle = spawn(chaos_task(w, a, depth + 1));
      co_await yield_times(static_cast<int>(pick(rng, 0, 2)));
      handle.abort();
      auto got = co_await handle;
      check_value(w, got, a, true);
      break;
    }
    case kSpawnDetached: {
      if (!can_grow || !w->take_body()) break;
      auto handle = spawn(chaos_task(w, a, depth + 1));
      break;  // dropping the handle detaches the task
    }
    case kForeignWake: {
      auto flag = std::make_shared<testing::Flag>();
      w->foreign.post([flag] { flag->set(); });
      co_await testing::WaitFlag{flag.get()};
      break;
    }
    case kForeignAbort: {
      if (!can_grow || !w->take_body()) break;
      // The handle moves to the foreign thread, which aborts the task and drops the
      // handle there: the task may be running, queued or waiting at that moment.
      auto handle = std::make_shared<JoinHandle<uint64_t>>(spawn(chaos_task(w, a, depth + 1)));
      w->foreign.post([handle] { handle->abort(); });
      break;
    }
    case kForeignSpawn: {
      if (!can_grow || !w->take_body()) break;
      auto spawned = std::make_shared<testing::Flag>();
      w->foreign.post([runtime = Handle::current(), w, a, depth, spawned] {
        auto handle = runtime.spawn(chaos_task(w, a, depth + 1));
        spawned->set();
      });
      co_await testing::WaitFlag{spawned.get()};
      break;
    }
    case kNestedSelect: {
      if (!can_grow || !w->take_body()) break;
      if (!w->take_body()) break;
      // The losers are destroyed where they stand: mid-body, holding children.
      auto outer = co_await select(
          chaos_task(w, a, depth + 1),
          select(yield_times(static_cast<int>(pick(rng, 0, 4))), chaos_task(w, b, depth + 1)));
      if (outer.index() == 0) {
        check_value(w, std::get<0>(outer), a);
      } else if (auto& inner = std::get<1>(outer); inner.index() == 1) {
        check_value(w, std::get<1>(inner), b);
      }
      break;
    }
    case kJoin: {
      if (!can_grow || !w->take_body()) break;
      if (!w->take_body()) break;
      auto [x, y] = co_await join(chaos_task(w, a, depth + 1), chaos_task(w, b, depth + 1));
      check_value(w, x, a);
      check_value(w, y, b);
      break;
    }
    case kSleep: {
      auto nap = time::sleep(std::chrono::microseconds(pick(rng, 0, 300)));
      co_await nap;
      break;
    }
    case kSpawnBurst: {
      if (!can_grow) break;
      std::vector<std::pair<uint64_t, JoinHandle<uint64_t>>> children;
      int n = static_cast<int>(pick(rng, 2, 16));
      for (int i = 0; i < n && w->take_body(); ++i) {
        uint64_t s = rng();
        children.emplace_back(s, spawn(chaos_task(w, s, depth + 1)));
      }
      // Abort a random few, then await all (in reverse order of spawning).
      for (auto& [s, h] : children) {
        if (one_in(rng, 4)) h.abort();
      }
      for (auto it = children.rbegin(); it != children.rend(); ++it) {
        auto got = co_await it->second;
        check_value(w, got, it->first, true);
      }
      break;
    }
    case kActionCount:
      break;
  }
}

Task<uint64_t> chaos_task(World* w, uint64_t seed, int depth) {
  w->started.fetch_add(1, std::memory_order_relaxed);
  EndOfBody end{w};
  testing::DropCounter local(&w->live_locals);
  Rng rng(seed);
  const int steps = static_cast<int>(pick(rng, 1, 5));
  for (int s = 0; s < steps; ++s) {
    auto action = static_cast<Action>(pick(rng, 0, kActionCount - 1));
    w->actions[action].fetch_add(1, std::memory_order_relaxed);
    co_await do_action(w, rng, action, depth);
  }
  w->completed.fetch_add(1, std::memory_order_relaxed);
  co_return expected_value(seed);
}

// Spawns `roots` chaos trees and awaits them.
Task<void> run_forest(World* w, uint64_t seed, int roots) {
  Rng rng(seed);
  std::vector<std::pair<uint64_t, JoinHandle<uint64_t>>> trees;
  for (int i = 0; i < roots; ++i) {
    uint64_t s = rng();
    trees.emplace_back(s, spawn(chaos_task(w, s, 0)));
  }
  for (auto& [s, h] : trees) {
    auto got = co_await h;
    check_value(w, got, s, false);
  }
}

// Detached and foreign-aborted tasks may still be running once the roots are done.
Task<void> wait_until_every_body_ended(World* w) {
  while (w->ended.load() != w->started.load() || w->foreign.executed() == 0) {
    co_await time::sleep(200us);
  }
}

std::string counts(const World& w) {
  std::string out = "started=" + std::to_string(w.started.load()) +
                    " completed=" + std::to_string(w.completed.load()) +
                    " ended=" + std::to_string(w.ended.load()) +
                    " aborts_observed=" + std::to_string(w.aborts_observed.load()) + " actions:";
  for (const auto& a : w.actions) out += " " + std::to_string(a.load());
  return out;
}

class SchedulerStress : public StressTest {};

INSTANTIATE_TEST_SUITE_P(Flavors, SchedulerStress, ::testing::ValuesIn(all_flavors()),
                         flavor_name);

TEST_P(SchedulerStress, RandomTaskProgramsRunToTheEnd) {
  auto w = std::make_unique<World>(seed(1), scaled(30000));
  {
    Runtime rt = build_runtime(GetParam(), seed(2));
    auto forest = rt.block_on_for(run_forest(w.get(), seed(3), 16), hang_deadline());
    ASSERT_TRUE(forest.ok()) << "the task forest hung: " << counts(*w);
    auto settled = rt.block_on_for(wait_until_every_body_ended(w.get()), hang_deadline());
    ASSERT_TRUE(settled.ok()) << "detached tasks never finished: " << counts(*w);
  }
  EXPECT_EQ(w->wrong_values.load(), 0) << counts(*w);
  EXPECT_EQ(w->started.load(), w->ended.load()) << counts(*w);
  EXPECT_EQ(w->live_locals.load(), 0) << counts(*w);
  // The budget was spent, and every kind of action happened: the run tested something.
  EXPECT_LE(w->bodies_left.load(), 0) << counts(*w);
  for (int a = 0; a < kActionCount; ++a) EXPECT_GT(w->actions[a].load(), 0) << "action " << a;
  EXPECT_LT(w->completed.load(), w->started.load()) << "nothing was ever cancelled";
}

TEST_P(SchedulerStress, ShutdownInTheMiddleDestroysEveryPendingTask) {
  auto w = std::make_unique<World>(seed(1), scaled(4000));
  {
    Runtime rt = build_runtime(GetParam(), seed(2));
    // Start a forest and walk away from it after a random short while.
    Rng rng(seed(3));
    auto forest = rt.spawn(run_forest(w.get(), seed(4), 16));
    auto stop_after = std::chrono::microseconds(pick(rng, 0, 20000));
    auto r = rt.block_on_for(co_invoke([stop_after]() -> Task<void> {
      co_await time::sleep(stop_after);
    }), hang_deadline());
    ASSERT_TRUE(r.ok());
  }  // shutdown: every task still queued or waiting is destroyed here
  EXPECT_EQ(w->wrong_values.load(), 0) << counts(*w);
  EXPECT_EQ(w->started.load(), w->ended.load()) << counts(*w);
  EXPECT_EQ(w->live_locals.load(), 0) << counts(*w);
}

// Leaves spawned from inside the runtime (by several spawner tasks) and from a foreign
// thread at once; some yield first. All complete; each counts once.
Task<void> leaf(std::atomic<int64_t>* done, bool yield_first) {
  if (yield_first) co_await yield_now();
  done->fetch_add(1, std::memory_order_relaxed);
}

Task<void> spawner(std::atomic<int64_t>* done, int64_t count, uint64_t seed) {
  Rng rng(seed);
  std::vector<JoinHandle<void>> handles;
  handles.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) handles.push_back(spawn(leaf(done, one_in(rng, 8))));
  for (auto& h : handles) {
    auto r = co_await h;
    if (!r.ok()) co_return;  // counted as missing below
  }
}

TEST_P(SchedulerStress, AMillionTasksFromInsideAndOutside) {
  const int64_t total = scaled(1'000'000);
  const int64_t from_outside = total / 10;
  const int kSpawners = 4;
  const int64_t per_spawner = (total - from_outside) / kSpawners;
  std::atomic<int64_t> done{0};
  Runtime rt = build_runtime(GetParam(), seed(1));
  std::vector<JoinHandle<void>> outside;
  outside.reserve(static_cast<size_t>(from_outside));
  std::thread foreign([&] {
    Handle handle = rt.handle();
    for (int64_t i = 0; i < from_outside; ++i) outside.push_back(handle.spawn(leaf(&done, i % 3 == 0)));
  });
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> spawners;
    for (int i = 0; i < kSpawners; ++i) spawners.push_back(spawn(spawner(&done, per_spawner, seed(10 + i))));
    co_await join_all(std::move(spawners));
  }), hang_deadline());
  foreign.join();
  ASSERT_TRUE(r.ok()) << "spawners hung with " << done.load() << " leaves done";
  auto rest = rt.block_on_for(co_invoke([&]() -> Task<void> {
    co_await join_all(std::move(outside));
  }), hang_deadline());
  ASSERT_TRUE(rest.ok()) << "leaves spawned from outside hung: " << done.load() << " done";
  EXPECT_EQ(done.load(), per_spawner * kSpawners + from_outside);
}

}  // namespace
}  // namespace corio::stress
