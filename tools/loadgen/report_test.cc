#include "tools/loadgen/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace corio::loadgen {
namespace {

using ::testing::HasSubstr;

RunResult sample_result() {
  RunResult r;
  r.tally.requests = 1000;
  r.tally.error_replies = 2;
  r.tally.connect_failures = 1;
  r.secs = 2.0;
  for (int i = 1; i <= 1000; ++i) r.latency.record(static_cast<uint64_t>(i) * 1000);  // 1..1000 us
  r.first_error = "ERR unknown command 'FOO'";
  return r;
}

TEST(ReportTest, JsonHasExactlyTheDocumentedShape) {
  RunResult r = sample_result();
  std::string json = result_json(r);
  // Percentiles are bucket middles (within 0.4%); max is exact.
  EXPECT_THAT(json,
              ::testing::MatchesRegex(
                  R"(\{"requests":1000,"errors":3,"secs":2\.000,"ops_per_sec":500\.0,)"
                  R"("latency_us":\{"p50":(49[89]|50[012])\.[0-9],"p90":(89[7-9]|90[0-3])\.[0-9],)"
                  R"("p99":(98[6-9]|99[0-3])\.[0-9],"p999":99[5-9]\.[0-9],"max":1000\.0\}\})"));
}

TEST(ReportTest, JsonOfAnEmptyRunIsZeros) {
  RunResult r;
  EXPECT_EQ(result_json(r),
            "{\"requests\":0,\"errors\":0,\"secs\":0.000,\"ops_per_sec\":0.0,"
            "\"latency_us\":{\"p50\":0.0,\"p90\":0.0,\"p99\":0.0,\"p999\":0.0,\"max\":0.0}}");
}

TEST(ReportTest, SummaryShowsThroughputPercentilesAndErrors) {
  LoadgenConfig c;
  c.connections = 4;
  c.pipeline = 16;
  WorkloadOptions o;
  auto w = Workload::create(o);
  ASSERT_TRUE(w.ok());
  std::string s = summary_text(sample_result(), c, *w);
  EXPECT_THAT(s, HasSubstr("1000 requests in 2.000 s: 500.0 ops/s, 3 errors"));
  EXPECT_THAT(s, HasSubstr("4 connections, pipeline 16"));
  EXPECT_THAT(s, HasSubstr("99.9%"));
  EXPECT_THAT(s, HasSubstr("error replies 2, failed connects 1, connections lost 0"));
  EXPECT_THAT(s, HasSubstr("first: ERR unknown command 'FOO'"));
}

TEST(ReportTest, LiveAndStatsLinesCoverTheInterval) {
  LatencyHistogram h;
  h.record(300'000);
  h.record(600'000);
  Progress p;
  p.elapsed_secs = 3.0;
  p.interval_secs = 0.5;
  p.interval.requests = 100;
  p.total.requests = 900;
  p.total.disconnects = 1;
  p.interval_latency = &h;
  p.live_connections = 7;
  std::string live = live_line(p);
  EXPECT_THAT(live, HasSubstr("200 ops/s"));
  EXPECT_THAT(live, HasSubstr("errors 1"));
  EXPECT_THAT(live, HasSubstr("conns 7"));
  EXPECT_THAT(live, HasSubstr("p99 0.6"));
  std::string stats = stats_line(p);
  EXPECT_THAT(stats, HasSubstr("\"t\":3.000,\"requests\":900,\"errors\":1,\"ops_per_sec\":200.0"));
  EXPECT_THAT(stats, HasSubstr("\"connections\":7,\"final\":false}"));
}

}  // namespace
}  // namespace corio::loadgen
