// redis-cli against our server and against a real redis-server (7.0, Debian's), fed the
// same script on stdin: what redis-cli prints must be identical, in RESP2 and in RESP3
// (`-3`) mode. --no-raw makes redis-cli print each reply's type ("(integer) 3", "(nil)",
// "(error) ERR ..."), so a wrong reply type shows up, not only a wrong value.
//
// The scripts avoid what legitimately differs between two servers: connection ids (HELLO,
// CLIENT ID), the clock (TIME, EXPIRETIME), randomness (RANDOMKEY, SCAN order), the
// command count, and the data types we do not implement yet (hashes, lists...).
#include <cctype>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/redis_e2e_support.h"

namespace corio::redis::e2e {
namespace {

constexpr char kRedisCli[] = "/usr/bin/redis-cli";

// Strings, keys, expiry, transactions, pub/sub counts, errors (arity, unknown command,
// syntax, overflow, wrong type of value), inline quoting.
constexpr char kDataScript[] = R"(PING
PING hello
ECHO "a b"
SET k1 v1
GET k1
GET nokey
SET n 10
INCR n
INCRBY n 5
DECR n
DECRBY n 3
INCR k1
APPEND k1 xyz
STRLEN k1
GETRANGE k1 0 2
GETRANGE k1 -3 -1
GETRANGE k1 100 200
SETRANGE k1 6 "!!"
GET k1
SETRANGE k1 -1 x
MSET a 1 b 2 c 3
MGET a b c nokey
MSETNX a 9 z 9
EXISTS a b nokey a
DEL a nokey
UNLINK nokey
TOUCH b nokey
TYPE b
TYPE nokey
TTL b
EXPIRE b 100
TTL b
EXPIRE b 100 NX
EXPIRE b 50 GT
EXPIRE b 50 LT
EXPIRE b 1 XX GT
EXPIRE b abc
PERSIST b
TTL b
PTTL nokey
SET e v EX 1000
SET e v EX 0
SET e v EX -1
SET e v PX 10 EX 10
SET e v NX XX
SET e v KEEPTTL EX 5
SET e w KEEPTTL
SET e x GET
SET x 1 NX GET
SET x 2 XX GET
GETEX e PERSIST
GETEX e EX 100 PX 100
GETEX nokey
SETNX b x
GETSET b y
GETDEL b
GETDEL b
RENAME c c2
RENAME nokey x
RENAMENX x c2
COPY c2 c3
COPY c2 c3
COPY c2 c3 REPLACE
COPY c2 c3 DB 99
MOVE c3 1
MOVE c2 c2
SET f 1.5
INCRBYFLOAT f 0.25
INCRBYFLOAT f abc
INCRBYFLOAT newf 0.1
SET big 9223372036854775807
INCR big
DECRBY big -1
INCRBY big abc
SET s1 ohmytext
SET s2 mynewtext
LCS s1 s2
LCS s1 s2 LEN
LCS s1 s2 IDX MINMATCHLEN 4 WITHMATCHLEN
SUBSTR s1 0 3
OBJECT ENCODING s1
OBJECT ENCODING n
OBJECT ENCODING nokey
KEYS c*
KEYS *x*
DBSIZE
SELECT 1
DBSIZE
GET c3
SELECT 16
SELECT abc
SELECT 0
SWAPDB 0 1
DBSIZE
SWAPDB 0 1
MULTI
SET t 1
INCR t
GET t
EXEC
MULTI
SET t 1
NOSUCHCOMMAND
EXEC
MULTI
INCR k1
EXEC
DISCARD
EXEC
WATCH t
MULTI
INCR t
EXEC
UNWATCH
PUBLISH ch hello
PUBSUB CHANNELS
PUBSUB NUMPAT
FOOBAR 1 2
GET
SET k
MSET a
MSET a 1 b
MGET
PING a b
ECHO a b
SET "key with spaces" "tab\there\x41"
GET "key with spaces"
SET q 'single quoted'
GET q
STRLEN nokey
APPEND new ""
FLUSHDB
DBSIZE
SELECT 1
FLUSHALL
DBSIZE
)";

// Before and after AUTH on a server with requirepass set.
constexpr char kAuthScript[] = R"(PING
GET k
SET k v
SELECT 1
CLIENT SETNAME x
MULTI
FOOBAR
AUTH wrong
AUTH default wrong
AUTH a b c
GET k
AUTH s3cret
PING
SET k v
GET k
AUTH wrong
GET k
AUTH default s3cret
GET k
FLUSHALL
)";

struct Servers {
  explicit Servers(ServerConfig config, std::vector<std::string> reference_args = {})
      : ours(std::move(config)) {
    auto r = ServerProcess::start_reference(std::move(reference_args));
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    reference.emplace(*std::move(r));
  }
  InProcessServer ours;
  std::optional<ServerProcess> reference;
};

// What redis-cli prints for `script`, against our server and against the reference.
struct Transcripts {
  std::string ours;
  std::string reference;
};

Transcripts run_both(Servers& s, const std::string& script, std::vector<std::string> flags) {
  std::vector<std::string> ours = {kRedisCli, "-p", std::to_string(s.ours.port())};
  std::vector<std::string> ref = {kRedisCli, "-s", s.reference->unix_socket()};
  for (const std::string& f : flags) {
    ours.push_back(f);
    ref.push_back(f);
  }
  ProcessResult a = run_process(ours, script, 30s);
  ProcessResult b = run_process(ref, script, 30s);
  EXPECT_FALSE(a.timed_out) << "redis-cli against our server hung";
  EXPECT_FALSE(b.timed_out) << "redis-cli against redis-server hung";
  EXPECT_EQ(a.exit_code, b.exit_code) << a.err << b.err;
  return {a.out + a.err, b.out + b.err};
}

// redis-cli's "(0.57s)" after a reply that took over half a second: timing, not output
// (a loaded machine or a sanitizer build makes any command that slow).
bool is_latency_note(const std::string& line) {
  if (line.size() < 4 || line.front() != '(' || line.substr(line.size() - 2) != "s)") return false;
  for (size_t i = 1; i + 2 < line.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i])) && line[i] != '.') return false;
  }
  return true;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!is_latency_note(line)) lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// Line by line, so that a failure names the first differing reply.
void expect_same_lines(const Transcripts& t) {
  EXPECT_FALSE(t.reference.empty()) << "redis-cli printed nothing against redis-server";
  if (t.ours == t.reference) return;
  std::vector<std::string> a = split_lines(t.ours);
  std::vector<std::string> b = split_lines(t.reference);
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    std::string x = i < a.size() ? a[i] : "<missing>";
    std::string y = i < b.size() ? b[i] : "<missing>";
    if (x != y) {
      ADD_FAILURE() << "first difference at output line " << i + 1 << ":\n  ours:  " << x
                    << "\n  redis: " << y << "\nwhole transcript (ours):\n"
                    << t.ours << "\nwhole transcript (redis):\n"
                    << t.reference;
      return;
    }
  }
}

TEST(RedisCliCompatTest, DataCommandsPrintTheSameAsRedisInResp2) {
  Servers s{ServerConfig{}};
  expect_same_lines(run_both(s, kDataScript, {"--no-raw"}));
}

TEST(RedisCliCompatTest, DataCommandsPrintTheSameAsRedisInResp3) {
  Servers s{ServerConfig{}};
  expect_same_lines(run_both(s, kDataScript, {"--no-raw", "-3"}));
}

TEST(RedisCliCompatTest, RawModePrintsTheSameAsRedis) {
  // Without a tty and without --no-raw redis-cli prints bare values (what scripts parse).
  Servers s{ServerConfig{}};
  expect_same_lines(run_both(s, kDataScript, {}));
}

TEST(RedisCliCompatTest, AuthSessionPrintsTheSameAsRedis) {
  ServerConfig config;
  config.requirepass = "s3cret";
  Servers s{config, {"--requirepass", "s3cret"}};
  expect_same_lines(run_both(s, kAuthScript, {"--no-raw"}));
}

// HELLO before AUTH, in both protocols: the NOAUTH text of HELLO is its own in Redis 7.0
// ("... the HELLO AUTH <user> <pass> option ..."), and redis-cli -3 starts with HELLO 3.
TEST(RedisCliCompatTest, HelloBeforeAuthPrintsTheSameAsRedis) {
  ServerConfig config;
  config.requirepass = "s3cret";
  Servers s{config, {"--requirepass", "s3cret"}};
  std::string script = "HELLO\nHELLO 2\nHELLO 3 AUTH default wrong\n";
  expect_same_lines(run_both(s, script, {"--no-raw"}));
  expect_same_lines(run_both(s, kAuthScript, {"--no-raw", "-3"}));
}

// PUBSUB NUMSUB in RESP3: a flat array (channel, count, ...), not a map.
TEST(RedisCliCompatTest, PubsubNumsubIsAFlatArrayInResp3) {
  Servers s{ServerConfig{}};
  std::string script = "PUBSUB NUMSUB ch other\n";
  expect_same_lines(run_both(s, script, {"--no-raw", "-3"}));
}

}  // namespace
}  // namespace corio::redis::e2e
