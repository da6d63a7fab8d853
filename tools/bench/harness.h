// Benchmark harness: runs a workload after a warm-up, `reps` times, and prints one JSON
// line per workload on stdout:
//   {"peer":"ours","bench":NAME,"unit":UNIT,"ops":N,"secs":BEST,"ops_per_sec":BEST_RATE,
//    "median_secs":..,"median_ops_per_sec":..,"cpu_secs":MEDIAN_CPU,"reps_secs":[..],
//    "workers":2}
// secs/ops_per_sec are the best repetition; the peers' scripts report medians too, so both
// are printed. cpu_secs is the process's user+system CPU time per repetition (median).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace corio::bench {

struct Options {
  std::string suite;
  std::vector<std::string> filters;  // substrings; empty = every workload
  int warmup = 1;
  int reps = 5;

  bool wants(const std::string& name) const;
};

void run_and_report(const Options& options, const std::string& name, const std::string& unit,
                    const std::function<uint64_t()>& workload);

// Process CPU time (user + system), seconds.
double process_cpu_secs();
// VmRSS of this process, bytes.
uint64_t rss_bytes();

}  // namespace corio::bench
