// loadgen: a Redis load generator on the corio runtime. See README.md ("Load generator")
// and tools/loadgen/config.h for the modes; `loadgen --help` lists the flags.
//
//   bazel-bin/tools/loadgen --port=6379 --connections=50 --pipeline=16 --ratio=1:1
//                           --keyspace=100000 --duration=30 --json
//
// Flag names take dashes or underscores (--value-size = --value_size).
// Exit status: 0 when the run did its work (errors are counted, not fatal), 1 when
// --fail-fast stopped it or every connection gave up reconnecting, 2 on a usage error.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "net/socket_addr.h"
#include "tools/loadgen/config.h"
#include "tools/loadgen/key_chooser.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/runner.h"
#include "tools/loadgen/workload.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "Server host (name or address).");
ABSL_FLAG(int, port, 6379, "Server TCP port.");
ABSL_FLAG(std::string, socket, "", "Server Unix socket path (instead of --host/--port).");
ABSL_FLAG(int, connections, 50, "Connections in total (split over --threads).");
ABSL_FLAG(int, pipeline, 1,
          "Closed loop: requests per batch (one write, then every reply). Open loop: the "
          "most requests outstanding on one connection.");
ABSL_FLAG(int, threads, 1, "Threads, each with its own runtime and share of connections.");
ABSL_FLAG(int64_t, requests, 0,
          "Stop after this many replies (default 100000 when --duration is not given).");
ABSL_FLAG(double, duration, 0, "Stop after this many seconds.");
ABSL_FLAG(double, rate, 0,
          "Open loop: total requests per second, latency measured from each request's "
          "intended send time. 0: closed loop (as fast as the server answers).");
ABSL_FLAG(bool, batch_latency, false,
          "Closed loop with --pipeline > 1: record every reply of a batch with the latency of "
          "the batch's first reply, as redis-benchmark does (default: each reply's own).");
ABSL_FLAG(std::string, ratio, "1:10", "SET:GET ratio of the default workload.");
ABSL_FLAG(std::string, command, "",
          "Send this command instead of SET/GET, e.g. \"HSET h __key__ __value__\": "
          "__key__ becomes a key, __value__ a value of --value_size bytes.");
ABSL_FLAG(uint64_t, keyspace, 1000000, "Keys are key_prefix + 0 .. keyspace-1 (zero-padded).");
ABSL_FLAG(std::string, key_prefix, "key:", "Prefix of every key.");
ABSL_FLAG(std::string, key_pattern, "uniform",
          "How keys are picked: uniform, zipf (skewed, see --zipf_exponent) or sequential.");
ABSL_FLAG(double, zipf_exponent, 0.99, "Skew of --key_pattern=zipf (YCSB uses 0.99).");
ABSL_FLAG(uint64_t, value_size, 3, "Bytes per value (as redis-benchmark -d).");
ABSL_FLAG(uint64_t, seed, 1, "Seed of key choice and value bytes (runs repeat).");
ABSL_FLAG(bool, json, false,
          "Print one JSON object on stdout at the end; the summary goes to stderr.");
ABSL_FLAG(bool, quiet, false, "No live status line and no summary text.");
ABSL_FLAG(bool, fail_fast, false, "Stop at the first error and exit 1.");
ABSL_FLAG(std::string, stats_file, "",
          "Write one JSON line per second here (requests, errors, ops_per_sec, p50_us, "
          "p99_us, connections); see tools/loadgen/report.h.");
ABSL_FLAG(int, reconnect_attempts, 10,
          "A connection gives up after this many failed connects in a row (back-off 10 ms "
          "doubling to 1 s).");

namespace corio::loadgen {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) {
  // Ordering: relaxed; polled by the reporter. A second Ctrl-C kills (default action).
  g_interrupted.store(true, std::memory_order_relaxed);
  std::signal(SIGINT, SIG_DFL);
}

// absl flag names cannot hold dashes; accept --value-size for --value_size.
std::vector<char*> underscore_flag_names(int argc, char** argv, std::vector<std::string>& store) {
  store.assign(argv, argv + argc);
  for (size_t i = 1; i < store.size(); ++i) {
    std::string& a = store[i];
    if (a == "--") break;
    if (a.size() < 3 || a[0] != '-') continue;
    size_t name_start = a[1] == '-' ? 2 : 1;
    size_t name_end = a.find('=');
    if (name_end == std::string::npos) name_end = a.size();
    for (size_t j = name_start; j < name_end; ++j) {
      if (a[j] == '-') a[j] = '_';
    }
  }
  std::vector<char*> out;
  for (auto& s : store) out.push_back(s.data());
  return out;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "loadgen: %s\n", message.c_str());
  return 2;
}

int main_impl(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "a Redis load generator: loadgen --port=6379 --connections=50 --pipeline=16 "
      "[--requests=N | --duration=S] [--rate=R] [--json]");
  std::vector<std::string> store;
  std::vector<char*> args = underscore_flag_names(argc, argv, store);
  std::vector<char*> rest = absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  if (rest.size() > 1) return usage_error(absl::StrCat("unexpected argument '", rest[1], "'"));

  LoadgenConfig config;
  config.host = absl::GetFlag(FLAGS_host);
  config.port = absl::GetFlag(FLAGS_port);
  config.socket = absl::GetFlag(FLAGS_socket);
  config.connections = absl::GetFlag(FLAGS_connections);
  config.pipeline = absl::GetFlag(FLAGS_pipeline);
  config.threads = absl::GetFlag(FLAGS_threads);
  int64_t requests = absl::GetFlag(FLAGS_requests);
  if (requests < 0) return usage_error("--requests must be >= 0");
  config.requests = static_cast<uint64_t>(requests);
  config.duration_secs = absl::GetFlag(FLAGS_duration);
  config.rate = absl::GetFlag(FLAGS_rate);
  config.batch_latency = absl::GetFlag(FLAGS_batch_latency);
  config.workload.command = absl::GetFlag(FLAGS_command);
  if (config.workload.command.empty()) {
    auto ratio = parse_ratio(absl::GetFlag(FLAGS_ratio));
    if (!ratio.ok()) return usage_error(std::string(ratio.status().message()));
    config.workload.ratio = *ratio;
  }
  config.workload.keyspace = absl::GetFlag(FLAGS_keyspace);
  config.workload.key_prefix = absl::GetFlag(FLAGS_key_prefix);
  config.workload.value_size = absl::GetFlag(FLAGS_value_size);
  auto pattern = parse_key_pattern(absl::GetFlag(FLAGS_key_pattern));
  if (!pattern) return usage_error("--key_pattern must be uniform, zipf or sequential");
  config.key_pattern = *pattern;
  config.zipf_exponent = absl::GetFlag(FLAGS_zipf_exponent);
  config.seed = absl::GetFlag(FLAGS_seed);
  config.json = absl::GetFlag(FLAGS_json);
  config.quiet = absl::GetFlag(FLAGS_quiet);
  config.fail_fast = absl::GetFlag(FLAGS_fail_fast);
  config.stats_file = absl::GetFlag(FLAGS_stats_file);
  config.reconnect_attempts = absl::GetFlag(FLAGS_reconnect_attempts);
  if (absl::Status s = validate(config); !s.ok()) return usage_error(std::string(s.message()));

  auto workload = Workload::create(config.workload);
  if (!workload.ok()) return usage_error(std::string(workload.status().message()));

  net::SocketAddr address;
  if (config.socket.empty()) {
    bool v6 = config.host.find(':') != std::string::npos && config.host[0] != '[';
    std::string host_port = v6 ? absl::StrCat("[", config.host, "]:", config.port)
                               : absl::StrCat(config.host, ":", config.port);
    auto addrs = net::SocketAddr::resolve_blocking(host_port);
    if (!addrs.ok() || addrs->empty()) {
      return usage_error(absl::StrCat("cannot resolve ", host_port, ": ",
                                      addrs.ok() ? "no address" : addrs.status().message()));
    }
    address = addrs->front();
  }

  std::FILE* stats = nullptr;
  if (!config.stats_file.empty()) {
    stats = std::fopen(config.stats_file.c_str(), "w");
    if (stats == nullptr) return usage_error(absl::StrCat("cannot write ", config.stats_file));
  }
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  std::signal(SIGINT, on_sigint);

  bool drew_line = false;
  auto on_second = [&](const Progress& p) {
    if (stats != nullptr) {
      std::fprintf(stats, "%s\n", stats_line(p).c_str());
      std::fflush(stats);
    }
    if (config.quiet || p.final) return;
    if (tty) {
      // Redrawn in place: back to column 0, the line, erase what the last one left.
      std::fprintf(stderr, "\r%s\x1b[K", live_line(p).c_str());
      drew_line = true;
    } else {
      std::fprintf(stderr, "%s\n", live_line(p).c_str());
    }
    std::fflush(stderr);
  };
  RunResult result = run_load(config, *workload, address, on_second, &g_interrupted);
  if (drew_line) std::fprintf(stderr, "\n");
  if (stats != nullptr) std::fclose(stats);

  if (!config.quiet) {
    std::FILE* to = config.json ? stderr : stdout;
    std::fputs(summary_text(result, config, *workload).c_str(), to);
    std::fflush(to);
  }
  if (config.json) std::printf("%s\n", result_json(result).c_str());
  std::fflush(stdout);
  return (result.failed_fast || result.incomplete) ? 1 : 0;
}

}  // namespace
}  // namespace corio::loadgen

int main(int argc, char** argv) { return corio::loadgen::main_impl(argc, argv); }
