// Workload: what the load generator sends, pre-encoded once so that the hot path only
// copies bytes and patches key digits.
//
//   auto w = Workload::create({.ratio = {1, 10}, .keyspace = 100000, .value_size = 32});
//   size_t n = w->write_batch(out, 16, &cycle_position, keys);   // 16 requests in `out`
//
// Requests come from templates: SET key value / GET key mixed by a set:get ratio, or one
// --command line whose arguments may contain the placeholders __key__ (replaced by the key
// prefix and a zero-padded key number) and __value__ (replaced by --value-size bytes).
// Keys have a fixed width (the digits of keyspace-1), so every request of a template has
// the same length and its RESP encoding is built once; a request is a memcpy of the
// template and a rewrite of its key digits in place. Every __key__ of one request names
// the same key.
//
// The ratio is spread evenly over a cycle of sets+gets requests (1:3 sends G G G S, 2:2
// sends G S G S), and each connection walks the cycle from its own position.
//
// Thread-safety: immutable after create(); share one Workload between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/loadgen/key_chooser.h"

namespace corio::loadgen {

// Splits a command line into arguments as redis-cli does: blanks separate arguments;
// "double quotes" (with \" \\ \n \r \t \b \a and \xHH escapes) and 'single quotes' (with
// \' only) group them. InvalidArgument for an unbalanced quote, a quote not followed by a
// blank, or no argument at all.
absl::StatusOr<std::vector<std::string>> split_command_line(std::string_view line);

// --ratio "sets:gets", e.g. "1:10"; both >= 0, not both 0, sum <= 1000.
struct Ratio {
  uint32_t sets = 1;
  uint32_t gets = 10;
};
absl::StatusOr<Ratio> parse_ratio(std::string_view text);

inline constexpr std::string_view kKeyPlaceholder = "__key__";
inline constexpr std::string_view kValuePlaceholder = "__value__";

// One command, RESP-encoded, with the offsets of its key digits.
class RequestTemplate {
 public:
  RequestTemplate(const std::vector<std::string>& args, std::string_view key_prefix, int key_digits,
                  std::string_view value);

  size_t size() const { return encoded_.size(); }
  bool uses_key() const { return !key_offsets_.empty(); }
  // Writes the request for key number `key` (< 10^key_digits) to dst[0, size()).
  void write(char* dst, uint64_t key) const {
    std::memcpy(dst, encoded_.data(), encoded_.size());
    for (uint32_t at : key_offsets_) {
      char* p = dst + at + key_digits_;
      uint64_t k = key;
      for (int i = 0; i < key_digits_; ++i) {
        *--p = static_cast<char>('0' + k % 10);
        k /= 10;
      }
    }
  }
  // The request for `key` as a string (tests, --dry-run style output).
  std::string render(uint64_t key) const;

 private:
  std::string encoded_;
  std::vector<uint32_t> key_offsets_;  // first digit of each key in encoded_
  int key_digits_;
};

struct WorkloadOptions {
  std::string command;  // one command line with placeholders; empty: SET/GET by ratio
  Ratio ratio;
  uint64_t keyspace = 1;
  std::string key_prefix = "key:";
  size_t value_size = 3;
  uint64_t seed = 1;    // the value's bytes
  size_t pipeline = 1;  // the largest batch write_batch() is asked for
};

class Workload {
 public:
  // InvalidArgument for a command line that does not split, keyspace 0 or above 10^18.
  static absl::StatusOr<Workload> create(const WorkloadOptions& options);

  // Writes `n` (<= options.pipeline) requests from `*position` of the cycle (advancing it)
  // into dst, which holds at least n * max_request_size() bytes; returns the bytes written.
  size_t write_batch(char* dst, size_t n, size_t* position, KeyChooser& keys) const {
    if (fixed_) {
      std::memcpy(dst, fixed_batch_.data(), n * templates_[0].size());
      return n * templates_[0].size();
    }
    size_t bytes = 0;
    for (size_t i = 0; i < n; ++i) {
      const RequestTemplate& t = templates_[cycle_[*position]];
      if (++*position == cycle_.size()) *position = 0;
      t.write(dst + bytes, t.uses_key() ? keys.next() : 0);
      bytes += t.size();
    }
    return bytes;
  }
  // Room for one request of any template.
  size_t max_request_size() const { return max_size_; }
  // Every request is the same bytes (one template whose key, if any, is always key 0).
  bool fixed() const { return fixed_; }
  size_t cycle_length() const { return cycle_.size(); }
  uint64_t keyspace() const { return keyspace_; }
  // "SET/GET 1:10" or the command line.
  const std::string& description() const { return description_; }

 private:
  Workload() = default;
  std::vector<RequestTemplate> templates_;
  std::vector<uint8_t> cycle_;  // template index of each position
  size_t max_size_ = 0;
  uint64_t keyspace_ = 1;
  bool fixed_ = false;
  std::string fixed_batch_;
  std::string description_;
};

}  // namespace corio::loadgen
