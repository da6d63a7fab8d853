// run_load: a whole load generator run. Starts config.threads LoadThreads (connections
// and --requests split evenly between them), collects their results once a second for
// the live status, and merges everything at the end.
//
//   RunResult r = run_load(config, workload, address, [](const Progress& p) { ... },
//                          &interrupted);
//
// Threads: call from one thread (the reporter); it blocks until the run ends. `on_second`
// runs on that thread, once per elapsed second, and once more (final = true) at the end.
// `interrupt` (SIGINT) may be set by a signal handler: the run then ends as if its
// deadline had passed.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "net/socket_addr.h"
#include "tools/loadgen/config.h"
#include "tools/loadgen/histogram.h"
#include "tools/loadgen/load_thread.h"
#include "tools/loadgen/workload.h"

namespace corio::loadgen {

// One second (or the last, partial one) of the run.
struct Progress {
  double elapsed_secs = 0;
  double interval_secs = 0;
  Tally interval;  // during this interval
  Tally total;     // since the start
  const LatencyHistogram* interval_latency = nullptr;
  int live_connections = 0;
  bool final = false;
};

struct RunResult {
  Tally tally;
  LatencyHistogram latency;
  double secs = 0;          // from the start to the last reply (or to the end, if none)
  std::string first_error;  // empty if no error
  int gave_up = 0;          // connections that stopped reconnecting
  bool failed_fast = false;
  bool interrupted = false;
  // The run ended before its work was done because every connection gave up.
  bool incomplete = false;
  double ops_per_sec() const { return secs > 0 ? tally.requests / secs : 0; }
};

RunResult run_load(const LoadgenConfig& config, const Workload& workload,
                   const net::SocketAddr& address,
                   const std::function<void(const Progress&)>& on_second,
                   const std::atomic<bool>* interrupt);

}  // namespace corio::loadgen
