// Random mutations of valid requests and frames (a fixed seed, so a failure reproduces):
// the parsers must never crash, must give the same results however the bytes are split,
// and must never allocate more than the input can justify — a peer's claimed lengths
// ("$536870912", "*2147483647") must not turn into reservations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "net/byte_buffer.h"
#include "redis/frame.h"
#include "redis/reply_writer.h"
#include "redis/resp_parser.h"

// Allocation accounting: the largest single allocation and the total while `g_tracking`.
namespace {
bool g_tracking = false;
size_t g_largest = 0;
size_t g_total = 0;

void* Allocate(size_t n) {
  if (g_tracking) {
    g_largest = std::max(g_largest, n);
    g_total += n;
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
}  // namespace

// The replacements pair malloc with free; GCC cannot see that once they are inlined
// into a new-expression and warns of a mismatch that is not there.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) { return Allocate(n); }
void* operator new[](size_t n) { return Allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace corio::redis {
namespace {

std::vector<std::string> Seeds() {
  std::vector<std::string> seeds = {
      "*3\r\n$3\r\nSET\r\n$10\r\nkey:000001\r\n$16\r\n0123456789abcdef\r\n",
      "*2\r\n$3\r\nGET\r\n$10\r\nkey:000001\r\n",
      "PING\r\n",
      "SET k \"a \\x41 \\\"b\\\"\" 'it\\'s'\r\n",
      "\r\n*0\r\n*-1\r\n",
      "*1\r\n$0\r\n\r\n",
  };
  // Replies of every RESP3 kind, in both protocols.
  Frame reply = Frame::array({
      Frame::simple("OK"), Frame::error("ERR x"), Frame::integer(-12), Frame::bulk("bulk"),
      Frame::null(), Frame::map({Frame::bulk("k"), Frame::set({Frame::real(1.5)})}),
      Frame::boolean(true), Frame::big_number("123456789012345678901234567890"),
      Frame::verbatim("txt", "v"), Frame::push({Frame::array({})}),
  });
  for (int protocol : {2, 3}) {
    net::ByteBuffer buf;
    ReplyWriter(buf, protocol).frame(reply);
    seeds.emplace_back(buf.readable_view());
  }
  seeds.push_back("|1\r\n+a\r\n:1\r\n!3\r\nerr\r\n");
  return seeds;
}

// Tokens that steer a mutation toward the interesting paths.
constexpr std::string_view kTokens[] = {
    "\r\n", "\r", "\n", "*", "$", "%", "~", ">", "|", "=", "(", ",", "#", "_", "!", "?",
    "\"", "'", "\\", "\\x", std::string_view("\0", 1), "*1000000000\r\n",
    "$1000000000\r\n", "*1\r\n*1\r\n*1\r\n*1\r\n",
};
// Replacements for lengths and counts: edges of Redis's limits and of int64.
constexpr std::string_view kNumbers[] = {
    "-1", "0", "-0", "01", "2147483647", "2147483648", "536870912", "536870913",
    "99999999999999999999", "9223372036854775807", "-9223372036854775808", "",
};

std::string Mutate(std::string s, const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t at = pick(s.size() + 1);
    switch (rng() % 8) {
      case 0:  // flip a byte
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << (rng() % 8));
        break;
      case 1:  // random byte
        s.insert(at, 1, static_cast<char>(rng()));
        break;
      case 2:  // delete a run
        if (at < s.size()) s.erase(at, 1 + pick(std::min<size_t>(8, s.size() - at)));
        break;
      case 3: {  // insert a token
        s.insert(at, kTokens[pick(std::size(kTokens))]);
        break;
      }
      case 4:  // truncate
        s.resize(at);
        break;
      case 5: {  // duplicate a slice
        if (s.empty()) break;
        size_t from = pick(s.size());
        size_t len = 1 + pick(std::min<size_t>(32, s.size() - from));
        s.insert(at, s.substr(from, len));
        break;
      }
      case 6:  // splice another seed
        s.insert(at, seeds[pick(seeds.size())]);
        break;
      case 7: {  // replace a digit run with a token (lengths and counts)
        size_t d = s.find_first_of("0123456789", at);
        if (d == std::string::npos) break;
        size_t end = s.find_first_not_of("0123456789", d);
        size_t len = (end == std::string::npos ? s.size() : end) - d;
        s.replace(d, len, kNumbers[pick(std::size(kNumbers))]);
        break;
      }
    }
  }
  return s;
}

struct Outcome {
  std::vector<std::vector<std::string>> requests;
  std::vector<Frame> frames;
  ParseStatus end = ParseStatus::kIncomplete;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

// Feeds `input` in reads of `chunk` bytes (0: all at once) to a fresh parser of each kind.
template <typename Parse>
Outcome Feed(std::string_view input, size_t chunk, Parse parse) {
  Outcome out;
  std::string buf;
  size_t fed = 0;
  while (fed < input.size()) {
    size_t n = chunk == 0 ? input.size() : std::min(chunk, input.size() - fed);
    buf.append(input.substr(fed, n));
    fed += n;
    for (;;) {
      ParseResult r = parse(std::string_view(buf), out);
      if (r.status == ParseStatus::kIncomplete) break;
      if (r.status != ParseStatus::kComplete) {
        out.end = r.status;
        out.error = r.error;
        return out;
      }
      EXPECT_GT(r.consumed, 0u);
      EXPECT_LE(r.consumed, buf.size());
      buf.erase(0, r.consumed);
    }
  }
  return out;
}

Outcome Requests(std::string_view input, size_t chunk) {
  RequestParser parser;
  CommandArgs args;
  return Feed(input, chunk, [&](std::string_view buf, Outcome& out) {
    ParseResult r = parser.parse(buf, args);
    if (r.status == ParseStatus::kComplete) out.requests.emplace_back(args.begin(), args.end());
    return r;
  });
}

Outcome Frames(std::string_view input, size_t chunk) {
  FrameParser parser;
  return Feed(input, chunk, [&](std::string_view buf, Outcome& out) {
    FrameParser::Result r = parser.parse(buf);
    if (r.status == ParseStatus::kComplete) out.frames.push_back(std::move(r.frame));
    return static_cast<ParseResult>(r);
  });
}

TEST(RespParserMutationTest, MutatedInputsNeverCrashNorDependOnSplitsNorAllocateHugely) {
  const std::vector<std::string> seeds = Seeds();
  std::mt19937_64 rng(0x5EED'C0D1'0000'0009);
  constexpr int kIterations = 20000;
  size_t worst_ratio_input = 0, worst_largest = 0;
  int completed = 0, errors = 0;
  for (int i = 0; i < kIterations; ++i) {
    std::string input = Mutate(seeds[rng() % seeds.size()], seeds, rng);
    if (rng() % 4 == 0) input = Mutate(input, seeds, rng);  // sometimes go further

    g_largest = g_total = 0;
    g_tracking = true;
    Outcome req = Requests(input, 0);
    Outcome frm = Frames(input, 0);
    g_tracking = false;
    // Nothing is sized from a claim: the largest block is bounded by the input (a Frame
    // node is 40 bytes per element of at least 3 input bytes; an argument view is 16 bytes
    // per argument of at least 2 input bytes, doubled by vector growth), plus a constant.
    const size_t bound = 32 * input.size() + 4096;
    ASSERT_LE(g_largest, bound) << "input #" << i << ": " << testing::PrintToString(input);
    ASSERT_LE(g_total, 64 * input.size() + 65536) << "input #" << i;
    if (g_largest > worst_largest) {
      worst_largest = g_largest;
      worst_ratio_input = input.size();
    }

    // Reads of any size give the same outcome (inputs are far below the 64 KB line limit).
    size_t chunk = 1 + rng() % 7;
    ASSERT_EQ(Requests(input, chunk), req) << "chunk " << chunk << " input #" << i << ": "
                                           << testing::PrintToString(input);
    ASSERT_EQ(Frames(input, chunk), frm) << "chunk " << chunk << " input #" << i << ": "
                                         << testing::PrintToString(input);
    completed += !req.requests.empty() + !frm.frames.empty();
    errors += (req.end == ParseStatus::kError) + (frm.end == ParseStatus::kError);
  }
  // The mutations reach both outcomes often (the test is not vacuous).
  EXPECT_GT(completed, kIterations / 4);
  EXPECT_GT(errors, kIterations / 4);
  std::printf("largest allocation %zu bytes (input of %zu bytes); %d completions, %d errors\n",
              worst_largest, worst_ratio_input, completed, errors);
}

TEST(RespParserMutationTest, ClaimedLengthsAloneAllocateNothing) {
  for (std::string_view claim :
       {"*2147483647\r\n", "*1\r\n$536870912\r\n", "*2147483647\r\n$536870912\r\nxyz",
        "$536870912\r\n", "%2147483647\r\n", "~2147483647\r\n*2147483647\r\n"}) {
    FrameParser frames;
    g_largest = g_total = 0;
    g_tracking = true;
    FrameParser::Result f = frames.parse(claim);
    g_tracking = false;
    EXPECT_EQ(f.status, ParseStatus::kIncomplete) << claim;
    EXPECT_EQ(g_total, 0u) << claim;
    if (claim[0] != '*') continue;  // anything else is an inline request
    RequestParser requests;
    CommandArgs args;
    g_tracking = true;
    ParseResult r = requests.parse(claim, args);
    g_tracking = false;
    EXPECT_EQ(r.status, ParseStatus::kIncomplete) << claim;
    EXPECT_EQ(g_total, 0u) << claim;
  }
}

}  // namespace
}  // namespace corio::redis
