// LatencyHistogram: a log-linear bucketed histogram of durations (the shape of Gil Tene's
// HdrHistogram), for the load generator's latency figures.
//
//   LatencyHistogram h;
//   h.record(elapsed_ns);              // O(1): an index computation and three adds
//   uint64_t p99 = h.percentile(99);   // within 0.4% of the exact order statistic
//
// Layout: values below 2^kSubBucketBits (256) have one bucket each (exact). Every larger
// power-of-two range [2^m, 2^(m+1)) is cut into 128 buckets of equal width 2^(m-7), so a
// bucket is never wider than 1/128 of the values it holds; percentile() reports the middle
// of its bucket (clamped to the exact min and max), hence at most 0.4% off. Values above
// kMaxValue (about 18 minutes in nanoseconds) are counted as kMaxValue.
//
// Recording never allocates (the counters are allocated once, by the constructor), so a
// load generator's hot path can record every reply. Histograms of the same shape merge by
// adding counters: each thread keeps its own and the reporter merges them, with no shared
// atomic on the recording path.
//
// Thread-safety: none. A histogram belongs to one thread; merge() reads `other` while the
// caller guarantees nobody writes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace corio::loadgen {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 8;
  static constexpr uint64_t kSubBucketCount = uint64_t{1} << kSubBucketBits;  // 256
  static constexpr uint64_t kHalfSubBucketCount = kSubBucketCount / 2;        // 128
  static constexpr int kMaxValueBits = 40;
  static constexpr uint64_t kMaxValue = (uint64_t{1} << kMaxValueBits) - 1;
  // Buckets: 256 exact ones, then 128 per power of two from 2^8 to 2^39.
  static constexpr size_t kBucketCount =
      kSubBucketCount + (kMaxValueBits - kSubBucketBits) * kHalfSubBucketCount;

  LatencyHistogram() : counts_(kBucketCount, 0) {}

  void record(uint64_t value) { record_n(value, 1); }
  void record_n(uint64_t value, uint64_t n) {
    if (value > kMaxValue) value = kMaxValue;
    counts_[bucket_of(value)] += n;
    total_ += n;
    sum_ += value * n;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }

  // Adds every count of `other` to this one.
  void merge(const LatencyHistogram& other);
  // Forgets every value (keeps the storage).
  void reset();

  uint64_t count() const { return total_; }
  bool empty() const { return total_ == 0; }
  // Exact smallest and largest recorded values (0 when empty).
  uint64_t min() const { return total_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  double mean() const { return total_ == 0 ? 0 : static_cast<double>(sum_) / total_; }

  // The value below or at which `q` percent of the recorded values lie (q in [0, 100]):
  // the middle of the bucket holding the ceil(q% * count)-th smallest value, clamped to
  // [min(), max()]; the rank of the largest value (percentile(100)...) gives max(), exact.
  // 0 when empty.
  uint64_t percentile(double q) const;

  // The bucket holding `value` (<= kMaxValue), and the range [low, high] a bucket covers.
  static size_t bucket_of(uint64_t value) {
    if (value < kSubBucketCount) return static_cast<size_t>(value);
    int msb = 63 - __builtin_clzll(value);
    int shift = msb - (kSubBucketBits - 1);  // >= 1
    return static_cast<size_t>((static_cast<uint64_t>(shift + 1) << (kSubBucketBits - 1)) +
                               ((value >> shift) - kHalfSubBucketCount));
  }
  static uint64_t bucket_low(size_t index);
  static uint64_t bucket_high(size_t index);

 private:
  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace corio::loadgen
