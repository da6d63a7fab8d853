// Expiry end to end, on the paused clock: the server and its client share one
// current-thread runtime whose clock is paused, so minutes of TTL pass in no wall time.
//  - Active expiry: keys nobody touches disappear soon after their TTL passes (DBSIZE and
//    INFO count them without touching them); keys without a TTL stay.
//  - Lazy expiry: a key whose TTL has passed is gone for every command that touches it,
//    even before the active cycle reaches it: in one batch, DBSIZE still counts it, the
//    access answers as for a missing key, and the next DBSIZE no longer counts it.
//
// Paused time moves only by time::advance/sleep here and when the runtime idles with a
// timer armed (it jumps to the next deadline: at most the purge task's 100 ms per idle),
// so TTLs are chosen far longer than anything the set-up can accumulate.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "redis/server.h"
#include "runtime/combinators.h"
#include "runtime/runtime.h"
#include "runtime/time/sleep.h"
#include "tests/redis_e2e_support.h"

namespace corio::redis::e2e {
namespace {

// Sends `commands` as one write and returns their replies in order.
Task<absl::StatusOr<std::vector<Frame>>> pipeline(AsyncRespClient& c,
                                                  std::vector<std::vector<std::string>> commands) {
  std::string bytes;
  for (const auto& cmd : commands) bytes += encode_command(cmd);
  auto sending = c.send_raw(std::move(bytes));
  absl::Status s = co_await sending;
  if (!s.ok()) co_return s;
  auto reading = c.read_replies(commands.size());
  co_return co_await reading;
}

Task<int64_t> integer_reply(AsyncRespClient& c, std::vector<std::string> command) {
  auto asking = c.command(std::move(command));
  auto r = co_await asking;
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok() || r->kind() != Frame::Kind::kInteger) {
    ADD_FAILURE() << "not an integer: " << (r.ok() ? r->to_string() : "");
    co_return -1;
  }
  co_return r->as_integer();
}

Task<int64_t> info_integer(AsyncRespClient& c, std::string field) {
  auto asking = c.command({"INFO", "stats"});
  auto r = co_await asking;
  if (!r.ok() || r->kind() != Frame::Kind::kBulk) co_return -1;
  size_t at = r->str().find(field + ":");
  if (at == std::string::npos) co_return -1;
  co_return std::stoll(r->str().substr(at + field.size() + 1));
}

// Runs `body` against a server on this paused current-thread runtime, then shuts it down.
template <typename Body>
void with_paused_server(Body body) {
  Runtime rt = Builder::current_thread().enable_all().build();
  // The limit is on wall time (block_on_for's own clock): it only turns a hang into a failure.
  auto result = rt.block_on_for(co_invoke([&]() -> Task<void> {
    time::pause();
    ServerConfig config;
    config.port = 0;
    Server server(config);
    EXPECT_TRUE(server.bind().ok());
    auto serving = spawn(server.run());
    auto connecting = AsyncRespClient::connect(server.port());
    auto client = co_await connecting;
    EXPECT_TRUE(client.ok()) << client.status();
    if (client.ok()) {
      auto running = body(server, *client);
      co_await running;
    }
    server.request_shutdown();
    auto stopped = co_await serving;
    EXPECT_TRUE(stopped.ok());
  }), std::chrono::seconds(50));
  ASSERT_TRUE(result.ok()) << result;
}

TEST(RedisExpiryTest, ActiveExpiryRemovesKeysNobodyTouches) {
  with_paused_server([](Server& server, AsyncRespClient& c) -> Task<void> {
    (void)server;
    constexpr int kPerGroup = 1000;
    std::vector<std::vector<std::string>> sets;
    for (int i = 0; i < kPerGroup; ++i) {
      sets.push_back({"SET", "short:" + std::to_string(i), "v", "EX", "60"});
      sets.push_back({"SET", "long:" + std::to_string(i), "v", "EX", "120"});
      sets.push_back({"SET", "forever:" + std::to_string(i), "v"});
    }
    time::Instant start = time::now();
    auto setting = pipeline(c, sets);
    auto replies = co_await setting;
    EXPECT_TRUE(replies.ok()) << replies.status();
    time::Instant set_done = time::now();
    auto dbsize = integer_reply(c, {"DBSIZE"});
    int64_t dbsize_value = co_await dbsize;
    EXPECT_EQ(dbsize_value, 3 * kPerGroup);
    // Set-up cost some idle jumps of paused time, nowhere near the first TTL.
    EXPECT_LT(time::now() - start, std::chrono::seconds(10));

    // (Every idle jump is one 100 ms purge tick, so sleeps are minutes, not days.)
    // The active cycle samples keys at random, as Redis's does: an expired key survives a
    // tick with probability about 3/4 here, so it is gone within seconds, and after 30 s
    // (300 ticks) every one of them is, with certainty for practical purposes.
    // 90 s: the short keys are gone, without anyone asking for them.
    co_await time::sleep(std::chrono::seconds(90));
    auto after_short_ttl = integer_reply(c, {"DBSIZE"});
    int64_t after_short_ttl_value = co_await after_short_ttl;
    EXPECT_EQ(after_short_ttl_value, 2 * kPerGroup);
    auto expired = info_integer(c, "expired_keys");
    int64_t expired_value = co_await expired;
    EXPECT_EQ(expired_value, kPerGroup);
    // The long keys are still there, with what is left of their TTL.
    auto ttl = integer_reply(c, {"TTL", "long:7"});
    int64_t long_ttl = co_await ttl;
    auto secs = [](auto d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); };
    EXPECT_GE(long_ttl, 120 - secs(time::now() - start) - 1);
    EXPECT_LE(long_ttl, 120 - secs(time::now() - set_done) + 1);
    EXPECT_GT(long_ttl, 0);

    co_await time::sleep(std::chrono::seconds(90));
    auto after_long_ttl = integer_reply(c, {"DBSIZE"});
    int64_t after_long_ttl_value = co_await after_long_ttl;
    EXPECT_EQ(after_long_ttl_value, kPerGroup);
    auto expired_all = info_integer(c, "expired_keys");
    int64_t expired_all_value = co_await expired_all;
    EXPECT_EQ(expired_all_value, 2 * kPerGroup);
    // Only the keys without a TTL are left, with their values.
    auto left = pipeline(c, {{"GET", "forever:0"}, {"GET", "forever:999"}, {"EXISTS", "short:1"},
                             {"EXISTS", "long:1"}});
    auto got = co_await left;
    EXPECT_TRUE(got.ok());
    if (got.ok()) {
      EXPECT_EQ((*got)[0], Frame::bulk("v"));
      EXPECT_EQ((*got)[1], Frame::bulk("v"));
      EXPECT_EQ((*got)[2], Frame::integer(0));
      EXPECT_EQ((*got)[3], Frame::integer(0));
    }
  });
}

TEST(RedisExpiryTest, AnExpiredKeyIsGoneForEveryCommandThatTouchesIt) {
  with_paused_server([](Server& server, AsyncRespClient& c) -> Task<void> {
    (void)server;
    // Many keys, so that the active cycle (at most 16 x 20 keys per shard per 100 ms tick)
    // cannot have removed them all by the time the checks run: most of the checks meet a
    // key that is still stored but expired.
    constexpr int kKeys = 40000;
    std::vector<std::vector<std::string>> sets;
    for (int i = 0; i < kKeys; ++i) {
      sets.push_back({"SET", "k:" + std::to_string(i), "value", "EX", "600"});
    }
    auto setting = pipeline(c, std::move(sets));
    auto set_replies = co_await setting;
    EXPECT_TRUE(set_replies.ok());
    // Before the TTL: every accessor sees the key.
    auto before = pipeline(c, {{"GET", "k:1"}, {"EXISTS", "k:1"}, {"STRLEN", "k:1"},
                               {"TYPE", "k:1"}});
    auto seen = co_await before;
    EXPECT_TRUE(seen.ok());
    if (seen.ok()) {
      EXPECT_EQ((*seen)[0], Frame::bulk("value"));
      EXPECT_EQ((*seen)[1], Frame::integer(1));
      EXPECT_EQ((*seen)[2], Frame::integer(5));
      EXPECT_EQ((*seen)[3], Frame::simple("string"));
    }

    // One step past the TTL (not a sleep: that would idle through many purge ticks).
    time::advance(std::chrono::seconds(601));

    // For each probed key, in one batch: DBSIZE, an access, DBSIZE.
    constexpr int kProbes = 400;
    const std::vector<std::vector<std::string>> accessors = {
        {"GET"}, {"EXISTS"}, {"TTL"}, {"PTTL"}, {"STRLEN"}, {"TYPE"}, {"GETRANGE", "", "0", "-1"}};
    const std::vector<Frame> missing = {Frame::null(),         Frame::integer(0),
                                        Frame::integer(-2),    Frame::integer(-2),
                                        Frame::integer(0),     Frame::simple("none"),
                                        Frame::bulk("")};
    std::vector<std::vector<std::string>> probes;
    for (int i = 0; i < kProbes; ++i) {
      std::vector<std::string> access = accessors[i % accessors.size()];
      std::string key = "k:" + std::to_string(i * (kKeys / kProbes));
      if (access.size() == 1) {
        access.push_back(key);
      } else {
        access[1] = key;
      }
      probes.push_back({"DBSIZE"});
      probes.push_back(access);
      probes.push_back({"DBSIZE"});
    }
    auto probing = pipeline(c, probes);
    auto replies = co_await probing;
    EXPECT_TRUE(replies.ok()) << replies.status();
    if (!replies.ok()) co_return;
    int removed_by_access = 0;
    for (int i = 0; i < kProbes; ++i) {
      const Frame& size_before = (*replies)[3 * i];
      const Frame& answer = (*replies)[3 * i + 1];
      const Frame& size_after = (*replies)[3 * i + 2];
      // Never the stale value, whoever removed the key.
      EXPECT_EQ(answer, missing[i % missing.size()]) << probes[3 * i + 1][0];
      int64_t d = size_before.as_integer() - size_after.as_integer();
      EXPECT_GE(d, 0);
      if (d == 1) ++removed_by_access;
    }
    // Most probes found the key still stored and removed it by touching it. (With at most
    // a few purge ticks in between, about 30000 of the 40000 keys are still stored.)
    std::printf("%d of %d probes removed the expired key they touched\n", removed_by_access,
                kProbes);
    EXPECT_GE(removed_by_access, kProbes / 4) << "the access path did not remove expired keys";
    auto expired = info_integer(c, "expired_keys");
    int64_t expired_value = co_await expired;
    EXPECT_GE(expired_value, removed_by_access);
  });
}

}  // namespace
}  // namespace corio::redis::e2e
