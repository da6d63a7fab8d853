// The server's limits and access control, end to end over TCP:
//  - --maxclients: the client past the limit gets "-ERR max number of clients reached"
//    and is closed; the others are unaffected; a freed slot can be used again.
//  - --requirepass: everything but AUTH/HELLO/QUIT answers NOAUTH, a wrong password
//    WRONGPASS, the right one (AUTH or HELLO ... AUTH) opens the connection.
//  - the same settings given to //redis:server as command-line flags;
//  - Pipelining: a batch whose replies outgrow the output buffer is answered in full.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/redis_e2e_support.h"

namespace corio::redis::e2e {
namespace {

const Frame kPong = Frame::simple("PONG");
const Frame kOk = Frame::simple("OK");
const Frame kNoAuth = Frame::error("NOAUTH Authentication required.");
const Frame kWrongPass =
    Frame::error("WRONGPASS invalid username-password pair or user is disabled.");

TEST(RedisServerTest, ClientPastMaxclientsIsToldAndClosedOthersUnaffected) {
  ServerConfig config;
  config.maxclients = 5;
  InProcessServer server(config);
  std::vector<RespClient> clients;
  for (int i = 0; i < 5; ++i) {
    auto c = RespClient::connect(server.port());
    ASSERT_TRUE(c.ok());
    auto r = c->command({"SET", "k" + std::to_string(i), std::to_string(i)});
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(*r, kOk) << r->to_string();
    clients.push_back(*std::move(c));
  }

  // The sixth: the kernel accepts the TCP connection, the server answers and closes.
  auto extra = RespClient::connect(server.port());
  ASSERT_TRUE(extra.ok());
  (void)extra->send({"PING"});  // may fail once the server closed: it must not be answered
  auto said = extra->read_until_eof();
  ASSERT_TRUE(said.ok()) << said.status();
  EXPECT_EQ(*said, "-ERR max number of clients reached\r\n");

  // The five keep working.
  for (int i = 0; i < 5; ++i) {
    auto r = clients[i].command({"GET", "k" + std::to_string(i)});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, Frame::bulk(std::to_string(i)));
  }
  auto rejected = info_field(clients[0], "rejected_connections");
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(*rejected, 1);
  auto connected = info_field(clients[0], "connected_clients");
  ASSERT_TRUE(connected.ok());
  EXPECT_EQ(*connected, 5);

  // One leaves: its slot is free again (once the server has seen it go).
  clients.pop_back();
  bool admitted = wait_until([&] {
    auto r = query(server.port(), {"PING"});
    return r.ok() && *r == kPong;
  });
  EXPECT_TRUE(admitted) << "a freed slot was never reused";
}

TEST(RedisServerTest, RequirepassGatesEverythingButAuthHelloQuit) {
  ServerConfig config;
  config.requirepass = "s3cret";
  InProcessServer server(config);
  auto c = RespClient::connect(server.port());
  ASSERT_TRUE(c.ok());
  const std::vector<std::vector<std::string>> gated = {
      {"PING"},           {"GET", "k"},          {"SET", "k", "v"},   {"DEL", "k"},
      {"SELECT", "1"},    {"MULTI"},             {"EXEC"},            {"WATCH", "k"},
      {"SUBSCRIBE", "c"}, {"PUBLISH", "c", "m"}, {"DBSIZE"},          {"KEYS", "*"},
      {"INFO"},           {"CONFIG", "GET", "*"}, {"CLIENT", "LIST"}, {"COMMAND", "COUNT"},
      {"FLUSHALL"},       {"SHUTDOWN"},          {"ECHO", "x"},       {"INCR", "n"}};
  for (const auto& cmd : gated) {
    auto r = c->command(cmd);
    ASSERT_TRUE(r.ok()) << cmd[0] << ": " << r.status();
    if (cmd[0] == "EXEC") {
      // A refused EXEC aborts the transaction, quoting the refusal (as redis-server 7.0).
      EXPECT_EQ(r->to_string(),
                Frame::error("EXECABORT Transaction discarded because of: NOAUTH "
                             "Authentication required.").to_string());
      continue;
    }
    EXPECT_EQ(*r, kNoAuth) << cmd[0] << " answered " << r->to_string();
  }
  // HELLO is allowed, but not to open the connection without the password.
  auto hello = c->command({"HELLO", "3"});
  ASSERT_TRUE(hello.ok());
  ASSERT_EQ(hello->kind(), Frame::Kind::kError);
  EXPECT_EQ(hello->str().rfind("NOAUTH HELLO must be called with the client already "
                               "authenticated", 0),
            0u)
      << hello->to_string();
  auto wrong_hello = c->command({"HELLO", "3", "AUTH", "default", "nope"});
  ASSERT_TRUE(wrong_hello.ok());
  EXPECT_EQ(*wrong_hello, kWrongPass);
  for (const auto& cmd : std::vector<std::vector<std::string>>{
           {"AUTH", "nope"}, {"AUTH", "default", "nope"}, {"AUTH", "s3cret2"}, {"AUTH", ""}}) {
    auto r = c->command(cmd);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, kWrongPass) << cmd[1];
  }
  // Still locked after the failures.
  auto still = c->command({"GET", "k"});
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(*still, kNoAuth);

  auto auth = c->command({"AUTH", "s3cret"});
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(*auth, kOk);
  auto set = c->command({"SET", "k", "v"});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, kOk);
  auto get = c->command({"GET", "k"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(*get, Frame::bulk("v"));
  // A wrong AUTH later does not lock an authenticated connection again (as in Redis).
  auto again = c->command({"AUTH", "nope"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, kWrongPass);
  auto after = c->command({"GET", "k"});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, Frame::bulk("v"));

  // HELLO with AUTH opens another connection and switches it to RESP3 in one step.
  auto d = RespClient::connect(server.port());
  ASSERT_TRUE(d.ok());
  auto hello3 = d->command({"HELLO", "3", "AUTH", "default", "s3cret"});
  ASSERT_TRUE(hello3.ok());
  EXPECT_EQ(hello3->kind(), Frame::Kind::kMap) << hello3->to_string();
  auto get3 = d->command({"GET", "k"});
  ASSERT_TRUE(get3.ok());
  EXPECT_EQ(*get3, Frame::bulk("v"));

  // QUIT needs no password: it answers and closes.
  auto e = RespClient::connect(server.port());
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(e->send({"QUIT"}).ok());
  auto bye = e->read_until_eof();
  ASSERT_TRUE(bye.ok());
  EXPECT_EQ(*bye, "+OK\r\n");
}

TEST(RedisServerTest, UnauthenticatedClientCannotSendBigRequests) {
  // Redis bounds what an unauthenticated client may make the server buffer.
  ServerConfig config;
  config.requirepass = "s3cret";
  InProcessServer server(config);
  auto c = RespClient::connect(server.port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->send_raw("*11\r\n").ok());
  auto said = c->read_until_eof();
  ASSERT_TRUE(said.ok()) << said.status();
  EXPECT_EQ(*said, "-ERR Protocol error: unauthenticated multibulk length\r\n");
  auto d = RespClient::connect(server.port());
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->send_raw("*2\r\n$4\r\nAUTH\r\n$16385\r\n").ok());
  auto said2 = d->read_until_eof();
  ASSERT_TRUE(said2.ok()) << said2.status();
  EXPECT_EQ(*said2, "-ERR Protocol error: unauthenticated bulk length\r\n");
  // The server is fine.
  auto e = RespClient::connect(server.port());
  ASSERT_TRUE(e.ok());
  auto auth = e->command({"AUTH", "s3cret"});
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(*auth, kOk);
}

TEST(RedisServerTest, CommandLineFlagsReachTheServer) {
  // //redis:server --maxclients --requirepass --proto-max-bulk-len, as a subprocess.
  auto server = ServerProcess::start_ours(
      {"--threads=2", "--maxclients=2", "--requirepass=pw", "--proto_max_bulk_len=1048576"});
  ASSERT_TRUE(server.ok()) << server.status();
  std::vector<RespClient> clients;
  for (int i = 0; i < 2; ++i) {
    auto c = RespClient::connect(server->port());
    ASSERT_TRUE(c.ok());
    auto locked = c->command({"GET", "k"});
    ASSERT_TRUE(locked.ok()) << locked.status();
    EXPECT_EQ(*locked, kNoAuth);
    auto auth = c->command({"AUTH", "pw"});
    ASSERT_TRUE(auth.ok());
    EXPECT_EQ(*auth, kOk);
    clients.push_back(*std::move(c));
  }
  auto third = RespClient::connect(server->port());
  ASSERT_TRUE(third.ok());
  auto refused = third->read_until_eof();
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(*refused, "-ERR max number of clients reached\r\n");
  auto limit = clients[0].command({"CONFIG", "GET", "proto-max-bulk-len"});
  ASSERT_TRUE(limit.ok());
  EXPECT_EQ(*limit, Frame::array({Frame::bulk("proto-max-bulk-len"), Frame::bulk("1048576")}));
  ASSERT_TRUE(clients[1].send_raw("*2\r\n$3\r\nGET\r\n$1048577\r\n").ok());
  auto too_big = clients[1].read_until_eof();
  ASSERT_TRUE(too_big.ok()) << too_big.status();
  EXPECT_EQ(*too_big, "-ERR Protocol error: invalid bulk length\r\n");
}

TEST(RedisServerTest, PipelinedBatchWithLargeRepliesIsAnsweredInFull) {
  // Ten GETs of a 100 KB value in one write: their replies (1 MB) outgrow the 64 KB at
  // which the connection flushes in the middle of a batch; the rest of the batch is
  // already buffered and no more input will come: it must still be answered.
  InProcessServer server;
  auto c = RespClient::connect(server.port());
  ASSERT_TRUE(c.ok());
  std::string value(100 * 1024, 'v');
  auto set = c->command({"SET", "big", value});
  ASSERT_TRUE(set.ok());
  std::string batch;
  for (int i = 0; i < 10; ++i) batch += encode_command({"GET", "big"});
  batch += encode_command({"PING"});
  ASSERT_TRUE(c->send_raw(batch).ok());
  for (int i = 0; i < 10; ++i) {
    auto r = c->read_reply();
    ASSERT_TRUE(r.ok()) << "reply " << i << ": " << r.status();
    ASSERT_EQ(r->kind(), Frame::Kind::kBulk);
    EXPECT_EQ(r->str().size(), value.size());
  }
  auto pong = c->read_reply();
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_EQ(*pong, kPong);
}

TEST(RedisServerTest, ManySmallCommandsInOneWriteAreAllAnswered) {
  // 100,000 INCRs in one write (1.5 MB of requests): answered in order, none lost.
  InProcessServer server;
  auto c = RespClient::connect(server.port());
  ASSERT_TRUE(c.ok());
  constexpr int kCount = 100000;
  std::string batch;
  for (int i = 0; i < kCount; ++i) batch += encode_command({"INCR", "n"});
  // Send from a thread: the replies must be read while the requests are still going out.
  std::thread sender([&] { EXPECT_TRUE(c->send_raw(batch).ok()); });
  int64_t expected = 1;
  for (; expected <= kCount; ++expected) {
    auto r = c->read_reply();
    if (!r.ok()) {
      ADD_FAILURE() << "reply " << expected << ": " << r.status();
      break;
    }
    if (*r != Frame::integer(expected)) {
      ADD_FAILURE() << "reply " << expected << " was " << r->to_string();
      break;
    }
  }
  sender.join();
}

}  // namespace
}  // namespace corio::redis::e2e
