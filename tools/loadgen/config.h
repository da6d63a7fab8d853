// LoadgenConfig: everything a load generator run needs, as the command line gave it, with
// the checks and defaults that make it runnable (validate()).
//
// Modes:
//  - closed loop (no --rate): each connection sends a batch of --pipeline requests in one
//    write, waits for every reply, and sends the next batch at once (as redis-benchmark
//    -P does). Latency of a request: from its batch's write to the read that brought its
//    reply. With --batch_latency every request of a batch gets the latency of the batch's
//    first reply instead: redis-benchmark's definition (it timestamps the first read event
//    of a batch and records that for all its replies), for comparing figures with it. The
//    two differ only with --pipeline > 1, in the tail, where a batch's replies arrive in
//    more than one read.
//  - open loop (--rate R): requests are due at a fixed total rate, spread evenly over the
//    connections, whatever the server does; --pipeline caps the requests outstanding on a
//    connection. Latency is measured from the time a request was due (intended), not from
//    when it could be sent, so a stalled server shows as the latency every request due
//    during the stall saw (no coordinated omission, as wrk2 and HdrHistogram teach).
// The run ends after --requests N replies or --duration S seconds (whichever comes first
// when both are given; --requests 100000 when neither is).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "tools/loadgen/key_chooser.h"
#include "tools/loadgen/workload.h"

namespace corio::loadgen {

struct LoadgenConfig {
  // Where: TCP host and port, or a Unix socket path (which wins when set).
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string socket;

  int connections = 50;
  int pipeline = 1;
  int threads = 1;

  uint64_t requests = 0;     // 0: not bounded by count
  double duration_secs = 0;  // 0: not bounded by time
  double rate = 0;           // total requests per second; 0: closed loop
  bool batch_latency = false;  // closed loop: a batch's replies share its first reply's latency

  WorkloadOptions workload;
  KeyPattern key_pattern = KeyPattern::kUniform;
  double zipf_exponent = 0.99;
  uint64_t seed = 1;

  bool json = false;       // one JSON object on stdout at the end
  bool quiet = false;      // no live status line
  bool fail_fast = false;  // stop at the first error, exit 1
  std::string stats_file;  // one JSON line per second written here (report.h)
  // Consecutive failed connection attempts after which a connection gives up.
  int reconnect_attempts = 10;
};

// Checks ranges and fills defaults (requests = 100000 when neither --requests nor
// --duration is given; workload.pipeline from pipeline). InvalidArgument naming the flag.
absl::Status validate(LoadgenConfig& config);

}  // namespace corio::loadgen
