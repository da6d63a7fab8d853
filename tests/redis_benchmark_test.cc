// redis-benchmark (Debian's, 7.0) against our server, without pipelining and with
// pipelines of 16: it must finish (exit 0: redis-benchmark 7 exits at the first error
// reply), report every test, and leave the keys it wrote. INCR is checked exactly: the
// counters it bumped add up to the number of requests.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/redis_e2e_support.h"

namespace corio::redis::e2e {
namespace {

constexpr int kRequests = 20000;
constexpr int kKeyRange = 1000;  // -r: keys key:000000000000 .. key:000000000999

// Runs the benchmark with pipeline depth `pipeline` and checks what it printed.
void run_benchmark(uint16_t port, int pipeline) {
  std::vector<std::string> argv = {"/usr/bin/redis-benchmark",
                                   "-h", "127.0.0.1",
                                   "-p", std::to_string(port),
                                   "-t", "set,get,incr,mset,ping",
                                   "-n", std::to_string(kRequests),
                                   "-c", "20",
                                   "-P", std::to_string(pipeline),
                                   "-r", std::to_string(kKeyRange),
                                   "-q"};
  // Generous: this bounds a hang, not the speed (sanitizer builds are slow).
  ProcessResult r = run_process(argv, "", 50s);
  ASSERT_FALSE(r.timed_out) << "redis-benchmark hung; output so far:\n" << r.out << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string all = r.out + r.err;
  for (const char* test : {"PING_INLINE: ", "PING_MBULK: ", "SET: ", "GET: ", "INCR: ",
                           "MSET (10 keys): "}) {
    // The final line of each test: "SET: 123.45 requests per second, p50=..."
    size_t at = all.rfind(test);
    ASSERT_NE(at, std::string::npos) << test << " missing from:\n" << all;
    EXPECT_NE(all.find("requests per second", at), std::string::npos) << all;
  }
  EXPECT_EQ(all.find("rror"), std::string::npos) << all;
  EXPECT_EQ(all.find("WARNING"), std::string::npos) << all;
}

// The sum of every counter:* value.
int64_t counter_total(RespClient& c) {
  auto keys = c.command({"KEYS", "counter:*"});
  EXPECT_TRUE(keys.ok()) << keys.status();
  if (!keys.ok() || keys->elements().empty()) return 0;
  std::vector<std::string> mget = {"MGET"};
  for (const Frame& k : keys->elements()) mget.push_back(k.str());
  auto values = c.command(mget);
  EXPECT_TRUE(values.ok()) << values.status();
  int64_t sum = 0;
  for (const Frame& v : values->elements()) sum += std::stoll(v.str());
  return sum;
}

void check_keys_after(uint16_t port, int runs) {
  auto c = RespClient::connect(port);
  ASSERT_TRUE(c.ok()) << c.status();
  auto size = c->command({"DBSIZE"});
  ASSERT_TRUE(size.ok()) << size.status();
  // key:* from SET and MSET, counter:* from INCR, each within the -r range.
  EXPECT_GT(size->as_integer(), 0);
  EXPECT_LE(size->as_integer(), 2 * kKeyRange);
  EXPECT_EQ(counter_total(*c), int64_t{kRequests} * runs);
  auto keys = c->command({"KEYS", "key:*"});
  ASSERT_TRUE(keys.ok());
  ASSERT_FALSE(keys->elements().empty());
  auto value = c->command({"GET", keys->elements()[0].str()});
  ASSERT_TRUE(value.ok());
  ASSERT_EQ(value->kind(), Frame::Kind::kBulk);
  EXPECT_EQ(value->str().size(), 3u);  // -d 3 (random bytes in 7.0)
  auto processed = info_field(*c, "total_commands_processed");
  ASSERT_TRUE(processed.ok());
  EXPECT_GE(*processed, int64_t{6} * kRequests * runs);  // 6 tests (ping is two)
}

TEST(RedisBenchmarkTest, WithoutPipeliningEveryRequestIsAnswered) {
  InProcessServer server;
  run_benchmark(server.port(), 1);
  check_keys_after(server.port(), 1);
}

TEST(RedisBenchmarkTest, WithPipelinesOf16EveryRequestIsAnswered) {
  InProcessServer server;
  run_benchmark(server.port(), 16);
  check_keys_after(server.port(), 1);
}

}  // namespace
}  // namespace corio::redis::e2e
