// The runtime configurations every stress suite runs under: the current-thread scheduler
// picking tasks in a seeded random order, and the multi-thread scheduler with 1, 2, 4 and
// 8 workers (more workers than cores: preemption in the middle of steals and parks).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/runtime.h"

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

}  // namespace corio::stress
