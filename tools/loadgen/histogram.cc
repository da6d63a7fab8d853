#include "tools/loadgen/histogram.h"

#include <algorithm>
#include <cmath>

namespace corio::loadgen {

uint64_t LatencyHistogram::bucket_low(size_t index) {
  if (index < kSubBucketCount) return index;
  int shift = static_cast<int>(index >> (kSubBucketBits - 1)) - 1;
  uint64_t sub = (index & (kHalfSubBucketCount - 1)) + kHalfSubBucketCount;
  return sub << shift;
}

uint64_t LatencyHistogram::bucket_high(size_t index) {
  if (index < kSubBucketCount) return index;
  int shift = static_cast<int>(index >> (kSubBucketBits - 1)) - 1;
  return bucket_low(index) + (uint64_t{1} << shift) - 1;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.total_ == 0) return;
  for (size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
  sum_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
}

uint64_t LatencyHistogram::percentile(double q) const {
  if (total_ == 0) return 0;
  if (q >= 100) return max_;
  if (q < 0) q = 0;
  // The rank (1-based) of the value asked for: at least the first one.
  // (The small subtraction keeps 99.9% of 1000 at rank 999: 0.999 * 1000 is 999.0000001
  // in binary floating point.)
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total_) / 100.0 - 1e-7));
  rank = std::clamp<uint64_t>(rank, 1, total_);
  if (rank == total_) return max_;  // the largest value is known exactly
  uint64_t seen = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      uint64_t middle = bucket_low(i) + (bucket_high(i) - bucket_low(i)) / 2;
      return std::clamp(middle, min(), max_);
    }
  }
  return max_;
}

}  // namespace corio::loadgen
