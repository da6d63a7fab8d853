// CycleClock: a cheap monotonic tick counter for per-command timing (INFO commandstats).
//
// Timing every command with std::chrono::steady_clock cost two vDSO clock_gettime calls
// per command: 8% of the server's CPU under redis-benchmark -P 16. On x86-64 the tick is
// the TSC (`rdtsc`, a few ns; invariant on every CPU this runs on: constant_tsc and
// nonstop_tsc), elsewhere steady_clock's nanoseconds. Ticks are converted to microseconds
// only when a report is made, with a rate measured against steady_clock over the whole
// life of the process, so no start-up calibration pause is needed.
//
// Thread-safety: every function may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace corio::redis {

class CycleClock {
 public:
  static uint64_t now() {
#if defined(__x86_64__)
    return __rdtsc();
#else
    return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
  }

  // Converts a tick count to microseconds. Before the first millisecond of the process's
  // life the rate is not known well enough; nothing is reported then (0).
  static uint64_t to_usec(uint64_t ticks);
};

}  // namespace corio::redis
