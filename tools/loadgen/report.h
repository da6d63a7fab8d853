// What the load generator prints: the live status line, the per-second stats-file line,
// the closing summary and the closing JSON object. Pure formatting (tested on its own).
#pragma once

#include <string>

#include "tools/loadgen/config.h"
#include "tools/loadgen/runner.h"

namespace corio::loadgen {

// "[  3.0s]  152340 ops/s  p50 0.301 ms  p99 0.612 ms  errors 0  conns 50"
std::string live_line(const Progress& p);

// One JSON object per line (the --stats-file format):
// {"t":3.001,"requests":N,"errors":E,"ops_per_sec":R,"p50_us":..,"p99_us":..,
//  "connections":C,"final":false}
// requests and errors count since the start; ops_per_sec and the percentiles cover the
// interval since the previous line.
std::string stats_line(const Progress& p);

// The human summary: totals, throughput, the latency percentile table (HDR-style), the
// errors by kind and the first error seen.
std::string summary_text(const RunResult& r, const LoadgenConfig& config, const Workload& workload);

// Exactly {"requests":N,"errors":E,"secs":S,"ops_per_sec":R,
//          "latency_us":{"p50":..,"p90":..,"p99":..,"p999":..,"max":..}}
std::string result_json(const RunResult& r);

}  // namespace corio::loadgen
