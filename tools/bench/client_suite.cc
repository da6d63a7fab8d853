// --suite=client: what auto-pipelining buys. Per server (Debian's redis-server and our
// //redis:server, each started as a subprocess on a free loopback port):
//   client_manager_1000_callers_<server>: 1,000 caller tasks, each doing GET/SET in turn on
//     its own key through one RequestManager (one connection);
//   client_plain_50_<server>: 50 tasks, each with its own Client (one round trip at a
//     time), the same GET/SET mix.
// The client side runs on a 2-worker runtime in this process; the server competes with it
// for the machine's cores, which is the point of comparing both shapes on one machine.
// Our server binary is found next to this one (bazel-bin/redis/server: build it with
// `tools/bazelw build -c opt //tools:bench //redis:server`) or given by --corio_server.
#include "tools/bench/client_suite.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "redis/client.h"
#include "redis/request_manager.h"
#include "runtime/runtime.h"
#include "tools/bench/bench_util.h"

ABSL_FLAG(std::string, corio_server, "",
          "Path of //redis:server for --suite=client (default: next to this binary).");

extern char** environ;

namespace corio::bench {
namespace {

constexpr size_t kWorkers = 2;
constexpr int kManagerCallers = 1000;
constexpr int kPlainClients = 50;
constexpr uint64_t kManagerOps = 400'000;  // per repetition
constexpr uint64_t kPlainOps = 100'000;

uint16_t unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool accepts(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return ok;
}

// A server subprocess, killed when this goes away.
class ServerUnderTest {
 public:
  static std::optional<ServerUnderTest> start(std::vector<std::string> argv, uint16_t port) {
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return std::nullopt;
    ServerUnderTest s(pid);
    for (int i = 0; i < 500 && !accepts(port); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!accepts(port)) return std::nullopt;
    return s;
  }
  ServerUnderTest(ServerUnderTest&& o) noexcept : pid_(std::exchange(o.pid_, -1)) {}
  ~ServerUnderTest() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

 private:
  explicit ServerUnderTest(pid_t pid) : pid_(pid) {}
  pid_t pid_;
};

std::string our_server_path() {
  std::string flag = absl::GetFlag(FLAGS_corio_server);
  if (!flag.empty()) return flag;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  return (self.parent_path().parent_path() / "redis" / "server").string();
}

// GET and SET in turn on the caller's own key; aborts on any failure (a benchmark of
// failing requests would measure nothing).
template <typename Redis>
Task<void> caller(Redis& redis, int id, uint64_t ops, Latch* latch) {
  std::string key = "bench:" + std::to_string(id);
  for (uint64_t i = 0; i < ops; ++i) {
    if (i % 2 == 0) {
      auto setting = redis.set(key, "value-0123456789");
      absl::StatusOr<bool> set = co_await setting;
      if (!set.ok()) std::abort();
    } else {
      auto getting = redis.get(key);
      absl::StatusOr<std::optional<std::string>> got = co_await getting;
      if (!got.ok()) std::abort();
    }
  }
  latch->count_down();
}

Task<uint64_t> through_manager(std::string address) {
  redis::RequestManager manager = redis::RequestManager::start(address);
  Latch latch(kManagerCallers);
  const uint64_t per_caller = kManagerOps / kManagerCallers;
  for (int i = 0; i < kManagerCallers; ++i) spawn(caller(manager, i, per_caller, &latch));
  co_await latch.wait();
  manager.shutdown();
  co_return per_caller * kManagerCallers;
}

Task<uint64_t> through_plain_clients(std::string address) {
  std::vector<redis::Client> clients;
  for (int i = 0; i < kPlainClients; ++i) {
    auto connecting = redis::Client::connect(address);
    auto client = co_await connecting;
    if (!client.ok()) std::abort();
    clients.push_back(*std::move(client));
  }
  Latch latch(kPlainClients);
  const uint64_t per_client = kPlainOps / kPlainClients;
  for (int i = 0; i < kPlainClients; ++i) spawn(caller(clients[i], i, per_client, &latch));
  co_await latch.wait();
  co_return per_client * kPlainClients;
}

void run_against(const Options& options, const std::string& label, const std::string& address) {
  Runtime rt = Builder::multi_thread().worker_threads(kWorkers).enable_all().build();
  run_and_report(options, "client_manager_1000_callers_" + label, "requests",
                 [&] { return run_spawned(rt, through_manager(address)); });
  run_and_report(options, "client_plain_50_" + label, "requests",
                 [&] { return run_spawned(rt, through_plain_clients(address)); });
}

}  // namespace

void run_client_suite(const Options& options) {
  {
    uint16_t port = unused_port();
    auto redis = ServerUnderTest::start({"/usr/bin/redis-server", "--port", std::to_string(port),
                                         "--save", "", "--appendonly", "no"},
                                        port);
    if (redis) {
      run_against(options, "redis", "127.0.0.1:" + std::to_string(port));
    } else {
      std::fprintf(stderr, "bench: could not start /usr/bin/redis-server; skipped\n");
    }
  }
  {
    uint16_t port = unused_port();
    std::string path = our_server_path();
    auto ours = ServerUnderTest::start({path, "--port=" + std::to_string(port)}, port);
    if (ours) {
      run_against(options, "ours", "127.0.0.1:" + std::to_string(port));
    } else {
      std::fprintf(stderr, "bench: could not start %s (build //redis:server); skipped\n",
                   path.c_str());
    }
  }
}

}  // namespace corio::bench
