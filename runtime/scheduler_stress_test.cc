// Scheduler stress: many tasks waking each other across workers, from foreign threads,
// with aborts. Built against both queue sizes (the 4-slot build overflows and steals
// constantly).
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "runtime/combinators.h"
#include "runtime/runtime.h"
#include "runtime/test_util.h"

namespace corio {
namespace {

using namespace std::chrono_literals;

class SchedulerStress : public ::testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(Workers, SchedulerStress, ::testing::Values(1, 2, 4));

Task<int> fib(int n) {
  if (n < 2) co_return n;
  auto a = spawn(fib(n - 1));
  int b = co_await fib(n - 2);
  co_return *co_await a + b;
}

TEST_P(SchedulerStress, ForkJoinFibonacci) {
  Runtime rt = Builder::multi_thread().worker_threads(GetParam()).build();
  auto r = rt.block_on_for(fib(20), 60s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 6765);
}

TEST_P(SchedulerStress, PingPongAcrossWorkers) {
  Runtime rt = Builder::multi_thread().worker_threads(GetParam()).build();
  constexpr int kPairs = 200;
  constexpr int kRounds = 50;
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    std::vector<JoinHandle<int>> hs;
    for (int p = 0; p < kPairs; ++p) {
      hs.push_back(spawn(co_invoke([]() -> Task<int> {
        int total = 0;
        for (int i = 0; i < kRounds; ++i) {
          auto flag = std::make_shared<testing::Flag>();
          spawn(co_invoke([flag]() -> Task<void> {
            flag->set();
            co_return;
          }));
          co_await testing::WaitFlag{flag.get()};
          ++total;
        }
        co_return total;
      })));
    }
    int sum = 0;
    for (auto& h : hs) sum += *co_await h;
    co_return sum;
  }), 60s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, kPairs * kRounds);
}

TEST_P(SchedulerStress, ForeignThreadWakesAndAborts) {
  Runtime rt = Builder::multi_thread().worker_threads(GetParam()).build();
  constexpr int kTasks = 2000;
  std::vector<std::shared_ptr<testing::Flag>> flags;
  for (int i = 0; i < kTasks; ++i) flags.push_back(std::make_shared<testing::Flag>());
  std::vector<JoinHandle<int>> handles;
  for (int i = 0; i < kTasks; ++i) {
    handles.push_back(rt.spawn(co_invoke([f = flags[i]]() -> Task<int> {
      co_await testing::WaitFlag{f.get()};
      co_await yield_now();
      co_return 1;
    })));
  }
  std::thread waker([&] {
    for (int i = 0; i < kTasks; i += 2) flags[i]->set();
  });
  for (int i = 1; i < kTasks; i += 2) handles[i].abort();
  waker.join();
  auto r = rt.block_on_for(co_invoke([&]() -> Task<std::pair<int, int>> {
    int ok = 0, cancelled = 0;
    for (auto& h : handles) {
      auto v = co_await h;
      if (v.ok()) {
        ++ok;
      } else if (absl::IsCancelled(v.status())) {
        ++cancelled;
      }
    }
    co_return std::make_pair(ok, cancelled);
  }), 60s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->first, kTasks / 2);
  EXPECT_EQ(r->second, kTasks / 2);
}

TEST_P(SchedulerStress, NestedSelectUnderLoad) {
  Runtime rt = Builder::multi_thread().worker_threads(GetParam()).build();
  auto r = rt.block_on_for(co_invoke([]() -> Task<int> {
    std::vector<JoinHandle<int>> hs;
    for (int i = 0; i < 500; ++i) {
      hs.push_back(spawn(co_invoke([]() -> Task<int> {
        testing::Flag never;
        auto inner = [&]() -> Task<int> {
          auto r = co_await select(
              co_invoke([&]() -> Task<int> {
                co_await testing::WaitFlag{&never};
                co_return 0;
              }),
              co_invoke([]() -> Task<int> {
                co_await yield_now();
                co_return 1;
              }));
          co_return r.index() == 1 ? 1 : 0;
        };
        auto outer = co_await select(inner(), co_invoke([&]() -> Task<int> {
          co_await testing::WaitFlag{&never};
          co_return 0;
        }));
        co_return std::get<0>(outer);
      })));
    }
    int sum = 0;
    for (auto& h : hs) sum += *co_await h;
    co_return sum;
  }), 60s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 500);
}

}  // namespace
}  // namespace corio
