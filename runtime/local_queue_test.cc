// LocalQueue semantics. Queues are heap-allocated: they are 64-byte aligned, which ASAN's
// fake stack frames do not honour.
// Built twice: with 256 slots and with 4 (CORIO_SMALL_LOCAL_QUEUE).
#include "runtime/local_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "runtime/injector.h"

namespace corio::internal {
namespace {

constexpr uint32_t kCap = LocalQueue::kCapacity;

// Fake tasks: only their addresses matter.
std::vector<TaskHeader> make_tasks(size_t n) { return std::vector<TaskHeader>(n); }

TEST(LocalQueueTest, PopsInFifoOrder) {
  auto owned_q = std::make_unique<LocalQueue>();
  LocalQueue& q = *owned_q;
  Injector inj;
  auto tasks = make_tasks(kCap);
  for (auto& t : tasks) EXPECT_FALSE(q.push_back(&t, inj));
  EXPECT_EQ(q.len(), kCap);
  for (auto& t : tasks) EXPECT_EQ(q.pop(), &t);
  EXPECT_EQ(q.pop(), nullptr);
}

TEST(LocalQueueTest, WrapsAroundManyTimes) {
  auto owned_q = std::make_unique<LocalQueue>();
  LocalQueue& q = *owned_q;
  Injector inj;
  auto tasks = make_tasks(3);
  for (int round = 0; round < 1000; ++round) {
    for (auto& t : tasks) ASSERT_FALSE(q.push_back(&t, inj));
    for (auto& t : tasks) ASSERT_EQ(q.pop(), &t);
  }
  EXPECT_TRUE(q.is_empty());
  EXPECT_TRUE(inj.is_empty());
}

TEST(LocalQueueTest, OverflowMovesHalfPlusOneToInjector) {
  auto owned_q = std::make_unique<LocalQueue>();
  LocalQueue& q = *owned_q;
  Injector inj;
  auto tasks = make_tasks(kCap + 1);
  for (uint32_t i = 0; i < kCap; ++i) ASSERT_FALSE(q.push_back(&tasks[i], inj));
  EXPECT_TRUE(q.push_back(&tasks[kCap], inj));
  EXPECT_EQ(inj.len(), kCap / 2 + 1);
  EXPECT_EQ(q.len(), kCap / 2);
  // The oldest half went to the injector, in order, followed by the new task.
  for (uint32_t i = 0; i < kCap / 2; ++i) EXPECT_EQ(inj.pop(), &tasks[i]);
  EXPECT_EQ(inj.pop(), &tasks[kCap]);
  for (uint32_t i = kCap / 2; i < kCap; ++i) EXPECT_EQ(q.pop(), &tasks[i]);
}

TEST(LocalQueueTest, StealTakesHalf) {
  auto owned_src = std::make_unique<LocalQueue>();
  auto owned_dst = std::make_unique<LocalQueue>();
  LocalQueue& src = *owned_src;
  LocalQueue& dst = *owned_dst;
  Injector inj;
  auto tasks = make_tasks(kCap);
  for (auto& t : tasks) ASSERT_FALSE(src.push_back(&t, inj));
  uint32_t stolen = 0;
  TaskHeader* first = src.steal_into(dst, stolen);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(stolen, kCap - kCap / 2);
  EXPECT_EQ(dst.len(), stolen - 1);  // one is returned to run at once
  EXPECT_EQ(src.len(), kCap - stolen);
}

TEST(LocalQueueTest, ConcurrentStealNeverLosesOrDuplicatesATask) {
  constexpr int kTasks = 200000;
  auto tasks = make_tasks(kTasks);
  auto owned_owner_q = std::make_unique<LocalQueue>();
  LocalQueue& owner_q = *owned_owner_q;
  Injector inj;
  constexpr int kThieves = 3;
  std::vector<std::vector<TaskHeader*>> got(kThieves + 1);
  std::atomic<bool> done{false};
  std::vector<std::thread> thieves;
  for (int t = 0; t < kThieves; ++t) {
    thieves.emplace_back([&, t] {
      auto owned_mine = std::make_unique<LocalQueue>();
      LocalQueue& mine = *owned_mine;
      while (!done.load(std::memory_order_acquire) || !owner_q.is_empty()) {
        uint32_t stolen = 0;
        if (TaskHeader* task = owner_q.steal_into(mine, stolen)) {
          got[t].push_back(task);
          while (TaskHeader* more = mine.pop()) got[t].push_back(more);
        }
      }
    });
  }
  for (int i = 0; i < kTasks; ++i) {
    (void)owner_q.push_back(&tasks[i], inj);
    if (i % 3 == 0) {
      if (TaskHeader* task = owner_q.pop()) got[kThieves].push_back(task);
    }
  }
  while (TaskHeader* task = owner_q.pop()) got[kThieves].push_back(task);
  done.store(true, std::memory_order_release);
  for (auto& th : thieves) th.join();
  while (TaskHeader* task = inj.pop()) got[kThieves].push_back(task);
  std::set<TaskHeader*> seen;
  size_t total = 0;
  for (auto& v : got) {
    for (TaskHeader* task : v) {
      EXPECT_TRUE(seen.insert(task).second) << "duplicated task";
      ++total;
    }
  }
  EXPECT_EQ(total, static_cast<size_t>(kTasks));
}

}  // namespace
}  // namespace corio::internal
