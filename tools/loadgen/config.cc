#include "tools/loadgen/config.h"

#include "absl/strings/str_cat.h"

namespace corio::loadgen {

absl::Status validate(LoadgenConfig& c) {
  if (c.socket.empty() && (c.port < 1 || c.port > 65535)) {
    return absl::InvalidArgumentError("--port must be between 1 and 65535");
  }
  if (c.connections < 1 || c.connections > 100000) {
    return absl::InvalidArgumentError("--connections must be between 1 and 100000");
  }
  if (c.pipeline < 1 || c.pipeline > 100000) {
    return absl::InvalidArgumentError("--pipeline must be between 1 and 100000");
  }
  if (c.threads < 1 || c.threads > 256) {
    return absl::InvalidArgumentError("--threads must be between 1 and 256");
  }
  if (c.threads > c.connections) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--threads (", c.threads, ") must not exceed --connections (", c.connections, ")"));
  }
  if (c.duration_secs < 0) return absl::InvalidArgumentError("--duration must be >= 0");
  if (c.rate < 0) return absl::InvalidArgumentError("--rate must be >= 0");
  if (c.rate > 0 && c.rate < 1e-3 * c.connections) {
    return absl::InvalidArgumentError(
        "--rate is too low: under one request per 1000 s per connection");
  }
  if (c.batch_latency && c.rate > 0) {
    return absl::InvalidArgumentError(
        "--batch_latency applies to the closed loop only (open-loop latency starts at each "
        "request's due time)");
  }
  if (c.requests == 0 && c.duration_secs == 0) c.requests = 100000;
  if (c.workload.keyspace == 0) return absl::InvalidArgumentError("--keyspace must be >= 1");
  if (c.workload.value_size > (size_t{512} << 20)) {
    return absl::InvalidArgumentError("--value-size must be at most 512 MiB");
  }
  if (!(c.zipf_exponent > 0) || c.zipf_exponent > 10) {
    return absl::InvalidArgumentError("--zipf-exponent must be in (0, 10]");
  }
  if (c.reconnect_attempts < 0) {
    return absl::InvalidArgumentError("--reconnect-attempts must be >= 0");
  }
  c.workload.pipeline = static_cast<size_t>(c.pipeline);
  c.workload.seed = c.seed;
  return absl::OkStatus();
}

}  // namespace corio::loadgen
