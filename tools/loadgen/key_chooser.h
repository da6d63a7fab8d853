// Key choice for the load generator: which of the --keyspace keys each request names.
//
//   KeyChooser keys(KeyPattern::kZipf, 1'000'000, /*zipf_exponent=*/0.99, /*seed=*/7);
//   uint64_t k = keys.next();   // in [0, 1'000'000); key 0 is the most popular
//
// - kUniform: every key equally likely.
// - kZipf: key k (0-based) drawn with probability proportional to 1 / (k + 1)^s, the
//   skew of real caches (YCSB uses s = 0.99). Drawn by rejection-inversion (Hörmann and
//   Derflinger, "Rejection-inversion to generate variates from monotone discrete
//   distributions", 1996): O(1) time and memory per draw, no table, so a keyspace of 10^9
//   costs nothing to set up.
// - kSequential: k, k+1, ... wrapping around (fills a keyspace; each connection starts at
//   its own offset).
//
// Thread-safety: none; one chooser per connection (they are cheap to copy).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace corio::loadgen {

enum class KeyPattern { kUniform, kZipf, kSequential };

// "uniform", "zipf", "sequential"; nullopt for anything else.
std::optional<KeyPattern> parse_key_pattern(std::string_view name);
std::string_view key_pattern_name(KeyPattern pattern);

// SplitMix64 (Steele, Lea, Flood 2014): a fast 64-bit generator, good enough to spread
// keys, and seedable so that a run can be repeated.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (n >= 1), by multiply-shift: the bias is below n / 2^64.
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // Uniform in [0, 1).
  double next_double() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// Zipf on {0, ..., n-1}: P(k) proportional to 1 / (k + 1)^exponent. n >= 1, exponent > 0.
class ZipfDistribution {
 public:
  ZipfDistribution(uint64_t n, double exponent);
  uint64_t operator()(SplitMix64& rng) const;

  uint64_t n() const { return n_; }
  double exponent() const { return s_; }

 private:
  // The hat function h(x) = x^-s, its antiderivative H and H's inverse, written with
  // expm1/log1p so that s near 1 loses no precision.
  double h(double x) const;
  double big_h(double x) const;
  double big_h_inverse(double y) const;

  uint64_t n_;
  double s_;
  double h_integral_x1_;  // H(1.5) - h(1): the hat's area is shifted so that k = 1 fits
  double h_integral_n_;   // H(n + 0.5)
  double squeeze_;        // accepting x within this distance of k needs no test
};

class KeyChooser {
 public:
  // `start`: the first key of kSequential (taken modulo keyspace). keyspace >= 1.
  KeyChooser(KeyPattern pattern, uint64_t keyspace, double zipf_exponent, uint64_t seed,
             uint64_t start = 0);

  uint64_t next() {
    switch (pattern_) {
      case KeyPattern::kUniform:
        return rng_.below(keyspace_);
      case KeyPattern::kZipf:
        return zipf_(rng_);
      case KeyPattern::kSequential:
        break;
    }
    uint64_t k = next_sequential_;
    if (++next_sequential_ == keyspace_) next_sequential_ = 0;
    return k;
  }

 private:
  KeyPattern pattern_;
  uint64_t keyspace_;
  SplitMix64 rng_;
  ZipfDistribution zipf_;
  uint64_t next_sequential_;
};

}  // namespace corio::loadgen
