#include "tools/loadgen/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace corio::loadgen {
namespace {

using H = LatencyHistogram;

TEST(LatencyHistogramTest, SmallValuesHaveOneBucketEach) {
  for (uint64_t v = 0; v < H::kSubBucketCount; ++v) {
    ASSERT_EQ(H::bucket_of(v), v);
    ASSERT_EQ(H::bucket_low(v), v);
    ASSERT_EQ(H::bucket_high(v), v);
  }
}

TEST(LatencyHistogramTest, BucketsTileTheRangeWithoutGapsOrOverlap) {
  EXPECT_EQ(H::bucket_low(0), 0u);
  for (size_t i = 0; i + 1 < H::kBucketCount; ++i) {
    ASSERT_EQ(H::bucket_high(i) + 1, H::bucket_low(i + 1)) << i;
    ASSERT_EQ(H::bucket_of(H::bucket_low(i)), i) << i;
    ASSERT_EQ(H::bucket_of(H::bucket_high(i)), i) << i;
  }
  EXPECT_EQ(H::bucket_high(H::kBucketCount - 1), H::kMaxValue);
  EXPECT_EQ(H::bucket_of(H::kMaxValue), H::kBucketCount - 1);
}

TEST(LatencyHistogramTest, BucketsAreNarrowerThanOnePercentOfTheirValues) {
  for (size_t i = H::kSubBucketCount; i < H::kBucketCount; ++i) {
    uint64_t width = H::bucket_high(i) - H::bucket_low(i) + 1;
    ASSERT_LE(width * 128, H::bucket_low(i)) << i;  // width <= low / 128 < 0.8%
  }
}

TEST(LatencyHistogramTest, EmptyReportsZero) {
  H h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.percentile(100), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogramTest, OneValueIsEveryPercentile) {
  H h;
  h.record(123456);
  for (double q : {0.0, 1.0, 50.0, 99.9, 100.0}) EXPECT_EQ(h.percentile(q), 123456u) << q;
  EXPECT_EQ(h.min(), 123456u);
  EXPECT_EQ(h.max(), 123456u);
}

// The reported percentile is within the bucket precision of the exact order statistic,
// over six decades of log-normally spread values.
TEST(LatencyHistogramTest, PercentilesMatchExactOrderStatistics) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(std::log(200'000.0), 1.5);
  std::vector<uint64_t> values;
  H h;
  for (int i = 0; i < 200'000; ++i) {
    auto v = static_cast<uint64_t>(dist(rng)) + 1;
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {1.0, 10.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99}) {
    size_t rank = static_cast<size_t>(std::ceil(q * values.size() / 100.0 - 1e-7));
    double exact = static_cast<double>(values[rank - 1]);
    double got = static_cast<double>(h.percentile(q));
    EXPECT_NEAR(got, exact, exact / 256 + 1) << "p" << q;
  }
  EXPECT_EQ(h.percentile(100), values.back());
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.count(), values.size());
}

TEST(LatencyHistogramTest, PercentilesOfAUniformRange) {
  H h;
  for (uint64_t v = 1; v <= 1000; ++v) h.record(v * 1000);  // 1 us .. 1 ms in ns
  EXPECT_NEAR(static_cast<double>(h.percentile(50)), 500'000, 500'000 / 256.0);
  EXPECT_NEAR(static_cast<double>(h.percentile(90)), 900'000, 900'000 / 256.0);
  EXPECT_NEAR(static_cast<double>(h.percentile(99)), 990'000, 990'000 / 256.0);
  EXPECT_NEAR(h.mean(), 500'500.0, 1e-6);
  // 99.9% of 1000 values is the 999th, not the largest (0.999 * 1000 > 999 in binary).
  EXPECT_LT(h.percentile(99.9), 1'000'000u);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  H a, b, all;
  for (uint64_t v = 0; v < 5000; ++v) {
    uint64_t x = v * v + 17;
    ((v % 3 == 0) ? a : b).record(x);
    all.record(x);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  for (double q : {0.0, 25.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(a.percentile(q), all.percentile(q)) << q;
  }
}

TEST(LatencyHistogramTest, MergingAnEmptyHistogramChangesNothing) {
  H a, empty;
  a.record(10);
  a.record(1000);
  a.merge(empty);
  EXPECT_EQ(a.count(), 2u);
  EXPECT_EQ(a.min(), 10u);
  EXPECT_EQ(a.max(), 1000u);
}

TEST(LatencyHistogramTest, ResetForgetsEverything) {
  H h;
  h.record(5);
  h.record(5'000'000);
  h.reset();
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.max(), 0u);
  h.record(7);
  EXPECT_EQ(h.min(), 7u);
  EXPECT_EQ(h.percentile(50), 7u);
}

TEST(LatencyHistogramTest, HugeValuesAreClampedToTheMaximum) {
  H h;
  h.record(UINT64_MAX);
  EXPECT_EQ(h.max(), H::kMaxValue);
  EXPECT_EQ(h.percentile(50), H::kMaxValue);
}

TEST(LatencyHistogramTest, RecordNCountsEachValueNTimes) {
  H h;
  h.record_n(100, 99);
  h.record_n(1'000'000, 1);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.percentile(99), 100u);
  EXPECT_EQ(h.percentile(99.5), 1'000'000u);
}

}  // namespace
}  // namespace corio::loadgen
