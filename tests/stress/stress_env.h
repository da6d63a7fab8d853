// The seed and size of a stress run, and how to replay one.
//
// Every stress test draws all its random choices from seeds derived from one run seed, so
// a failing run is replayed exactly (up to thread timing) by giving the same seed:
//
//   tools/bazelw test //tests/stress:sync_stress_test --test_arg=--seed=1234
//   CORIO_STRESS_SEED=1234 bazel-bin/tests/stress/sync_stress_test
//
// Without one, the seed comes from std::random_device, so every CI run explores new
// schedules. The seed is printed at the start and again, with the replay command, after
// any failing test (stress_main.cc).
//
// Long mode (`--long` or CORIO_STRESS_LONG=1) multiplies every workload by
// kLongModeFactor and allows proportionally more time; the default is sized to finish
// well under a minute per binary under ThreadSanitizer on two cores.
//
// Thread-safety: configured once by main() before any test runs; read-only afterwards.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string_view>

namespace corio::stress {

inline constexpr int kLongModeFactor = 20;

// Parses and removes --seed=N and --long from argv; reads the environment variables.
void configure(int& argc, char** argv);

uint64_t run_seed();
bool long_mode();

// `n` in the default mode, n * kLongModeFactor in long mode.
int64_t scaled(int64_t n);
// How long a workload may take before the test calls it a hang.
std::chrono::seconds hang_deadline();

// A seed for one test (and one stream within it), derived from the run seed and stable
// across runs with the same seed.
uint64_t seed_for(std::string_view test_name, uint64_t stream = 0);

// The random source the suites use: fast, seedable, and the same on every platform.
using Rng = std::mt19937_64;

// A uniform integer in [lo, hi].
inline int64_t pick(Rng& rng, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
}
// True with probability 1/n.
inline bool one_in(Rng& rng, int n) { return rng() % static_cast<uint64_t>(n) == 0; }

}  // namespace corio::stress
