// //tools:loadgen end to end, as a subprocess with --json: against our server (in this
// process) and against Debian's redis-server (on a Unix socket). The JSON counts must be
// exact (requests == N, errors == 0); error replies, refused connects and lost
// connections are counted and not fatal; --fail-fast is.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/redis_e2e_support.h"

namespace corio::redis::e2e {
namespace {

using ::testing::HasSubstr;

// Generous: bounds a hang, not the speed (sanitizer builds are slow).
constexpr auto kLimit = 90s;

struct LoadgenRun {
  ProcessResult process;
  int64_t requests = -1;
  int64_t errors = -1;
  double secs = -1;
  std::string json;
};

// The number after "key": in a flat JSON text (-1 if absent). (No <regex>: GCC 12 warns
// inside it under the sanitizers' -O1.)
double json_number(const std::string& json, const std::string& key) {
  size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}
int64_t json_int(const std::string& json, const std::string& key) {
  return static_cast<int64_t>(json_number(json, key));
}

LoadgenRun run_loadgen(std::vector<std::string> args) {
  std::vector<std::string> argv = {runfile("tools/loadgen"), "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  LoadgenRun r;
  r.process = run_process(argv, "", kLimit);
  // stdout holds exactly one line: the JSON object.
  std::string out = r.process.out;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  r.json = out;
  if (out.find('\n') == std::string::npos && !out.empty() && out.front() == '{') {
    r.requests = json_int(out, "requests");
    r.errors = json_int(out, "errors");
    r.secs = json_number(out, "secs");
  }
  return r;
}

std::string describe(const LoadgenRun& r) {
  return "exit " + std::to_string(r.process.exit_code) + " signal " +
         std::to_string(r.process.signal) + "\nstdout:\n" + r.process.out + "\nstderr:\n" +
         r.process.err;
}

TEST(LoadgenE2eTest, JsonCountsEveryRequestAgainstOurServer) {
  InProcessServer server;
  LoadgenRun r =
      run_loadgen({"--port=" + std::to_string(server.port()), "--requests=5000", "--connections=8",
                   "--pipeline=4", "--ratio=1:1", "--keyspace=100", "--value-size=10"});
  ASSERT_EQ(r.process.exit_code, 0) << describe(r);
  EXPECT_EQ(r.requests, 5000) << r.json;
  EXPECT_EQ(r.errors, 0) << r.json;
  EXPECT_GT(r.secs, 0) << r.json;
  EXPECT_THAT(r.json, ::testing::MatchesRegex(
                          R"(\{"requests":5000,"errors":0,"secs":[0-9.]+,"ops_per_sec":[0-9.]+,)"
                          R"("latency_us":\{"p50":[0-9.]+,"p90":[0-9.]+,"p99":[0-9.]+,)"
                          R"("p999":[0-9.]+,"max":[0-9.]+\}\})"));
  // The summary went to stderr; the keys landed in the keyspace, values of 10 bytes.
  EXPECT_THAT(r.process.err, HasSubstr("5000 requests in"));
  auto size = query(server.port(), {"DBSIZE"});
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_GT(size->as_integer(), 0);
  EXPECT_LE(size->as_integer(), 100);
  auto value = query(server.port(), {"STRLEN", "key:00"});
  ASSERT_TRUE(value.ok());
  EXPECT_TRUE(value->as_integer() == 0 || value->as_integer() == 10);
}

TEST(LoadgenE2eTest, JsonCountsEveryRequestAgainstRedisServer) {
  auto ref = ServerProcess::start_reference();
  ASSERT_TRUE(ref.ok()) << ref.status();
  LoadgenRun r = run_loadgen({"--socket=" + ref->unix_socket(), "--requests=6000",
                              "--connections=6", "--threads=2", "--pipeline=16", "--ratio=1:2",
                              "--keyspace=1000", "--key-pattern=zipf"});
  ASSERT_EQ(r.process.exit_code, 0) << describe(r);
  EXPECT_EQ(r.requests, 6000) << r.json;
  EXPECT_EQ(r.errors, 0) << r.json;
}

TEST(LoadgenE2eTest, CustomCommandWithPlaceholders) {
  auto ref = ServerProcess::start_reference();
  ASSERT_TRUE(ref.ok()) << ref.status();
  LoadgenRun r = run_loadgen({"--socket=" + ref->unix_socket(), "--requests=300", "--connections=3",
                              "--command=RPUSH list:__key__ __value__", "--keyspace=3",
                              "--key-pattern=sequential", "--value-size=5"});
  ASSERT_EQ(r.process.exit_code, 0) << describe(r);
  EXPECT_EQ(r.requests, 300);
  EXPECT_EQ(r.errors, 0);
  auto c = RespClient::connect_unix(ref->unix_socket());
  ASSERT_TRUE(c.ok());
  int64_t total = 0;
  for (const char* key : {"list:key:0", "list:key:1", "list:key:2"}) {
    auto len = c->command({"LLEN", key});
    ASSERT_TRUE(len.ok());
    total += len->as_integer();
  }
  EXPECT_EQ(total, 300);
  auto item = c->command({"LINDEX", "list:key:0", "0"});
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->str().size(), 5u);
}

TEST(LoadgenE2eTest, ServerErrorRepliesAreCountedNotFatal) {
  for (bool ours : {true, false}) {
    SCOPED_TRACE(ours ? "our server" : "redis-server");
    std::optional<InProcessServer> server;
    std::optional<ServerProcess> ref;
    std::vector<std::string> target;
    if (ours) {
      server.emplace();
      target = {"--port=" + std::to_string(server->port())};
    } else {
      auto p = ServerProcess::start_reference();
      ASSERT_TRUE(p.ok()) << p.status();
      ref.emplace(*std::move(p));
      target = {"--socket=" + ref->unix_socket()};
    }
    std::vector<std::string> args = target;
    args.insert(args.end(), {"--requests=200", "--connections=2", "--pipeline=8",
                             "--command=NOSUCHCOMMAND __key__"});
    LoadgenRun r = run_loadgen(args);
    ASSERT_EQ(r.process.exit_code, 0) << describe(r);
    EXPECT_EQ(r.requests, 200) << r.json;
    EXPECT_EQ(r.errors, 200) << r.json;
    EXPECT_THAT(r.process.err, HasSubstr("error replies 200"));
    EXPECT_THAT(r.process.err, HasSubstr("unknown command"));
  }
}

TEST(LoadgenE2eTest, FailFastStopsAtTheFirstError) {
  InProcessServer server;
  LoadgenRun r = run_loadgen({"--port=" + std::to_string(server.port()), "--requests=100000",
                              "--connections=2", "--command=NOSUCHCOMMAND", "--fail-fast"});
  EXPECT_EQ(r.process.exit_code, 1) << describe(r);
  EXPECT_GE(r.errors, 1) << r.json;
  EXPECT_LT(r.requests, 100000) << r.json;
  EXPECT_THAT(r.process.err, HasSubstr("--fail-fast"));
}

TEST(LoadgenE2eTest, RefusedConnectionsAreCountedNotFatal) {
  LoadgenRun r =
      run_loadgen({"--port=" + std::to_string(unused_port()), "--duration=1", "--connections=2"});
  ASSERT_EQ(r.process.exit_code, 0) << describe(r);
  EXPECT_EQ(r.requests, 0) << r.json;
  EXPECT_GE(r.errors, 2) << r.json;
  EXPECT_THAT(r.process.err, HasSubstr("refused"));
}

TEST(LoadgenE2eTest, ServerThatComesUpLateGetsEveryRequest) {
  uint16_t port = unused_port();
  LoadgenRun r;
  std::thread client([&] {
    r = run_loadgen({"--port=" + std::to_string(port), "--requests=2000", "--connections=4",
                     "--reconnect-attempts=30"});
  });
  std::this_thread::sleep_for(300ms);
  auto server = ServerProcess::start_ours({"--port=" + std::to_string(port)});
  client.join();  // the client gives up within seconds if the server never came up
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_EQ(r.process.exit_code, 0) << describe(r);
  EXPECT_EQ(r.requests, 2000) << r.json;
  EXPECT_GE(r.errors, 1) << r.json;  // the refused attempts before the server came up
}

TEST(LoadgenE2eTest, EveryConnectionGivingUpEndsTheRunWithStatusOne) {
  LoadgenRun r = run_loadgen({"--port=" + std::to_string(unused_port()), "--requests=10",
                              "--connections=2", "--reconnect-attempts=1"});
  EXPECT_EQ(r.process.exit_code, 1) << describe(r);
  EXPECT_EQ(r.requests, 0);
  EXPECT_EQ(r.errors, 4);  // two attempts per connection
  EXPECT_THAT(r.process.err, HasSubstr("gave up"));
}

TEST(LoadgenE2eTest, LostConnectionsAreCountedAndReplaced) {
  // QUIT: the server answers +OK and closes; each next request finds the connection gone.
  InProcessServer server;
  LoadgenRun r = run_loadgen({"--port=" + std::to_string(server.port()), "--requests=20",
                              "--connections=1", "--command=QUIT"});
  ASSERT_EQ(r.process.exit_code, 0) << describe(r);
  EXPECT_EQ(r.requests, 20) << r.json;
  EXPECT_GE(r.errors, 19) << r.json;
  EXPECT_THAT(r.process.err, HasSubstr("connection lost"));
}

TEST(LoadgenE2eTest, OpenLoopSendsAtTheRequestedRate) {
  InProcessServer server;
  LoadgenRun r = run_loadgen({"--port=" + std::to_string(server.port()), "--duration=2",
                              "--rate=1000", "--connections=4", "--ratio=0:1"});
  ASSERT_EQ(r.process.exit_code, 0) << describe(r);
  EXPECT_EQ(r.errors, 0) << r.json;
  // 2 s at 1000/s: the schedule allows 2000 (+ one per connection due at the start).
  EXPECT_GE(r.requests, 1800) << r.json;
  EXPECT_LE(r.requests, 2004) << r.json;
  EXPECT_THAT(r.process.err, HasSubstr("open loop at 1000 req/s"));
}

// Coordinated omission: a 300 ms stall of the server during an open-loop run at 1000/s
// delays the ~300 requests due during it by up to 300 ms each, measured from when they were
// due; a closed loop would have recorded only the few requests in flight.
TEST(LoadgenE2eTest, OpenLoopLatencyIncludesAServerStall) {
  auto ref = ServerProcess::start_reference({"--enable-debug-command", "yes"});
  ASSERT_TRUE(ref.ok()) << ref.status();
  LoadgenRun r;
  std::thread client([&] {
    r = run_loadgen({"--socket=" + ref->unix_socket(), "--duration=2", "--rate=1000",
                     "--connections=2", "--ratio=0:1"});
  });
  std::this_thread::sleep_for(700ms);
  auto c = RespClient::connect_unix(ref->unix_socket());
  auto slept = c.ok() ? c->command({"DEBUG", "SLEEP", "0.3"}) : c.status();
  client.join();
  ASSERT_TRUE(slept.ok()) << slept.status();
  ASSERT_EQ(r.process.exit_code, 0) << describe(r);
  EXPECT_EQ(r.errors, 0) << r.json;
  EXPECT_GE(r.requests, 1800) << r.json;
  // About 15% of the requests waited 0-300 ms: p99 near 280 ms, max near 300 ms.
  EXPECT_GE(json_number(r.json, "p99"), 150'000) << r.json;
  EXPECT_GE(json_number(r.json, "max"), 250'000) << r.json;
}

TEST(LoadgenE2eTest, BatchLatencyModeCountsEveryRequest) {
  // redis-benchmark's latency definition for pipelines: the counts are the same, and the
  // percentiles are there.
  InProcessServer server;
  LoadgenRun r = run_loadgen({"--port=" + std::to_string(server.port()), "--requests=3200",
                              "--connections=2", "--pipeline=16", "--batch_latency"});
  ASSERT_EQ(r.process.exit_code, 0) << describe(r);
  EXPECT_EQ(r.requests, 3200) << r.json;
  EXPECT_EQ(r.errors, 0) << r.json;
  EXPECT_GT(json_number(r.json, "p99"), 0) << r.json;
}

TEST(LoadgenE2eTest, StatsFileHasOneLinePerSecondEndingWithTheTotals) {
  InProcessServer server;
  std::string path = test_tmpdir() + "/loadgen-stats.jsonl";
  LoadgenRun r = run_loadgen({"--port=" + std::to_string(server.port()), "--duration=2.5",
                              "--connections=2", "--stats-file=" + path});
  ASSERT_EQ(r.process.exit_code, 0) << describe(r);
  std::ifstream f(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(f, line);) lines.push_back(line);
  ASSERT_GE(lines.size(), 3u);  // seconds 1 and 2, then the final line
  EXPECT_THAT(lines[0], HasSubstr("\"final\":false"));
  EXPECT_THAT(lines.back(), HasSubstr("\"final\":true"));
  EXPECT_EQ(json_int(lines.back(), "requests"), r.requests);
  EXPECT_EQ(json_int(lines.back(), "errors"), 0);
  // Live lines went to stderr, one per second (not a terminal: plain lines).
  EXPECT_THAT(r.process.err, HasSubstr("ops/s"));
  EXPECT_EQ(r.process.err.find('\r'), std::string::npos);
}

TEST(LoadgenE2eTest, UsageErrorsExitTwo) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--ratio=x"},
                                        {"--connections=0"},
                                        {"--key-pattern=normal"},
                                        {"--threads=4", "--connections=2"},
                                        {"--command=SET \"open"},
                                        {"--batch_latency", "--rate=100"},
                                        {"extra"}}) {
    LoadgenRun r = run_loadgen(args);
    EXPECT_EQ(r.process.exit_code, 2) << args[0] << "\n" << describe(r);
    EXPECT_THAT(r.process.err, HasSubstr("loadgen: ")) << args[0];
  }
}

}  // namespace
}  // namespace corio::redis::e2e
