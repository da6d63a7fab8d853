// //redis:server — the Redis-compatible server.
//
//   tools/bazelw run -c opt //redis:server                    # 127.0.0.1:6379
//   tools/bazelw run -c opt //redis:server -- --port=7000 --threads=2 --requirepass=secret
//   tools/bazelw run -c opt //redis:server -- --config=redis.conf
//
// --config reads redis.conf-style lines ("port 7000", "requirepass x", "# comments") for
// the same settings; flags given on the command line win over the file.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "net/signal.h"
#include "redis/commands/util.h"
#include "redis/server.h"
#include "runtime/combinators.h"
#include "runtime/runtime.h"

ABSL_FLAG(int, port, 6379, "TCP port to listen on (0: any free port).");
ABSL_FLAG(std::string, bind, "127.0.0.1", "Address to listen on.");
ABSL_FLAG(int, threads, 0, "Worker threads (0: one per core).");
ABSL_FLAG(int64_t, maxclients, 10000, "Maximum number of connected clients.");
ABSL_FLAG(std::string, requirepass, "", "Password clients must AUTH with (empty: none).");
ABSL_FLAG(int64_t, proto_max_bulk_len, int64_t{512} * 1024 * 1024,
          "Largest bulk string a client may send, in bytes.");
ABSL_FLAG(std::string, config, "", "redis.conf-style file with the same settings.");

namespace {

using namespace corio;

// Applies `name value` lines; returns an error message or "".
std::string apply_config_file(const std::string& path, redis::ServerConfig& cfg, int& threads) {
  std::ifstream f(path);
  if (!f) return "cannot open config file " + path;
  std::string line;
  int lineno = 0;
  while (std::getline(f, line)) {
    ++lineno;
    std::istringstream in(line);
    std::string name, value;
    if (!(in >> name) || name[0] == '#') continue;
    std::getline(in >> std::ws, value);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    int64_t n = 0;
    bool numeric = redis::parse_i64(value, n);
    if (redis::iequals(name, "port") && numeric) {
      cfg.port = static_cast<int>(n);
    } else if (redis::iequals(name, "bind")) {
      cfg.bind = value.substr(0, value.find(' '));
    } else if ((redis::iequals(name, "threads") || redis::iequals(name, "io-threads")) && numeric) {
      threads = static_cast<int>(n);
    } else if (redis::iequals(name, "maxclients") && numeric) {
      cfg.maxclients = static_cast<size_t>(n);
    } else if (redis::iequals(name, "requirepass")) {
      cfg.requirepass = value;
    } else if (redis::iequals(name, "proto-max-bulk-len") && numeric) {
      cfg.limits.max_bulk_len = n;
    } else {
      return path + ":" + std::to_string(lineno) + ": unknown or invalid setting '" + name + "'";
    }
  }
  return "";
}

Task<int> serve(redis::Server& server, int workers) {
  absl::Status bound = server.bind();
  if (!bound.ok()) {
    std::fprintf(stderr, "corio-redis: cannot listen on %s:%d: %s\n",
                 server.config().bind.c_str(), server.config().port,
                 std::string(bound.message()).c_str());
    co_return 1;
  }
  std::printf("corio-redis ready on %s:%u, %d worker threads, pid %d\n",
              server.config().bind.c_str(), server.port(), workers, getpid());
  std::fflush(stdout);
  auto sigint = net::Signal::listen(SIGINT);
  auto sigterm = net::Signal::listen(SIGTERM);
  auto watcher = spawn(co_invoke([&]() -> Task<void> {
    (void)co_await select(sigint->recv(), sigterm->recv());
    server.request_shutdown();
  }));
  absl::Status s = co_await server.run();
  watcher.abort();
  (void)co_await watcher;
  co_return s.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  redis::ServerConfig cfg;
  int threads = absl::GetFlag(FLAGS_threads);
  if (std::string file = absl::GetFlag(FLAGS_config); !file.empty()) {
    if (std::string err = apply_config_file(file, cfg, threads); !err.empty()) {
      std::fprintf(stderr, "corio-redis: %s\n", err.c_str());
      return 1;
    }
  }
  // Command-line flags that were given explicitly override the file.
  auto given = [](const auto& flag) {
    return absl::GetFlagReflectionHandle(flag).CurrentValue() !=
           absl::GetFlagReflectionHandle(flag).DefaultValue();
  };
  if (given(FLAGS_port) || absl::GetFlag(FLAGS_config).empty()) cfg.port = absl::GetFlag(FLAGS_port);
  if (given(FLAGS_bind) || absl::GetFlag(FLAGS_config).empty()) cfg.bind = absl::GetFlag(FLAGS_bind);
  if (given(FLAGS_maxclients)) cfg.maxclients = static_cast<size_t>(absl::GetFlag(FLAGS_maxclients));
  if (given(FLAGS_requirepass)) cfg.requirepass = absl::GetFlag(FLAGS_requirepass);
  if (given(FLAGS_proto_max_bulk_len)) cfg.limits.max_bulk_len = absl::GetFlag(FLAGS_proto_max_bulk_len);
  if (given(FLAGS_threads)) threads = absl::GetFlag(FLAGS_threads);
  int workers = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cfg.threads = workers;
  // Commands poll for microseconds: a worker keeps a backlog of up to 3 connections to
  // itself rather than pay a sibling's futex wake and context switch (measured: 10-15% less
  // CPU per request under redis-benchmark -c 50, -P 1 and -P 16; see Builder::wake_threshold).
  constexpr uint32_t kWakeThreshold = 4;
  Runtime rt = Builder::multi_thread()
                   .worker_threads(static_cast<size_t>(workers))
                   .wake_threshold(kWakeThreshold)
                   .thread_name("corio-redis")
                   .enable_all()
                   .build();
  int code = rt.block_on(co_invoke([&]() -> Task<int> {
    redis::Server server(cfg);
    co_return co_await serve(server, workers);
  }));
  return code;
}
