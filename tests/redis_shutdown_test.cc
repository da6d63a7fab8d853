// Graceful shutdown with clients in the middle of pipelines, by SHUTDOWN (in-process
// server) and by SIGTERM (the //redis:server binary). There is no persistence, so what is
// checked is the shutdown's own promise:
//  - every reply the server sends is whole: a client reads complete replies, in order,
//    then the end of the stream, never a partial reply;
//  - every acknowledged write is in the keyspace the server had when it stopped;
//  - the server stops within a bounded time (the process exits 0) and its port is closed;
//  - no connection outlives run(): a client that never reads is dropped after the grace
//    period instead of being left to the runtime's teardown.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/redis_e2e_support.h"

namespace corio::redis::e2e {
namespace {

constexpr int kLoads = 6;
constexpr int kBatch = 50;

// A client that pipelines INCR c:<id> in batches and checks that reply n is n, until the
// server closes the connection.
struct IncrementLoad {
  int id = 0;
  std::atomic<int64_t> acknowledged{0};
  std::string failure;  // a wrong or partial reply; read after `done`
  std::atomic<bool> done{false};
  std::thread thread;

  void run(uint16_t port) {
    OnScopeExit finished([&] { done.store(true, std::memory_order_release); });
    ClientOptions options;
    options.timeout = 30s;
    auto c = RespClient::connect(port, options);
    if (!c.ok()) {
      failure = c.status().ToString();
      return;
    }
    std::string key = "c:" + std::to_string(id);
    std::string batch;
    for (int i = 0; i < kBatch; ++i) batch += encode_command({"INCR", key});
    for (;;) {
      // Once the server has closed, sending fails or is dropped: the reads below then
      // meet the end of the stream.
      (void)c->send_raw(batch);
      for (int i = 0; i < kBatch; ++i) {
        auto r = c->read_reply();
        if (!r.ok()) {
          if (!absl::IsUnavailable(r.status())) {
            failure = r.status().ToString();
          } else if (!c->pending().empty()) {
            failure = "the connection ended inside a reply: " +
                      std::to_string(c->pending().size()) + " bytes of it";
          }
          return;  // closed (end of stream or reset) after whole replies: fine
        }
        int64_t n = acknowledged.load(std::memory_order_relaxed) + 1;
        if (*r != Frame::integer(n)) {
          failure = "reply " + std::to_string(n) + " was " + r->to_string();
          return;
        }
        acknowledged.store(n, std::memory_order_relaxed);
      }
    }
  }
};

class LoadSet {
 public:
  explicit LoadSet(uint16_t port) : loads_(kLoads) {
    for (int i = 0; i < kLoads; ++i) {
      loads_[i].id = i;
      loads_[i].thread = std::thread([this, i, port] { loads_[i].run(port); });
    }
  }
  ~LoadSet() { join(); }
  // Waits until every load has had some replies (so each is mid-pipeline).
  bool wait_started() {
    return wait_until([&] {
      for (auto& l : loads_) {
        if (l.acknowledged.load() < 4 * kBatch && !l.done.load()) return false;
      }
      return true;
    }, 30s);
  }
  void join() {
    for (auto& l : loads_) {
      if (l.thread.joinable()) l.thread.join();
    }
  }
  std::vector<IncrementLoad>& loads() { return loads_; }

 private:
  std::vector<IncrementLoad> loads_;
};

TEST(RedisShutdownTest, ShutdownCommandRepliesInFullKeepsAcknowledgedWritesClosesPort) {
  InProcessServer server;
  uint16_t port = server.port();
  LoadSet loads(port);
  ASSERT_TRUE(loads.wait_started());

  auto admin = RespClient::connect(port);
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->send({"SHUTDOWN"}).ok());
  // Redis sends nothing for a successful SHUTDOWN: the connection just closes.
  auto said = admin->read_until_eof();
  ASSERT_TRUE(said.ok()) << said.status();
  EXPECT_EQ(*said, "");

  ASSERT_TRUE(server.wait_stopped(Server::kShutdownGrace + 30s)) << "run() did not return";
  EXPECT_TRUE(server.run_status().ok()) << server.run_status();
  EXPECT_EQ(server.clients_at_stop(), 0u);
  EXPECT_TRUE(port_closed(port));
  loads.join();
  for (auto& l : loads.loads()) {
    EXPECT_EQ(l.failure, "") << "client " << l.id;
    // Every acknowledged INCR is in the keyspace; and no INCR ran without its reply
    // reaching the client (replies are flushed before the close).
    auto value = server.value_after_stop("c:" + std::to_string(l.id));
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(std::stoll(*value), l.acknowledged.load()) << "client " << l.id;
  }
}

TEST(RedisShutdownTest, SigtermExitsZeroAfterWholeRepliesAndClosesPort) {
  auto server = ServerProcess::start_ours({"--threads=2"});
  ASSERT_TRUE(server.ok()) << server.status();
  uint16_t port = server->port();
  LoadSet loads(port);
  ASSERT_TRUE(loads.wait_started());
  server->signal(SIGTERM);
  auto exited = server->wait(Server::kShutdownGrace + 30s);
  ASSERT_TRUE(exited.has_value()) << "the server did not exit after SIGTERM";
  EXPECT_EQ(exited->exit_code, 0) << "signal " << exited->signal << "\n" << exited->err;
  EXPECT_TRUE(port_closed(port));
  loads.join();
  for (auto& l : loads.loads()) {
    EXPECT_EQ(l.failure, "") << "client " << l.id;
    EXPECT_GT(l.acknowledged.load(), 0);
  }
}

// A client that sends requests with big replies and never reads them: the server's
// writes to it block. Returns once the server has stopped taking its input.
void fill_until_blocked(RespClient& c) {
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += encode_command({"GET", "big"});
  size_t sent = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - last_progress < 300ms && sent < (size_t{256} << 20)) {
    auto n = c.try_send(batch);
    if (!n.ok()) break;
    if (*n > 0) {
      sent += *n;
      last_progress = std::chrono::steady_clock::now();
      if (*n < batch.size()) batch = batch.substr(*n) + batch.substr(0, *n);
    } else {
      std::this_thread::sleep_for(5ms);
    }
  }
  EXPECT_GT(sent, 0u);
  EXPECT_LT(sent, size_t{256} << 20) << "the server kept reading from a client that never reads";
}

TEST(RedisShutdownTest, ClientThatNeverReadsIsDroppedAfterTheGrace) {
  InProcessServer server;
  ASSERT_TRUE(query(server.port(), {"SET", "big", std::string(256 * 1024, 'b')}).ok());
  ClientOptions small;
  small.receive_buffer = 4096;
  auto stuck = RespClient::connect(server.port(), small);
  ASSERT_TRUE(stuck.ok());
  fill_until_blocked(*stuck);
  auto admin = RespClient::connect(server.port());
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->send({"SHUTDOWN"}).ok());
  ASSERT_TRUE(server.wait_stopped(Server::kShutdownGrace + 30s)) << "run() did not return";
  // run() promises that no connection outlives it (stragglers are cancelled after the
  // grace period): none may be left for the runtime's teardown to find.
  EXPECT_EQ(server.clients_at_stop(), 0u);
  EXPECT_TRUE(stuck->wait_peer_closed(10s));
}

TEST(RedisShutdownTest, ProcessWithAClientThatNeverReadsStillExitsZero) {
  auto server = ServerProcess::start_ours({"--threads=2"});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(query(server->port(), {"SET", "big", std::string(256 * 1024, 'b')}).ok());
  ClientOptions small;
  small.receive_buffer = 4096;
  auto stuck = RespClient::connect(server->port(), small);
  ASSERT_TRUE(stuck.ok());
  fill_until_blocked(*stuck);
  server->signal(SIGTERM);
  auto exited = server->wait(Server::kShutdownGrace + 30s);
  ASSERT_TRUE(exited.has_value()) << "the server did not exit after SIGTERM";
  EXPECT_EQ(exited->exit_code, 0) << "signal " << exited->signal << "\n" << exited->err;
  EXPECT_TRUE(port_closed(server->port()));
}

}  // namespace
}  // namespace corio::redis::e2e
