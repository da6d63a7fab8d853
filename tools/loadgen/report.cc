#include "tools/loadgen/report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace corio::loadgen {
namespace {

double us(uint64_t ns) { return static_cast<double>(ns) / 1e3; }
double ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

double rate(uint64_t n, double secs) { return secs > 0 ? static_cast<double>(n) / secs : 0; }

}  // namespace

std::string live_line(const Progress& p) {
  const LatencyHistogram& h = *p.interval_latency;
  std::string latency = h.empty() ? std::string("p50 -  p99 -")
                                  : absl::StrFormat("p50 %.3f ms  p99 %.3f ms",
                                                    ms(h.percentile(50)), ms(h.percentile(99)));
  return absl::StrFormat("[%6.1fs] %9.0f ops/s  %s  errors %d  conns %d", p.elapsed_secs,
                         rate(p.interval.requests, p.interval_secs), latency, p.total.errors(),
                         p.live_connections);
}

std::string stats_line(const Progress& p) {
  const LatencyHistogram& h = *p.interval_latency;
  return absl::StrFormat(
      "{\"t\":%.3f,\"requests\":%d,\"errors\":%d,\"ops_per_sec\":%.1f,\"p50_us\":%.1f,"
      "\"p99_us\":%.1f,\"connections\":%d,\"final\":%s}",
      p.elapsed_secs, p.total.requests, p.total.errors(),
      rate(p.interval.requests, p.interval_secs), us(h.percentile(50)), us(h.percentile(99)),
      p.live_connections, p.final ? "true" : "false");
}

std::string summary_text(const RunResult& r, const LoadgenConfig& c, const Workload& w) {
  std::string out;
  std::string target = c.socket.empty() ? absl::StrCat(c.host, ":", c.port) : c.socket;
  absl::StrAppendFormat(
      &out, "%s against %s: %d connections, pipeline %d, %d thread%s, %s\n", w.description(),
      target, c.connections, c.pipeline, c.threads, c.threads == 1 ? "" : "s",
      c.rate > 0 ? absl::StrFormat("open loop at %.0f req/s", c.rate) : std::string("closed loop"));
  absl::StrAppendFormat(&out, "%d requests in %.3f s: %.1f ops/s, %d errors\n", r.tally.requests,
                        r.secs, r.ops_per_sec(), r.tally.errors());
  const LatencyHistogram& h = r.latency;
  if (!h.empty()) {
    absl::StrAppendFormat(&out, "latency (ms): min %.3f  mean %.3f  max %.3f%s\n", ms(h.min()),
                          h.mean() / 1e6, ms(h.max()),
                          c.rate > 0 ? "  (from the intended send time)" : "");
    out += "  percentile   latency (ms)      count\n";
    for (double q : {50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
      auto rank = static_cast<uint64_t>(q / 100.0 * static_cast<double>(h.count()) + 0.5);
      absl::StrAppendFormat(&out, "  %9s%% %14.3f %10d\n", absl::StrCat(q), ms(h.percentile(q)),
                            rank);
    }
  }
  if (r.tally.errors() > 0) {
    absl::StrAppendFormat(&out,
                          "errors: %d (error replies %d, failed connects %d, connections lost "
                          "%d); first: %s\n",
                          r.tally.errors(), r.tally.error_replies, r.tally.connect_failures,
                          r.tally.disconnects, r.first_error);
  }
  if (r.gave_up > 0) {
    absl::StrAppendFormat(&out, "%d connection%s gave up after %d failed connects in a row\n",
                          r.gave_up, r.gave_up == 1 ? "" : "s", c.reconnect_attempts + 1);
  }
  if (r.failed_fast) out += "stopped at the first error (--fail-fast)\n";
  if (r.interrupted) out += "interrupted\n";
  return out;
}

std::string result_json(const RunResult& r) {
  const LatencyHistogram& h = r.latency;
  return absl::StrFormat(
      "{\"requests\":%d,\"errors\":%d,\"secs\":%.3f,\"ops_per_sec\":%.1f,"
      "\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f}}",
      r.tally.requests, r.tally.errors(), r.secs, r.ops_per_sec(), us(h.percentile(50)),
      us(h.percentile(90)), us(h.percentile(99)), us(h.percentile(99.9)), us(h.max()));
}

}  // namespace corio::loadgen
