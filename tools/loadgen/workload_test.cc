// Argument and placeholder parsing, request templates, key choice and config checks.
#include "tools/loadgen/workload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tools/loadgen/config.h"
#include "tools/loadgen/key_chooser.h"

namespace corio::loadgen {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> split_ok(std::string_view line) {
  auto r = split_command_line(line);
  EXPECT_TRUE(r.ok()) << line << ": " << r.status();
  return r.ok() ? *r : std::vector<std::string>{};
}

TEST(SplitCommandLineTest, BlanksSeparateArguments) {
  EXPECT_THAT(split_ok("SET  k\tv "), ElementsAre("SET", "k", "v"));
}

TEST(SplitCommandLineTest, QuotesGroupAndEscape) {
  EXPECT_THAT(split_ok(R"(SET "a b" 'c d')"), ElementsAre("SET", "a b", "c d"));
  EXPECT_THAT(split_ok(R"(SET "x\"y\n\x41" 'it\'s')"), ElementsAre("SET", "x\"y\nA", "it's"));
  EXPECT_THAT(split_ok(R"(ECHO "")"), ElementsAre("ECHO", ""));
}

TEST(SplitCommandLineTest, RejectsUnbalancedQuotesAndEmptyLines) {
  for (const char* bad : {"SET \"a", "SET 'a", "SET \"a\"b", "", "   "}) {
    EXPECT_FALSE(split_command_line(bad).ok()) << bad;
  }
}

TEST(ParseRatioTest, AcceptsSetsColonGets) {
  auto r = parse_ratio("1:10");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sets, 1u);
  EXPECT_EQ(r->gets, 10u);
  ASSERT_TRUE(parse_ratio("0:1").ok());
  ASSERT_TRUE(parse_ratio("1:0").ok());
}

TEST(ParseRatioTest, RejectsMalformedRatios) {
  for (const char* bad : {"", "1", "1:", ":1", "a:b", "0:0", "-1:2", "1:2:3", "2000:1"}) {
    EXPECT_FALSE(parse_ratio(bad).ok()) << bad;
  }
}

TEST(RequestTemplateTest, EncodesRespWithKeyAndValue) {
  RequestTemplate t({"SET", "__key__", "__value__"}, "key:", 6, "abc");
  EXPECT_TRUE(t.uses_key());
  EXPECT_EQ(t.render(42), "*3\r\n$3\r\nSET\r\n$10\r\nkey:000042\r\n$3\r\nabc\r\n");
  EXPECT_EQ(t.render(999999), "*3\r\n$3\r\nSET\r\n$10\r\nkey:999999\r\n$3\r\nabc\r\n");
  EXPECT_EQ(t.size(), t.render(0).size());
}

TEST(RequestTemplateTest, PlaceholdersInsideArgumentsAndRepeated) {
  RequestTemplate t({"HSET", "user:__key__:h", "f", "<__value__>", "__key__"}, "", 3, "vv");
  EXPECT_EQ(t.render(7),
            "*5\r\n$4\r\nHSET\r\n$10\r\nuser:007:h\r\n$1\r\nf\r\n$4\r\n<vv>\r\n$3\r\n007\r\n");
}

TEST(RequestTemplateTest, WithoutPlaceholdersTheBytesNeverChange) {
  RequestTemplate t({"PING"}, "key:", 4, "");
  EXPECT_FALSE(t.uses_key());
  EXPECT_EQ(t.render(0), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(t.render(123), "*1\r\n$4\r\nPING\r\n");
}

TEST(RequestTemplateTest, NearlyPlaceholdersAreLiteral) {
  RequestTemplate t({"ECHO", "__key_", "_value__"}, "k", 1, "v");
  EXPECT_FALSE(t.uses_key());
  EXPECT_EQ(t.render(0), "*3\r\n$4\r\nECHO\r\n$6\r\n__key_\r\n$8\r\n_value__\r\n");
}

std::vector<std::string> batch(const Workload& w, size_t n, size_t* pos, KeyChooser& keys) {
  std::string out(n * w.max_request_size(), '\0');
  size_t bytes = w.write_batch(out.data(), n, pos, keys);
  out.resize(bytes);
  // Cut into requests at each "*" that starts a command.
  std::vector<std::string> cmds;
  size_t at = 0;
  while (at < out.size()) {
    size_t next = out.find("\r\n*", at);
    size_t end = next == std::string::npos ? out.size() : next + 2;
    cmds.push_back(out.substr(at, end - at));
    at = end;
  }
  return cmds;
}

TEST(WorkloadTest, RatioIsSpreadOverTheCycle) {
  WorkloadOptions o;
  o.ratio = {1, 3};
  o.keyspace = 100;
  o.value_size = 4;
  o.pipeline = 8;
  auto w = Workload::create(o);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_FALSE(w->fixed());
  EXPECT_EQ(w->cycle_length(), 4u);
  KeyChooser keys(KeyPattern::kSequential, 100, 0.99, 1);
  size_t pos = 0;
  auto cmds = batch(*w, 8, &pos, keys);
  ASSERT_EQ(cmds.size(), 8u);
  int sets = 0;
  for (const auto& c : cmds) sets += c.find("SET") != std::string::npos;
  EXPECT_EQ(sets, 2);
  // Keys are fixed-width (2 digits for 100 keys) and sequential here.
  EXPECT_THAT(cmds[0], HasSubstr("key:00"));
  EXPECT_THAT(cmds[7], HasSubstr("key:07"));
  EXPECT_EQ(pos, 0u);  // two whole cycles
}

TEST(WorkloadTest, EvenRatioAlternates) {
  WorkloadOptions o;
  o.ratio = {2, 2};
  o.keyspace = 10;
  o.pipeline = 4;
  auto w = Workload::create(o);
  ASSERT_TRUE(w.ok());
  KeyChooser keys(KeyPattern::kUniform, 10, 0.99, 1);
  size_t pos = 0;
  auto cmds = batch(*w, 4, &pos, keys);
  ASSERT_EQ(cmds.size(), 4u);
  EXPECT_THAT(cmds[0], HasSubstr("GET"));
  EXPECT_THAT(cmds[1], HasSubstr("SET"));
  EXPECT_THAT(cmds[2], HasSubstr("GET"));
  EXPECT_THAT(cmds[3], HasSubstr("SET"));
}

TEST(WorkloadTest, FixedCommandIsPreEncodedOnce) {
  WorkloadOptions o;
  o.command = "PING";
  o.pipeline = 16;
  auto w = Workload::create(o);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->fixed());
  KeyChooser keys(KeyPattern::kUniform, 1, 0.99, 1);
  size_t pos = 0;
  auto cmds = batch(*w, 5, &pos, keys);
  ASSERT_EQ(cmds.size(), 5u);
  for (const auto& c : cmds) EXPECT_EQ(c, "*1\r\n$4\r\nPING\r\n");
}

TEST(WorkloadTest, OneKeyKeyspaceIsFixed) {
  WorkloadOptions o;
  o.ratio = {0, 1};
  o.keyspace = 1;
  auto w = Workload::create(o);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->fixed());
  EXPECT_EQ(w->description(), "SET/GET 0:1");
  KeyChooser keys(KeyPattern::kUniform, 1, 0.99, 1);
  size_t pos = 0;
  EXPECT_THAT(batch(*w, 1, &pos, keys), ElementsAre("*2\r\n$3\r\nGET\r\n$5\r\nkey:0\r\n"));
}

TEST(WorkloadTest, ValueHasTheRequestedSize) {
  WorkloadOptions o;
  o.command = "SET k __value__";
  o.value_size = 1000;
  auto w = Workload::create(o);
  ASSERT_TRUE(w.ok());
  KeyChooser keys(KeyPattern::kUniform, 1, 0.99, 1);
  size_t pos = 0;
  auto cmds = batch(*w, 1, &pos, keys);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_THAT(cmds[0], HasSubstr("$1000\r\n"));
}

TEST(WorkloadTest, RejectsBadCommandLinesAndKeyspaces) {
  WorkloadOptions o;
  o.command = "SET \"unbalanced";
  EXPECT_FALSE(Workload::create(o).ok());
  WorkloadOptions z;
  z.keyspace = 0;
  EXPECT_FALSE(Workload::create(z).ok());
}

TEST(KeyChooserTest, ParsesPatternNames) {
  EXPECT_EQ(parse_key_pattern("uniform"), KeyPattern::kUniform);
  EXPECT_EQ(parse_key_pattern("zipf"), KeyPattern::kZipf);
  EXPECT_EQ(parse_key_pattern("sequential"), KeyPattern::kSequential);
  EXPECT_FALSE(parse_key_pattern("gaussian").has_value());
  EXPECT_EQ(key_pattern_name(KeyPattern::kZipf), "zipf");
}

TEST(KeyChooserTest, SequentialWrapsFromItsStart) {
  KeyChooser k(KeyPattern::kSequential, 5, 0.99, 1, /*start=*/3);
  std::vector<uint64_t> got;
  for (int i = 0; i < 6; ++i) got.push_back(k.next());
  EXPECT_THAT(got, ElementsAre(3, 4, 0, 1, 2, 3));
}

TEST(KeyChooserTest, UniformCoversTheKeyspaceEvenly) {
  KeyChooser k(KeyPattern::kUniform, 10, 0.99, 7);
  std::vector<int> counts(10);
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = k.next();
    ASSERT_LT(v, 10u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
}

// Frequencies of a Zipf draw match the distribution: P(k) = (k+1)^-s / sum.
void expect_zipf_frequencies(uint64_t n, double s) {
  ZipfDistribution zipf(n, s);
  SplitMix64 rng(12345);
  const int draws = 400000;
  std::vector<int> counts(n);
  for (int i = 0; i < draws; ++i) {
    uint64_t v = zipf(rng);
    ASSERT_LT(v, n);
    ++counts[v];
  }
  double norm = 0;
  for (uint64_t k = 1; k <= n; ++k) norm += std::pow(static_cast<double>(k), -s);
  for (uint64_t k = 0; k < n; ++k) {
    double p = std::pow(static_cast<double>(k + 1), -s) / norm;
    double sd = std::sqrt(draws * p * (1 - p));
    EXPECT_NEAR(counts[k], draws * p, 5 * sd + 1) << "n=" << n << " s=" << s << " k=" << k;
  }
}

TEST(ZipfDistributionTest, MatchesTheDistribution) {
  expect_zipf_frequencies(10, 0.99);
  expect_zipf_frequencies(10, 1.0);
  expect_zipf_frequencies(50, 0.5);
  expect_zipf_frequencies(20, 2.0);
}

TEST(ZipfDistributionTest, HugeKeyspaceStaysInRangeAndSkewed) {
  ZipfDistribution zipf(1'000'000'000ull, 0.99);
  SplitMix64 rng(3);
  int zeros = 0;
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = zipf(rng);
    ASSERT_LT(v, 1'000'000'000ull);
    zeros += v == 0;
  }
  // P(0) = 1 / H(1e9, 0.99), about 4.6%.
  EXPECT_GT(zeros, 3500);
  EXPECT_LT(zeros, 6000);
}

TEST(ZipfDistributionTest, OneKeyIsAlwaysZero) {
  ZipfDistribution zipf(1, 0.99);
  SplitMix64 rng(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(zipf(rng), 0u);
}

TEST(ConfigTest, DefaultsToOneHundredThousandRequests) {
  LoadgenConfig c;
  ASSERT_TRUE(validate(c).ok());
  EXPECT_EQ(c.requests, 100000u);
  LoadgenConfig d;
  d.duration_secs = 5;
  ASSERT_TRUE(validate(d).ok());
  EXPECT_EQ(d.requests, 0u);
}

TEST(ConfigTest, CopiesPipelineAndSeedIntoTheWorkload) {
  LoadgenConfig c;
  c.pipeline = 16;
  c.seed = 9;
  ASSERT_TRUE(validate(c).ok());
  EXPECT_EQ(c.workload.pipeline, 16u);
  EXPECT_EQ(c.workload.seed, 9u);
}

TEST(ConfigTest, RejectsOutOfRangeSettings) {
  std::map<std::string, std::function<void(LoadgenConfig&)>> bad = {
      {"port", [](LoadgenConfig& c) { c.port = 0; }},
      {"connections", [](LoadgenConfig& c) { c.connections = 0; }},
      {"pipeline", [](LoadgenConfig& c) { c.pipeline = 0; }},
      {"threads", [](LoadgenConfig& c) { c.threads = 0; }},
      {"--threads (3) must not exceed",
       [](LoadgenConfig& c) {
         c.threads = 3;
         c.connections = 2;
       }},
      {"duration", [](LoadgenConfig& c) { c.duration_secs = -1; }},
      {"rate", [](LoadgenConfig& c) { c.rate = -5; }},
      {"zipf", [](LoadgenConfig& c) { c.zipf_exponent = 0; }},
      {"keyspace", [](LoadgenConfig& c) { c.workload.keyspace = 0; }},
  };
  for (auto& [what, mutate] : bad) {
    LoadgenConfig c;
    mutate(c);
    absl::Status s = validate(c);
    EXPECT_FALSE(s.ok()) << what;
    EXPECT_THAT(std::string(s.message()), HasSubstr(what));
  }
}

TEST(ConfigTest, UnixSocketNeedsNoPort) {
  LoadgenConfig c;
  c.socket = "/tmp/redis.sock";
  c.port = 0;
  EXPECT_TRUE(validate(c).ok());
}

}  // namespace
}  // namespace corio::loadgen
