#include "redis/cycle_clock.h"

namespace corio::redis {
namespace {

struct Origin {
  uint64_t ticks = CycleClock::now();
  std::chrono::steady_clock::time_point time = std::chrono::steady_clock::now();
};

// Taken at static initialisation, before any command runs.
const Origin origin;

}  // namespace

uint64_t CycleClock::to_usec(uint64_t ticks) {
  uint64_t elapsed_ticks = now() - origin.ticks;
  auto elapsed_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - origin.time)
                        .count();
  if (elapsed_ns < 1'000'000 || elapsed_ticks == 0) return 0;
  double usec_per_tick = static_cast<double>(elapsed_ns) / 1e3 / static_cast<double>(elapsed_ticks);
  return static_cast<uint64_t>(static_cast<double>(ticks) * usec_per_tick);
}

}  // namespace corio::redis
