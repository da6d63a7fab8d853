// //tools:bench: benchmark runner (not a test). Build it optimized:
//   tools/bazelw run -c opt //tools:bench -- --suite=runtime|time|net|sync [--filter=ping,fib] [--reps=5]
//   tools/bazelw build -c opt //tools:bench //redis:server && bazel-bin/tools/bench --suite=client
//   tools/bazelw run -c opt //tools:bench -- --idle=oneshot|pending
// Prints one JSON line per workload (see tools/bench/harness.h).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "tools/bench/client_suite.h"
#include "tools/bench/harness.h"
#include "tools/bench/net_suite.h"
#include "tools/bench/runtime_suite.h"
#include "tools/bench/sync_suite.h"
#include "tools/bench/time_suite.h"

ABSL_FLAG(std::string, suite, "runtime", "Benchmark suite: runtime, time, net, sync, client.");
ABSL_FLAG(std::string, filter, "", "Comma-separated substrings of workload names to run.");
ABSL_FLAG(int, reps, 5, "Measured repetitions per workload (after one warm-up).");
ABSL_FLAG(std::string, idle, "", "Measure RSS per idle task instead: oneshot or pending.");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (std::string idle = absl::GetFlag(FLAGS_idle); !idle.empty()) {
    corio::bench::run_idle_tasks(idle.c_str());
  }
  corio::bench::Options options;
  options.suite = absl::GetFlag(FLAGS_suite);
  options.reps = absl::GetFlag(FLAGS_reps);
  for (absl::string_view f : absl::StrSplit(absl::GetFlag(FLAGS_filter), ',', absl::SkipEmpty())) {
    options.filters.emplace_back(f);
  }
  if (options.suite == "runtime") {
    corio::bench::run_runtime_suite(options);
    return 0;
  }
  if (options.suite == "time") {
    corio::bench::run_time_suite(options);
    return 0;
  }
  if (options.suite == "net") {
    corio::bench::run_net_suite(options);
    return 0;
  }
  if (options.suite == "sync") {
    corio::bench::run_sync_suite(options);
    return 0;
  }
  if (options.suite == "client") {
    corio::bench::run_client_suite(options);
    return 0;
  }
  std::fprintf(stderr, "bench: unknown --suite=%s (available: runtime, time, net, sync, client)\n",
               options.suite.c_str());
  return 2;
}
