#include "tools/loadgen/workload.h"

#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace corio::loadgen {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int digits_of(uint64_t v) {
  int d = 1;
  while (v >= 10) {
    v /= 10;
    ++d;
  }
  return d;
}

// Deterministic printable bytes: no two values of a run compress to nothing, and a run
// with the same seed sends the same bytes.
std::string make_value(size_t size, uint64_t seed) {
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  SplitMix64 rng(seed);
  std::string v(size, 'x');
  for (char& c : v) c = kAlphabet[rng.below(sizeof(kAlphabet) - 1)];
  return v;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> split_command_line(std::string_view line) {
  std::vector<std::string> args;
  size_t i = 0;
  const size_t n = line.size();
  for (;;) {
    while (i < n && is_blank(line[i])) ++i;
    if (i == n) break;
    std::string arg;
    bool in_double = false;
    bool in_single = false;
    for (;;) {
      if (in_double) {
        if (i == n) return absl::InvalidArgumentError("unbalanced \" in command line");
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && hex_digit(line[i + 2]) >= 0 &&
            hex_digit(line[i + 3]) >= 0) {
          arg.push_back(static_cast<char>(hex_digit(line[i + 2]) * 16 + hex_digit(line[i + 3])));
          i += 4;
        } else if (c == '\\' && i + 1 < n) {
          char e = line[i + 1];
          switch (e) {
            case 'n':
              arg.push_back('\n');
              break;
            case 'r':
              arg.push_back('\r');
              break;
            case 't':
              arg.push_back('\t');
              break;
            case 'b':
              arg.push_back('\b');
              break;
            case 'a':
              arg.push_back('\a');
              break;
            default:
              arg.push_back(e);
              break;
          }
          i += 2;
        } else if (c == '"') {
          ++i;
          if (i < n && !is_blank(line[i])) {
            return absl::InvalidArgumentError("closing \" must be followed by a blank");
          }
          break;
        } else {
          arg.push_back(c);
          ++i;
        }
      } else if (in_single) {
        if (i == n) return absl::InvalidArgumentError("unbalanced ' in command line");
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          arg.push_back('\'');
          i += 2;
        } else if (c == '\'') {
          ++i;
          if (i < n && !is_blank(line[i])) {
            return absl::InvalidArgumentError("closing ' must be followed by a blank");
          }
          break;
        } else {
          arg.push_back(c);
          ++i;
        }
      } else {
        if (i == n || is_blank(line[i])) break;
        char c = line[i++];
        if (c == '"' && arg.empty()) {
          in_double = true;
        } else if (c == '\'' && arg.empty()) {
          in_single = true;
        } else {
          arg.push_back(c);
        }
      }
    }
    args.push_back(std::move(arg));
  }
  if (args.empty()) return absl::InvalidArgumentError("empty command line");
  return args;
}

absl::StatusOr<Ratio> parse_ratio(std::string_view text) {
  size_t colon = text.find(':');
  Ratio r;
  if (colon == std::string_view::npos ||
      !absl::SimpleAtoi(absl::string_view(text.data(), colon), &r.sets) ||
      !absl::SimpleAtoi(absl::string_view(text.data() + colon + 1, text.size() - colon - 1),
                        &r.gets)) {
    return absl::InvalidArgumentError(absl::StrCat("--ratio wants SETS:GETS (e.g. 1:10), not '",
                                                   absl::string_view(text.data(), text.size()),
                                                   "'"));
  }
  if (r.sets + r.gets == 0 || r.sets > 1000 || r.gets > 1000 || r.sets + r.gets > 1000) {
    return absl::InvalidArgumentError("--ratio: SETS+GETS must be between 1 and 1000");
  }
  return r;
}

RequestTemplate::RequestTemplate(const std::vector<std::string>& args, std::string_view key_prefix,
                                 int key_digits, std::string_view value)
    : key_digits_(key_digits) {
  absl::StrAppend(&encoded_, "*", args.size(), "\r\n");
  for (const std::string& arg : args) {
    // Expand the placeholders; remember where key digits go, relative to the argument.
    std::string expanded;
    std::vector<uint32_t> digits_at;
    size_t i = 0;
    while (i < arg.size()) {
      std::string_view rest = std::string_view(arg).substr(i);
      if (rest.substr(0, kKeyPlaceholder.size()) == kKeyPlaceholder) {
        expanded.append(key_prefix);
        digits_at.push_back(static_cast<uint32_t>(expanded.size()));
        expanded.append(static_cast<size_t>(key_digits), '0');
        i += kKeyPlaceholder.size();
      } else if (rest.substr(0, kValuePlaceholder.size()) == kValuePlaceholder) {
        expanded.append(value);
        i += kValuePlaceholder.size();
      } else {
        expanded.push_back(arg[i++]);
      }
    }
    absl::StrAppend(&encoded_, "$", expanded.size(), "\r\n");
    for (uint32_t at : digits_at) {
      key_offsets_.push_back(static_cast<uint32_t>(encoded_.size()) + at);
    }
    encoded_.append(expanded);
    encoded_.append("\r\n");
  }
}

std::string RequestTemplate::render(uint64_t key) const {
  std::string out(size(), '\0');
  write(out.data(), key);
  return out;
}

absl::StatusOr<Workload> Workload::create(const WorkloadOptions& options) {
  if (options.keyspace == 0 || options.keyspace > 1'000'000'000'000'000'000ull) {
    return absl::InvalidArgumentError("--keyspace must be between 1 and 10^18");
  }
  if (options.pipeline == 0) return absl::InvalidArgumentError("pipeline must be >= 1");
  Workload w;
  w.keyspace_ = options.keyspace;
  const int digits = digits_of(options.keyspace - 1);
  const std::string value = make_value(options.value_size, options.seed);
  if (!options.command.empty()) {
    auto args = split_command_line(options.command);
    if (!args.ok()) return args.status();
    w.templates_.emplace_back(*args, options.key_prefix, digits, value);
    w.cycle_.push_back(0);
    w.description_ = options.command;
  } else {
    const Ratio r = options.ratio;
    w.templates_.emplace_back(std::vector<std::string>{"SET", std::string(kKeyPlaceholder),
                                                       std::string(kValuePlaceholder)},
                              options.key_prefix, digits, value);
    w.templates_.emplace_back(std::vector<std::string>{"GET", std::string(kKeyPlaceholder)},
                              options.key_prefix, digits, value);
    // Spread the sets evenly over the cycle: position i is a set when the running share
    // of sets crosses an integer there.
    const uint32_t n = r.sets + r.gets;
    for (uint32_t i = 0; i < n; ++i) {
      bool set = (uint64_t{i + 1} * r.sets) / n > (uint64_t{i} * r.sets) / n;
      w.cycle_.push_back(set ? 0 : 1);
    }
    w.description_ = absl::StrCat("SET/GET ", r.sets, ":", r.gets);
  }
  for (const RequestTemplate& t : w.templates_) w.max_size_ = std::max(w.max_size_, t.size());
  // One template in use, and a key that never changes: the batch is always the same.
  bool one_template = true;
  for (uint8_t t : w.cycle_) one_template = one_template && t == w.cycle_[0];
  const RequestTemplate& first = w.templates_[w.cycle_[0]];
  if (one_template && (!first.uses_key() || options.keyspace == 1)) {
    w.fixed_ = true;
    // Keep only the template in use, so that write_batch's templates_[0] is it.
    RequestTemplate only = first;
    w.templates_.clear();
    w.templates_.push_back(std::move(only));
    w.cycle_.assign(1, 0);
    std::string one = w.templates_[0].render(0);
    for (size_t i = 0; i < options.pipeline; ++i) w.fixed_batch_.append(one);
  }
  return w;
}

}  // namespace corio::loadgen
