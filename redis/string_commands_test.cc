// Differential tests (against redis-server 7.0) for the string commands: GET, SET and its
// options, SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX, APPEND, STRLEN,
// GETRANGE, SUBSTR, SETRANGE, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, LCS, and the
// string encodings OBJECT ENCODING reports.
#include <string>

#include "redis/testing/differential.h"

namespace corio::redis::testing {
namespace {

class StringCommandsTest : public DifferentialTest {};

TEST_F(StringCommandsTest, GetAndSetRoundTrip) {
  DiffClient& c = client();
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SET", "k", "");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SET", "k", std::string("a\0b\r\nc", 6));
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SET", std::string("\0key", 4), "binary key");
  EXPECT_SAME(c, "GET", std::string("\0key", 4));
  EXPECT_SAME(c, "set", "K", "upper");  // command names are case-insensitive, keys are not
  EXPECT_SAME(c, "gEt", "k");
  EXPECT_SAME(c, "GET", "K");
}

TEST_F(StringCommandsTest, LargeValuesRoundTrip) {
  DiffClient& c = client();
  std::string big(1 << 20, 'x');
  big[12345] = '\0';
  EXPECT_SAME(c, "SET", "big", big);
  EXPECT_SAME(c, "GET", "big");
  EXPECT_SAME(c, "STRLEN", "big");
  EXPECT_SAME(c, "APPEND", "big", big);
  EXPECT_SAME(c, "STRLEN", "big");
  EXPECT_SAME(c, "GETRANGE", "big", "1048570", "1048590");
}

TEST_F(StringCommandsTest, ArityErrors) {
  DiffClient& c = client();
  for (const char* cmd : {"GET", "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETDEL", "GETEX",
                          "MGET", "MSET", "MSETNX", "APPEND", "STRLEN", "GETRANGE", "SUBSTR",
                          "SETRANGE", "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT", "LCS"}) {
    EXPECT_SAME(c, cmd);
    EXPECT_SAME(c, cmd, "k");
    EXPECT_SAME(c, cmd, "k", "1", "2", "3", "4");
  }
  EXPECT_SAME(c, "GET", "a", "b");
  EXPECT_SAME(c, "SET", "k");
  EXPECT_SAME(c, "MSET", "a", "1", "b");
  EXPECT_SAME(c, "MSETNX", "a", "1", "b");
  EXPECT_SAME(c, "GETRANGE", "k", "0");
}

// A value of the same length replaces the old one in place (no new entry): the key must
// still behave exactly as a freshly set one (expiry, encoding, other keys untouched).
TEST_F(StringCommandsTest, SameLengthOverwriteBehavesAsAFreshValue) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "12345", "EX", "100");
  EXPECT_SAME(c, "TTL", "k");
  EXPECT_SAME(c, "SET", "k", "54321");
  EXPECT_SAME(c, "TTL", "k");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "k");
  EXPECT_SAME(c, "SETRANGE", "k", "0", "ab");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "k");
  EXPECT_SAME(c, "SET", "k", "99999", "PX", "100000");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "k");
  EXPECT_SAME(c, "TTL", "k");
  EXPECT_SAME(c, "SET", "k", "abcde", "KEEPTTL");
  EXPECT_SAME(c, "TTL", "k");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "k");
  EXPECT_SAME(c, "SET", "k", "fghij", "GET");
  EXPECT_SAME(c, "GETSET", "k", "klmno");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "INCRBYFLOAT", "n", "1.5");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "n");
  EXPECT_SAME(c, "SET", "n", "2.5");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "n");
  EXPECT_SAME(c, "INCR", "i");
  EXPECT_SAME(c, "INCR", "i");
  EXPECT_SAME(c, "COPY", "k", "k2");
  EXPECT_SAME(c, "SET", "k2", "pqrst");
  EXPECT_SAME(c, "MGET", "k", "k2", "i", "n");
  EXPECT_SAME(c, "SET", "k", "abcde", "EX", "100");
  EXPECT_SAME(c, "PERSIST", "k");
  EXPECT_SAME(c, "DBSIZE");
}

TEST_F(StringCommandsTest, SetConditions) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "v", "XX");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SET", "k", "v", "NX");
  EXPECT_SAME(c, "SET", "k", "v2", "NX");
  EXPECT_SAME(c, "SET", "k", "v3", "XX");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SET", "k", "v", "nx", "nx");  // a repeated option is fine
  EXPECT_SAME(c, "SET", "k", "v", "xx", "XX");
  EXPECT_SAME(c, "SET", "k", "v", "NX", "XX");
  EXPECT_SAME(c, "SET", "k", "v", "XX", "NX");
  EXPECT_SAME(c, "SET", "k", "v", "FOO");
  EXPECT_SAME(c, "SET", "k", "v", "N");
  EXPECT_SAME(c, "SET", "k", "v", "NXX");
  EXPECT_SAME(c, "SET", "k", "v", "");
}

TEST_F(StringCommandsTest, SetGetOption) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "v1", "GET");
  EXPECT_SAME(c, "SET", "k", "v2", "GET");
  EXPECT_SAME(c, "SET", "k", "v3", "get", "GET");
  EXPECT_SAME(c, "SET", "k", "v4", "NX", "GET");  // allowed together since 7.0
  EXPECT_SAME(c, "SET", "new", "v", "NX", "GET");
  EXPECT_SAME(c, "SET", "other", "v", "XX", "GET");
  EXPECT_SAME(c, "SET", "k", "v5", "XX", "GET");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "GET", "other");
}

TEST_F(StringCommandsTest, SetExpiryOptions) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "v", "EX", "100");
  EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(90, 100)));
  EXPECT_SAME(c, "SET", "k", "v", "PX", "100000");
  EXPECT_TRUE(c.Same({"PTTL", "k"}, IntegerIn(90000, 100000)));
  EXPECT_SAME(c, "SET", "k", "v", "EXAT", "32503680000");
  EXPECT_SAME(c, "EXPIRETIME", "k");
  EXPECT_SAME(c, "SET", "k", "v", "PXAT", "32503680000123");
  EXPECT_SAME(c, "PEXPIRETIME", "k");
  EXPECT_SAME(c, "SET", "k", "v2", "KEEPTTL");
  EXPECT_SAME(c, "PEXPIRETIME", "k");
  EXPECT_SAME(c, "SET", "k", "v3");
  EXPECT_SAME(c, "TTL", "k");  // a plain SET drops the TTL
  EXPECT_SAME(c, "SET", "k", "v", "ex", "10", "EX", "20");  // the last one wins
  EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(10, 20)));
  EXPECT_SAME(c, "SET", "k", "v", "PX", "10", "px", "20000");
  EXPECT_SAME(c, "SET", "k", "v", "KEEPTTL", "KEEPTTL");
  EXPECT_SAME(c, "SET", "k", "v", "EXAT", "32503680000", "EXAT", "32503680001");
  EXPECT_SAME(c, "EXPIRETIME", "k");
  EXPECT_SAME(c, "SET", "k", "v", "EX", "10", "GET", "NX");
}

TEST_F(StringCommandsTest, SetExpiryOptionConflicts) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "v", "EX", "10", "PX", "100");
  EXPECT_SAME(c, "SET", "k", "v", "PX", "10", "EX", "100");
  EXPECT_SAME(c, "SET", "k", "v", "EX", "10", "EXAT", "100");
  EXPECT_SAME(c, "SET", "k", "v", "PXAT", "10", "EXAT", "100");
  EXPECT_SAME(c, "SET", "k", "v", "KEEPTTL", "EX", "10");
  EXPECT_SAME(c, "SET", "k", "v", "EX", "10", "KEEPTTL");
  EXPECT_SAME(c, "SET", "k", "v", "PERSIST");
  EXPECT_SAME(c, "SET", "k", "v", "EX");
  EXPECT_SAME(c, "SET", "k", "v", "PX");
  EXPECT_SAME(c, "SET", "k", "v", "EX", "10", "EX");
  // A syntax error comes before a bad number, wherever they are.
  EXPECT_SAME(c, "SET", "k", "v", "EX", "abc", "FOO");
}

TEST_F(StringCommandsTest, SetExpiryValues) {
  DiffClient& c = client();
  for (const char* unit : {"EX", "PX", "EXAT", "PXAT"}) {
    for (const char* v : {"0", "-1", "abc", "1.5", "1e3", "+10", "010", " 10", "10 ", "",
                          "9223372036854775807", "9223372036854775808", "9223372036854775",
                          "9223372036854776", "-9223372036854775808"}) {
      EXPECT_SAME(c, "SET", "k", "v", unit, v);
    }
  }
  EXPECT_SAME(c, "SET", "k", "v", "PX", "9223372036854775806");  // overflows with now
  EXPECT_SAME(c, "SET", "k", "v", "EX", "9223372036854775");     // * 1000 overflows with now
}

TEST_F(StringCommandsTest, SetWithExpiryInThePastLeavesNoKey) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "v", "EXAT", "1");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "EXISTS", "k");
  EXPECT_SAME(c, "SET", "k", "v", "PXAT", "1", "GET");
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "SET", "k", "v2", "PXAT", "1", "GET");
  EXPECT_SAME(c, "GET", "k");
}

TEST_F(StringCommandsTest, SetnxSetexPsetex) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SETNX", "k", "v");
  EXPECT_SAME(c, "SETNX", "k", "v2");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SETEX", "k", "100", "v");
  EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(90, 100)));
  EXPECT_SAME(c, "PSETEX", "k", "100000", "v");
  EXPECT_TRUE(c.Same({"PTTL", "k"}, IntegerIn(90000, 100000)));
  for (const char* cmd : {"SETEX", "PSETEX"}) {
    for (const char* v : {"0", "-5", "abc", "1.5", "9223372036854775807", "9223372036854775",
                          "922337203685477", "9223372036854775808", ""}) {
      EXPECT_SAME(c, cmd, "k2", v, "v");
    }
  }
  EXPECT_SAME(c, "EXISTS", "k2");
}

TEST_F(StringCommandsTest, GetsetAndGetdel) {
  DiffClient& c = client();
  EXPECT_SAME(c, "GETSET", "k", "v1");
  EXPECT_SAME(c, "GETSET", "k", "v2");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SETEX", "k", "100", "v");
  EXPECT_SAME(c, "GETSET", "k", "v3");
  EXPECT_SAME(c, "TTL", "k");  // GETSET drops the TTL
  EXPECT_SAME(c, "GETDEL", "k");
  EXPECT_SAME(c, "GETDEL", "k");
  EXPECT_SAME(c, "EXISTS", "k");
}

TEST_F(StringCommandsTest, Getex) {
  DiffClient& c = client();
  EXPECT_SAME(c, "GETEX", "nokey");
  EXPECT_SAME(c, "GETEX", "nokey", "EX", "10");
  EXPECT_SAME(c, "GETEX", "nokey", "EX", "abc");  // no key: the value is never parsed
  EXPECT_SAME(c, "GETEX", "nokey", "FOO");
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "GETEX", "k");
  EXPECT_SAME(c, "TTL", "k");
  EXPECT_SAME(c, "GETEX", "k", "EX", "100");
  EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(90, 100)));
  EXPECT_SAME(c, "GETEX", "k", "PERSIST");
  EXPECT_SAME(c, "TTL", "k");
  EXPECT_SAME(c, "GETEX", "k", "PX", "100000");
  EXPECT_TRUE(c.Same({"PTTL", "k"}, IntegerIn(90000, 100000)));
  EXPECT_SAME(c, "GETEX", "k", "EXAT", "32503680000");
  EXPECT_SAME(c, "EXPIRETIME", "k");
  EXPECT_SAME(c, "GETEX", "k", "PXAT", "32503680000999");
  EXPECT_SAME(c, "PEXPIRETIME", "k");
  EXPECT_SAME(c, "GETEX", "k", "PERSIST", "PERSIST");
  EXPECT_SAME(c, "GETEX", "k", "EX", "10", "EX", "20");
  for (const char* v : {"0", "-1", "abc", "9223372036854775807", "9223372036854775", ""}) {
    EXPECT_SAME(c, "GETEX", "k", "EX", v);
    EXPECT_SAME(c, "GETEX", "k", "PXAT", v);
  }
  EXPECT_SAME(c, "GETEX", "k", "EX", "10", "PX", "10");
  EXPECT_SAME(c, "GETEX", "k", "PERSIST", "EX", "10");
  EXPECT_SAME(c, "GETEX", "k", "EX", "10", "PERSIST");
  EXPECT_SAME(c, "GETEX", "k", "EX");
  EXPECT_SAME(c, "GETEX", "k", "KEEPTTL");  // a SET option
  EXPECT_SAME(c, "GETEX", "k", "NX");
  EXPECT_SAME(c, "GETEX", "k", "GET");
  EXPECT_SAME(c, "GETEX", "k", "EXAT", "1");  // in the past: replies, then deletes
  EXPECT_SAME(c, "EXISTS", "k");
}

TEST_F(StringCommandsTest, MgetMsetMsetnx) {
  DiffClient& c = client();
  EXPECT_SAME(c, "MSET", "a", "1", "b", "2");
  EXPECT_SAME(c, "MGET", "a", "b", "c", "a");
  EXPECT_SAME(c, "MSET", "a", "1", "a", "2");
  EXPECT_SAME(c, "GET", "a");
  EXPECT_SAME(c, "MSETNX", "x", "1", "y", "2");
  EXPECT_SAME(c, "MSETNX", "x", "1", "z", "2");
  EXPECT_SAME(c, "EXISTS", "z");
  EXPECT_SAME(c, "MSETNX", "n1", "1", "n1", "2");
  EXPECT_SAME(c, "GET", "n1");
  EXPECT_SAME(c, "SETEX", "t", "100", "v");
  EXPECT_SAME(c, "MSET", "t", "w");
  EXPECT_SAME(c, "TTL", "t");
}

TEST_F(StringCommandsTest, AppendAndStrlen) {
  DiffClient& c = client();
  EXPECT_SAME(c, "APPEND", "k", "abc");
  EXPECT_SAME(c, "APPEND", "k", "def");
  EXPECT_SAME(c, "APPEND", "k", "");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "STRLEN", "k");
  EXPECT_SAME(c, "STRLEN", "nokey");
  EXPECT_SAME(c, "APPEND", "e", "");
  EXPECT_SAME(c, "EXISTS", "e");
  EXPECT_SAME(c, "SETEX", "t", "100", "v");
  EXPECT_SAME(c, "APPEND", "t", "w");
  EXPECT_TRUE(c.Same({"TTL", "t"}, IntegerIn(90, 100)));  // APPEND keeps the TTL
  EXPECT_SAME(c, "SET", "n", "12");
  EXPECT_SAME(c, "APPEND", "n", "34");
  EXPECT_SAME(c, "INCR", "n");
}

TEST_F(StringCommandsTest, Getrange) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "Hello, World");
  const char* ranges[][2] = {
      {"0", "-1"},  {"0", "4"},    {"-5", "-1"}, {"-1", "-2"},  {"-100", "100"}, {"1", "0"},
      {"2", "2"},   {"100", "200"}, {"-1", "-1"}, {"0", "-100"}, {"5", "-100"},  {"-3", "2"},
      {"0", "9223372036854775807"}, {"-9223372036854775808", "9223372036854775807"},
      {"x", "1"},   {"1", "x"},    {"1.0", "2"}, {"9223372036854775808", "1"}, {"", "1"},
  };
  for (auto& r : ranges) {
    EXPECT_SAME(c, "GETRANGE", "k", r[0], r[1]);
    EXPECT_SAME(c, "SUBSTR", "k", r[0], r[1]);
  }
  EXPECT_SAME(c, "GETRANGE", "nokey", "0", "-1");
  EXPECT_SAME(c, "GETRANGE", "nokey", "x", "-1");
  EXPECT_SAME(c, "SET", "empty", "");
  EXPECT_SAME(c, "GETRANGE", "empty", "0", "-1");
  EXPECT_SAME(c, "GETRANGE", "empty", "-1", "0");
  EXPECT_SAME(c, "SET", "n", "1234");
  EXPECT_SAME(c, "GETRANGE", "n", "1", "2");
}

TEST_F(StringCommandsTest, Setrange) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "Hello World");
  EXPECT_SAME(c, "SETRANGE", "k", "6", "Redis");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SETRANGE", "k", "20", "!");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SETRANGE", "k", "0", "");
  EXPECT_SAME(c, "SETRANGE", "k", "100", "");
  EXPECT_SAME(c, "STRLEN", "k");
  EXPECT_SAME(c, "SETRANGE", "nokey", "0", "");
  EXPECT_SAME(c, "EXISTS", "nokey");
  EXPECT_SAME(c, "SETRANGE", "nokey", "5", "");
  EXPECT_SAME(c, "SETRANGE", "nokey", "3", "ab");
  EXPECT_SAME(c, "GET", "nokey");
  // (536870911 plus one byte is allowed: both would allocate 512 MB, so not tried.)
  for (const char* off : {"-1", "abc", "1.5", "", "9223372036854775807", "536870912",
                          "536870913"}) {
    EXPECT_SAME(c, "SETRANGE", "k", off, "x");
    EXPECT_SAME(c, "SETRANGE", "k", off, "");
    EXPECT_SAME(c, "SETRANGE", "none", off, "");
  }
  EXPECT_SAME(c, "SETEX", "t", "100", "abc");
  EXPECT_SAME(c, "SETRANGE", "t", "1", "x");
  EXPECT_TRUE(c.Same({"TTL", "t"}, IntegerIn(90, 100)));
}

TEST_F(StringCommandsTest, IncrDecr) {
  DiffClient& c = client();
  EXPECT_SAME(c, "INCR", "n");
  EXPECT_SAME(c, "INCR", "n");
  EXPECT_SAME(c, "DECR", "n");
  EXPECT_SAME(c, "DECR", "n2");
  EXPECT_SAME(c, "INCRBY", "n", "10");
  EXPECT_SAME(c, "INCRBY", "n", "-20");
  EXPECT_SAME(c, "DECRBY", "n", "5");
  EXPECT_SAME(c, "DECRBY", "n", "-5");
  for (const char* v : {"abc", "1.5", "", " 1", "1 ", "+1", "01", "0x10", "9223372036854775808",
                        "-9223372036854775809", "1e3"}) {
    EXPECT_SAME(c, "INCRBY", "n", v);
    EXPECT_SAME(c, "DECRBY", "n", v);
    EXPECT_SAME(c, "SET", "s", v);
    EXPECT_SAME(c, "INCR", "s");
    EXPECT_SAME(c, "DECR", "s");
  }
  EXPECT_SAME(c, "SET", "s", "-0");
  EXPECT_SAME(c, "INCR", "s");
  EXPECT_SAME(c, "SETEX", "t", "100", "5");
  EXPECT_SAME(c, "INCR", "t");
  EXPECT_TRUE(c.Same({"TTL", "t"}, IntegerIn(90, 100)));  // INCR keeps the TTL
}

TEST_F(StringCommandsTest, IncrOverflow) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "n", "9223372036854775807");
  EXPECT_SAME(c, "INCR", "n");
  EXPECT_SAME(c, "INCRBY", "n", "1");
  EXPECT_SAME(c, "INCRBY", "n", "-1");
  EXPECT_SAME(c, "DECRBY", "n", "-1");
  EXPECT_SAME(c, "SET", "n", "-9223372036854775808");
  EXPECT_SAME(c, "DECR", "n");
  EXPECT_SAME(c, "DECRBY", "n", "1");
  EXPECT_SAME(c, "INCRBY", "n", "-1");
  EXPECT_SAME(c, "INCRBY", "n", "9223372036854775807");
  EXPECT_SAME(c, "DECRBY", "n", "-9223372036854775808");
  EXPECT_SAME(c, "DECRBY", "zero", "-9223372036854775808");
  EXPECT_SAME(c, "INCRBY", "zero", "-9223372036854775808");
  EXPECT_SAME(c, "GET", "zero");
}

TEST_F(StringCommandsTest, Incrbyfloat) {
  DiffClient& c = client();
  for (const char* v : {"1.5", "0.1", "-1.6", "1e10", "5.0e3", "-0", "3.0000000000000000001",
                        "1.1e-10", "123456789012345678901234567890", "0x10", ".5", "5.",
                        "-.5", "1e-400"}) {
    EXPECT_SAME(c, "INCRBYFLOAT", "f", v);
    EXPECT_SAME(c, "INCRBYFLOAT", std::string("new") + v, v);
  }
  for (const char* v : {"abc", "inf", "-inf", "nan", "+inf", "infinity", " 1", "1 ", "",
                        "1e400", "1.5.5"}) {
    EXPECT_SAME(c, "INCRBYFLOAT", "f", v);
  }
  EXPECT_SAME(c, "SET", "big", "1e308");
  EXPECT_SAME(c, "INCRBYFLOAT", "big", "1e308");
  EXPECT_SAME(c, "INCRBYFLOAT", "big", "1e308");
  EXPECT_SAME(c, "SET", "s", "1.5 ");
  EXPECT_SAME(c, "INCRBYFLOAT", "s", "1");
  EXPECT_SAME(c, "SET", "s", "abc");
  EXPECT_SAME(c, "INCRBYFLOAT", "s", "1");
  EXPECT_SAME(c, "SET", "s", "10");
  EXPECT_SAME(c, "INCRBYFLOAT", "s", "0.1");
  EXPECT_SAME(c, "INCRBYFLOAT", "s", "0.2");
  EXPECT_SAME(c, "SETEX", "t", "100", "1");
  EXPECT_SAME(c, "INCRBYFLOAT", "t", "1");
  EXPECT_TRUE(c.Same({"TTL", "t"}, IntegerIn(90, 100)));
}

TEST_F(StringCommandsTest, Encodings) {
  DiffClient& c = client();
  auto set_and_check = [&](const std::string& v) {
    EXPECT_SAME(c, "SET", "k", v);
    EXPECT_SAME(c, "OBJECT", "ENCODING", "k");
    EXPECT_SAME(c, "OBJECT", "REFCOUNT", "k");
  };
  for (const char* v : {"1", "0", "-1", "9999", "10000", "12345", "01", "+1", " 1",
                        "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                        "12345678901234567890", "1.5", "abc", ""}) {
    set_and_check(v);
  }
  set_and_check(std::string(44, 'x'));
  set_and_check(std::string(45, 'x'));
  // Modified in place: raw, even when short or numeric.
  EXPECT_SAME(c, "SET", "k", "1");
  EXPECT_SAME(c, "APPEND", "k", "2");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "k");
  EXPECT_SAME(c, "OBJECT", "REFCOUNT", "k");
  EXPECT_SAME(c, "INCR", "k");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "k");
  EXPECT_SAME(c, "SET", "k", "5");
  EXPECT_SAME(c, "SETRANGE", "k", "0", "6");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "k");
  EXPECT_SAME(c, "SETRANGE", "fresh", "0", "ab");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "fresh");
  EXPECT_SAME(c, "APPEND", "fresh2", "12");  // a new key from APPEND is encoded normally
  EXPECT_SAME(c, "OBJECT", "ENCODING", "fresh2");
  // INCRBYFLOAT's results are strings, even integral ones.
  EXPECT_SAME(c, "INCRBYFLOAT", "f", "3");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "f");
  EXPECT_SAME(c, "INCR", "f");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "f");
  // MSET, GETSET and SETEX encode like SET.
  EXPECT_SAME(c, "MSET", "m1", "12", "m2", "ab");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "m1");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "m2");
  EXPECT_SAME(c, "GETSET", "m2", "99");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "m2");
  EXPECT_SAME(c, "SETEX", "m3", "100", "7");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "m3");
  // RENAME and COPY keep the encoding.
  EXPECT_SAME(c, "SET", "r", "1");
  EXPECT_SAME(c, "APPEND", "r", "1");
  EXPECT_SAME(c, "RENAME", "r", "r2");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "r2");
  EXPECT_SAME(c, "COPY", "r2", "r3");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "r3");
}

TEST_F(StringCommandsTest, Lcs) {
  DiffClient& c = client();
  EXPECT_SAME(c, "MSET", "a", "ohmytext", "b", "mynewtext");
  EXPECT_SAME(c, "LCS", "a", "b");
  EXPECT_SAME(c, "LCS", "a", "b", "LEN");
  EXPECT_SAME(c, "LCS", "a", "b", "IDX");
  EXPECT_SAME(c, "LCS", "a", "b", "IDX", "MINMATCHLEN", "4");
  EXPECT_SAME(c, "LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN");
  EXPECT_SAME(c, "LCS", "a", "b", "IDX", "WITHMATCHLEN");
  EXPECT_SAME(c, "LCS", "a", "b", "WITHMATCHLEN");
  EXPECT_SAME(c, "LCS", "a", "b", "LEN", "WITHMATCHLEN");
  EXPECT_SAME(c, "LCS", "a", "b", "MINMATCHLEN", "-5", "IDX");
  EXPECT_SAME(c, "LCS", "a", "b", "LEN", "IDX");
  EXPECT_SAME(c, "LCS", "a", "b", "MINMATCHLEN");
  EXPECT_SAME(c, "LCS", "a", "b", "MINMATCHLEN", "x");
  EXPECT_SAME(c, "LCS", "a", "b", "FOO");
  EXPECT_SAME(c, "LCS", "a", "nokey");
  EXPECT_SAME(c, "LCS", "nokey", "nokey2", "IDX");
  EXPECT_SAME(c, "MSET", "c", "aaaa", "d", "aa", "e", "abcabcabc", "f", "cbacbacba");
  EXPECT_SAME(c, "LCS", "c", "d", "IDX");
  EXPECT_SAME(c, "LCS", "d", "c", "IDX", "WITHMATCHLEN");
  EXPECT_SAME(c, "LCS", "e", "f", "IDX", "WITHMATCHLEN");
  EXPECT_SAME(c, "LCS", "e", "f");
  EXPECT_SAME(c, "LCS", "e", "e", "IDX");
}

TEST_F(StringCommandsTest, Resp3Replies) {
  DiffClient& c = client();
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_SAME(c, "GET", "nokey");
  EXPECT_SAME(c, "SET", "k", "v", "NX", "GET");
  EXPECT_SAME(c, "SET", "k", "v2", "NX");
  EXPECT_SAME(c, "MGET", "k", "nokey");
  EXPECT_SAME(c, "GETEX", "nokey");
  EXPECT_SAME(c, "GETDEL", "nokey");
  EXPECT_SAME(c, "INCRBYFLOAT", "f", "1.5");
  EXPECT_SAME(c, "MSET", "a", "ohmytext", "b", "mynewtext");
  EXPECT_SAME(c, "LCS", "a", "b", "IDX");
  EXPECT_SAME(c, "LCS", "a", "b", "IDX", "WITHMATCHLEN");
  EXPECT_SAME(c, "LCS", "a", "b", "LEN");
  EXPECT_SAME(c, "OBJECT", "ENCODING", "nokey");
  EXPECT_SAME(c, "SET", "k", "v", "XX", "GET");
}

}  // namespace
}  // namespace corio::redis::testing
