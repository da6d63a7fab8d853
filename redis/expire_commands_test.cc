// Differential tests (against redis-server 7.0) for expiry: EXPIRE, PEXPIRE, EXPIREAT,
// PEXPIREAT (NX XX GT LT), TTL, PTTL, PERSIST, EXPIRETIME, PEXPIRETIME, and keys that
// expire while nobody looks.
//
// TTL and PTTL depend on when each server runs the command: they are compared as "within
// a range" (IntegerIn). Waiting for a key to expire sleeps well past its deadline; nothing
// asserts how fast anything happened.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/testing/differential.h"

namespace corio::redis::testing {
namespace {

class ExpireCommandsTest : public DifferentialTest {
 protected:
  static void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
};

TEST_F(ExpireCommandsTest, ArityErrors) {
  DiffClient& c = client();
  for (const char* cmd : {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}) {
    EXPECT_SAME(c, cmd);
    EXPECT_SAME(c, cmd, "k");
  }
  for (const char* cmd : {"TTL", "PTTL", "PERSIST", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_SAME(c, cmd);
    EXPECT_SAME(c, cmd, "a", "b");
  }
}

TEST_F(ExpireCommandsTest, TtlOfMissingAndPersistentKeys) {
  DiffClient& c = client();
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_SAME(c, cmd, "nokey");
  }
  EXPECT_SAME(c, "SET", "k", "v");
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_SAME(c, cmd, "k");
  }
  EXPECT_SAME(c, "PERSIST", "k");
  EXPECT_SAME(c, "PERSIST", "nokey");
}

TEST_F(ExpireCommandsTest, SetAndReadExpiry) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "EXPIRE", "k", "100");
  EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(90, 100)));
  EXPECT_TRUE(c.Same({"PTTL", "k"}, IntegerIn(90000, 100000)));
  EXPECT_SAME(c, "PEXPIRE", "k", "200000");
  EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(190, 200)));
  EXPECT_SAME(c, "EXPIREAT", "k", "32503680000");
  EXPECT_SAME(c, "EXPIRETIME", "k");
  EXPECT_SAME(c, "PEXPIRETIME", "k");
  EXPECT_SAME(c, "PEXPIREAT", "k", "32503680000555");
  EXPECT_SAME(c, "EXPIRETIME", "k");  // rounds down
  EXPECT_SAME(c, "PEXPIRETIME", "k");
  EXPECT_SAME(c, "PERSIST", "k");
  EXPECT_SAME(c, "TTL", "k");
  EXPECT_SAME(c, "PERSIST", "k");
  EXPECT_SAME(c, "EXPIRE", "nokey", "100");
  EXPECT_SAME(c, "EXISTS", "nokey");
}

TEST_F(ExpireCommandsTest, TtlOfSubSecondRemainders) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "v", "PX", "1600");
  EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(1, 2)));
  EXPECT_SAME(c, "SET", "k", "v", "PX", "100400");
  EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(90, 100)));
}

TEST_F(ExpireCommandsTest, ExpiryInThePastDeletes) {
  DiffClient& c = client();
  for (const char* cmd : {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}) {
    for (const char* v : {"0", "-5", "1"}) {
      bool relative = std::string(cmd) == "EXPIRE" || std::string(cmd) == "PEXPIRE";
      if (std::string(v) == "1" && relative) continue;  // relative 1: still in the future
      EXPECT_SAME(c, "SET", "k", "v");
      EXPECT_SAME(c, cmd, "k", v);
      EXPECT_SAME(c, "EXISTS", "k");
    }
  }
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "EXPIRE", "k", "-9223372036854775");
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "PEXPIRE", "k", "-9223372036854775808");
  EXPECT_SAME(c, "EXISTS", "k");
}

TEST_F(ExpireCommandsTest, InvalidValues) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "v");
  for (const char* cmd : {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}) {
    for (const char* v : {"abc", "1.5", "", " 1", "+1", "01", "9223372036854775807",
                          "9223372036854775808", "-9223372036854775808", "9223372036854775",
                          "9223372036854776", "-9223372036854776", "92233720368547758"}) {
      EXPECT_SAME(c, cmd, "k", v);
      EXPECT_SAME(c, "SET", "k", "v");
    }
  }
  EXPECT_SAME(c, "EXPIRE", "nokey", "abc");
  EXPECT_SAME(c, "EXPIRE", "nokey", "9223372036854775807");
}

// GT and LT compare with the current expiry: absolute times keep that deterministic (two
// relative EXPIREs a millisecond apart are not equal).
TEST_F(ExpireCommandsTest, Options) {
  DiffClient& c = client();
  const char* t1 = "32503680000";  // year 3000
  const char* t2 = "32503680100";
  const char* t3 = "32503680200";
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "EXPIREAT", "k", t2, "XX");  // no TTL yet
  EXPECT_SAME(c, "EXPIREAT", "k", t2, "GT");  // no TTL is infinite
  EXPECT_SAME(c, "EXPIREAT", "k", t2, "NX");
  EXPECT_SAME(c, "EXPIREAT", "k", t3, "NX");
  EXPECT_SAME(c, "EXPIRETIME", "k");
  EXPECT_SAME(c, "EXPIREAT", "k", t3, "XX");
  EXPECT_SAME(c, "EXPIREAT", "k", t3, "GT");  // equal is not greater
  EXPECT_SAME(c, "EXPIREAT", "k", t2, "GT");
  EXPECT_SAME(c, "EXPIREAT", "k", t3, "LT");  // equal is not less
  EXPECT_SAME(c, "EXPIREAT", "k", t1, "LT");
  EXPECT_SAME(c, "EXPIRETIME", "k");
  EXPECT_SAME(c, "EXPIREAT", "k", t2, "xx", "gt");
  EXPECT_SAME(c, "EXPIREAT", "k", t1, "Xx", "lT");
  EXPECT_SAME(c, "EXPIRETIME", "k");
  EXPECT_SAME(c, "PEXPIREAT", "k", "32503680000001", "GT");
  EXPECT_SAME(c, "PEXPIRETIME", "k");
  EXPECT_SAME(c, "PERSIST", "k");
  EXPECT_SAME(c, "EXPIREAT", "k", t2, "LT");  // no TTL is infinite: anything is less
  EXPECT_SAME(c, "EXPIRETIME", "k");
  EXPECT_SAME(c, "EXPIRE", "k", "100", "GT");  // now + 100 s is long before the year 3000
  EXPECT_SAME(c, "EXPIRE", "k", "100", "LT");
  EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(90, 100)));
  EXPECT_SAME(c, "PEXPIRE", "k", "1000000", "NX");
  EXPECT_SAME(c, "PEXPIRE", "k", "1000000", "XX");
  EXPECT_SAME(c, "EXPIRE", "nokey", "10", "NX");
  EXPECT_SAME(c, "EXPIRE", "nokey", "10", "XX");
}

TEST_F(ExpireCommandsTest, OptionErrors) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "v");
  const std::vector<std::vector<std::string>> combos = {
      {"NX", "XX"}, {"XX", "NX"}, {"NX", "GT"}, {"LT", "NX"}, {"GT", "LT"},
      {"LT", "GT"}, {"XX", "XX"}, {"FOO"},      {"NX", "FOO"}, {"nx", "nx"},
      {""},         {"NX", "XX", "GT", "LT"},   {"KEEPTTL"},
  };
  for (const char* cmd : {"EXPIRE", "PEXPIREAT"}) {
    for (const auto& opts : combos) {
      std::vector<std::string> args = {cmd, "k", "100"};
      args.insert(args.end(), opts.begin(), opts.end());
      EXPECT_TRUE(c.Same(args));
      args[2] = "abc";  // options are checked before the number
      EXPECT_TRUE(c.Same(args));
      args[1] = "nokey";
      EXPECT_TRUE(c.Same(args));
    }
  }
  EXPECT_SAME(c, "EXPIRE", "k", "10", std::string("F\0O", 3));
}

TEST_F(ExpireCommandsTest, WritesDropOrKeepTheTtl) {
  DiffClient& c = client();
  auto with_ttl = [&] {
    EXPECT_SAME(c, "SET", "k", "5", "EX", "100");
  };
  auto ttl_kept = [&] { EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(90, 100))); };
  with_ttl();
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "TTL", "k");
  with_ttl();
  EXPECT_SAME(c, "INCR", "k");
  ttl_kept();
  EXPECT_SAME(c, "INCRBYFLOAT", "k", "1.5");
  ttl_kept();
  EXPECT_SAME(c, "APPEND", "k", "0");
  ttl_kept();
  EXPECT_SAME(c, "SETRANGE", "k", "0", "1");
  ttl_kept();
  EXPECT_SAME(c, "GETSET", "k", "1");
  EXPECT_SAME(c, "TTL", "k");
  with_ttl();
  EXPECT_SAME(c, "MSET", "k", "1");
  EXPECT_SAME(c, "TTL", "k");
  with_ttl();
  EXPECT_SAME(c, "SETNX", "k", "1");
  ttl_kept();
  EXPECT_SAME(c, "SET", "k", "x", "KEEPTTL");
  ttl_kept();
  EXPECT_SAME(c, "RENAME", "k", "k2");
  EXPECT_TRUE(c.Same({"TTL", "k2"}, IntegerIn(90, 100)));
  EXPECT_SAME(c, "MOVE", "k2", "1");
  EXPECT_SAME(c, "SELECT", "1");
  EXPECT_TRUE(c.Same({"TTL", "k2"}, IntegerIn(90, 100)));
}

TEST_F(ExpireCommandsTest, KeysExpire) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "a", "1", "PX", "100");
  EXPECT_SAME(c, "SET", "b", "1", "PX", "100");
  EXPECT_SAME(c, "SET", "c", "1", "PX", "100");
  EXPECT_SAME(c, "SET", "d", "1", "PX", "100");
  EXPECT_SAME(c, "SET", "keep", "1");
  SleepMs(400);
  // Every way of looking at an expired key sees nothing.
  EXPECT_SAME(c, "GET", "a");
  EXPECT_SAME(c, "EXISTS", "b");
  EXPECT_SAME(c, "TTL", "c");
  EXPECT_TRUE(c.Same({"KEYS", "*"}, SortedArray()));
  EXPECT_TRUE(c.Same({"SCAN", "0"}, SortedArrayAt(1)));
  EXPECT_SAME(c, "RANDOMKEY");
  EXPECT_SAME(c, "MGET", "a", "b", "c", "d", "keep");
  EXPECT_SAME(c, "RENAME", "d", "e");
  EXPECT_SAME(c, "INCR", "a");  // starts again from nothing
  EXPECT_SAME(c, "TTL", "a");
}

TEST_F(ExpireCommandsTest, ActiveExpiryEmptiesTheDatabase) {
  DiffClient& c = client();
  for (int i = 0; i < 50; ++i) {
    EXPECT_SAME(c, "SET", "key:" + std::to_string(i), "v", "PX", "50");
  }
  // Nobody reads them: the servers' background expiry must delete them (Redis runs it
  // 10 times a second; so does ours). Wait until both are empty, bounded.
  for (int i = 0; i < 100; ++i) {
    SleepMs(100);
    auto r = c.Exchange(EncodeCommand({"DBSIZE"}));
    ASSERT_TRUE(r.ours.ok() && r.theirs.ok());
    if (*r.ours == ":0\r\n" && *r.theirs == ":0\r\n") break;
  }
  EXPECT_SAME(c, "DBSIZE");
  EXPECT_SAME(c, "INFO", "keyspace");
}

TEST_F(ExpireCommandsTest, Resp3Replies) {
  DiffClient& c = client();
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_SAME(c, "TTL", "nokey");
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "EXPIRE", "k", "100");
  EXPECT_SAME(c, "EXPIRE", "k", "100", "NX");
  EXPECT_SAME(c, "EXPIRE", "k", "100", "NX", "XX");
  EXPECT_SAME(c, "PERSIST", "k");
}

}  // namespace
}  // namespace corio::redis::testing
