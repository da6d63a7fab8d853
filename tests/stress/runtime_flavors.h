// The runtime configurations every stress suite runs under: the current-thread scheduler
// picking tasks in a seeded random order, and the multi-thread scheduler with 1, 2, 4 and
// 8 workers (more workers than cores: preemption in the middle of steals and parks); the
// fixture the suites share, and small task helpers.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/runtime.h"
#include "tests/stress/stress_env.h"

namespace corio::stress {

struct RuntimeFlavor {
  std::string name;  // a gtest parameter name
  int workers;       // 0: current-thread with random order
};

inline std::vector<RuntimeFlavor> all_flavors() {
  return {{"CurrentThreadRandomOrder", 0}, {"Workers1", 1}, {"Workers2", 2},
          {"Workers4", 4}, {"Workers8", 8}};
}

inline Runtime build_runtime(const RuntimeFlavor& flavor, uint64_t seed) {
  Builder b = flavor.workers == 0 ? Builder::current_thread().random_order_seed(seed)
                                  : Builder::multi_thread()
                                        .worker_threads(static_cast<size_t>(flavor.workers))
                                        .rng_seed(seed);
  return b.enable_time().build();
}

inline std::string flavor_name(const ::testing::TestParamInfo<RuntimeFlavor>& info) {
  return info.param.name;
}

// Base of the suites parametrized by flavour: the running test's seeds and its runtime.
class StressTest : public ::testing::TestWithParam<RuntimeFlavor> {
 protected:
  // Stream `stream` of the running test's seed (stable for a given run seed).
  uint64_t seed(uint64_t stream = 0) const {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return seed_for(std::string(info->test_suite_name()) + "." + info->name(), stream);
  }
  Runtime runtime() const { return build_runtime(GetParam(), seed(1000)); }
};

inline Task<void> yield_times(int n) {
  for (int i = 0; i < n; ++i) co_await yield_now();
}

// Awaits every handle (their results are the caller's business through shared state).
inline Task<void> join_all(std::vector<JoinHandle<void>> handles) {
  for (auto& h : handles) (void)co_await h;
}

}  // namespace corio::stress
