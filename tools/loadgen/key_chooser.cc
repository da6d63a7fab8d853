#include "tools/loadgen/key_chooser.h"

#include <cmath>

namespace corio::loadgen {
namespace {

// log1p(x) / x, continuous at 0.
double log1p_over_x(double x) {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x * (0.5 - x / 3.0);
}

// expm1(x) / x, continuous at 0.
double expm1_over_x(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1 + x * (0.5 + x / 6.0);
}

}  // namespace

std::optional<KeyPattern> parse_key_pattern(std::string_view name) {
  if (name == "uniform") return KeyPattern::kUniform;
  if (name == "zipf") return KeyPattern::kZipf;
  if (name == "sequential") return KeyPattern::kSequential;
  return std::nullopt;
}

std::string_view key_pattern_name(KeyPattern pattern) {
  switch (pattern) {
    case KeyPattern::kUniform:
      return "uniform";
    case KeyPattern::kZipf:
      return "zipf";
    case KeyPattern::kSequential:
      break;
  }
  return "sequential";
}

// The method, on the 1-based support {1..n}: draw u uniformly under the area of the
// continuous hat h between 0.5 (shifted for k = 1) and n + 0.5, invert H to get x, round
// to the nearest integer k, and accept k if x fell under the histogram bar of k (the
// squeeze accepts most draws without computing H again). Expected draws per sample are
// close to 1 for every n and s.
ZipfDistribution::ZipfDistribution(uint64_t n, double exponent) : n_(n < 1 ? 1 : n), s_(exponent) {
  h_integral_x1_ = big_h(1.5) - 1.0;
  h_integral_n_ = big_h(static_cast<double>(n_) + 0.5);
  squeeze_ = 2.0 - big_h_inverse(big_h(2.5) - h(2.0));
}

double ZipfDistribution::h(double x) const { return std::exp(-s_ * std::log(x)); }

// H(x) = (x^(1-s) - 1) / (1-s), or log(x) when s = 1.
double ZipfDistribution::big_h(double x) const {
  double log_x = std::log(x);
  return expm1_over_x((1.0 - s_) * log_x) * log_x;
}

double ZipfDistribution::big_h_inverse(double y) const {
  double t = y * (1.0 - s_);
  if (t < -1.0) t = -1.0;  // rounding at the far end of the support
  return std::exp(log1p_over_x(t) * y);
}

uint64_t ZipfDistribution::operator()(SplitMix64& rng) const {
  if (n_ == 1) return 0;
  for (;;) {
    double u = h_integral_n_ + rng.next_double() * (h_integral_x1_ - h_integral_n_);
    double x = big_h_inverse(u);
    double rounded = std::floor(x + 0.5);
    uint64_t k;
    if (rounded < 1) {
      k = 1;
    } else if (rounded > static_cast<double>(n_)) {
      k = n_;
    } else {
      k = static_cast<uint64_t>(rounded);
    }
    double kd = static_cast<double>(k);
    if (kd - x <= squeeze_ || u >= big_h(kd + 0.5) - h(kd)) return k - 1;
  }
}

KeyChooser::KeyChooser(KeyPattern pattern, uint64_t keyspace, double zipf_exponent, uint64_t seed,
                       uint64_t start)
    : pattern_(pattern),
      keyspace_(keyspace < 1 ? 1 : keyspace),
      rng_(seed),
      zipf_(keyspace_, zipf_exponent),
      next_sequential_(start % keyspace_) {}

}  // namespace corio::loadgen
