// RequestParser: Redis 7.0's request forms, errors and limits. Expected texts and quirks
// were checked against redis-server 7.0.15 (tools/resp_diff.py replays them).
#include "redis/resp_parser.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace corio::redis {
namespace {

using Args = std::vector<std::string>;

struct OneParse {
  ParseStatus status;
  size_t consumed;
  std::string error;
  Args args;
};

OneParse ParseOnce(std::string_view bytes, ProtocolLimits limits = {}, bool auth = false) {
  RequestParser parser(limits);
  CommandArgs out;
  ParseResult r = parser.parse(bytes, out, auth);
  return {r.status, r.consumed, r.error, Args(out.begin(), out.end())};
}

// What a connection sees: every request (empty ones too, which a server ignores), then how
// the stream ended: kIncomplete with nothing left over, or the error that stopped it.
struct Session {
  std::vector<Args> requests;
  ParseStatus end = ParseStatus::kIncomplete;
  std::string error;
  size_t leftover = 0;  // bytes of an unfinished request
  bool operator==(const Session&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Session& s) {
  os << s.requests.size() << " requests [";
  for (const Args& a : s.requests) {
    os << "(";
    for (const std::string& x : a) os << x.size() << ":" << x.substr(0, 20) << " ";
    os << ")";
  }
  return os << "] end=" << static_cast<int>(s.end) << " error='" << s.error
            << "' leftover=" << s.leftover;
}

// Feeds `input` in the chunks `cut` chooses (cut(offset) = size of the next chunk), moving
// the buffer to a new allocation before every call, as a growing read buffer may.
Session Drive(std::string_view input, const std::function<size_t(size_t)>& cut,
              ProtocolLimits limits = {}, bool auth = false) {
  RequestParser parser(limits);
  CommandArgs args;
  Session s;
  std::string buf;
  size_t fed = 0;
  while (fed < input.size()) {
    size_t n = std::min(cut(fed), input.size() - fed);
    std::string moved = buf;  // a new allocation: the parser must not keep old pointers
    moved.append(input.substr(fed, n));
    buf.swap(moved);
    fed += n;
    for (;;) {
      ParseResult r = parser.parse(buf, args, auth);
      if (r.status == ParseStatus::kIncomplete) break;
      if (r.status != ParseStatus::kComplete) {
        s.end = r.status;
        s.error = r.error;
        return s;
      }
      s.requests.emplace_back(args.begin(), args.end());
      buf.erase(0, r.consumed);
    }
  }
  s.leftover = buf.size();
  return s;
}

Session DriveWhole(std::string_view input, ProtocolLimits limits = {}, bool auth = false) {
  return Drive(input, [&](size_t) { return input.size(); }, limits, auth);
}

Session DriveBytewise(std::string_view input, ProtocolLimits limits = {}, bool auth = false) {
  return Drive(input, [](size_t) { return 1; }, limits, auth);
}

// --- The multibulk form -------------------------------------------------------------------

TEST(RequestParserTest, MultibulkCommandIsSplitIntoViewsOfTheBuffer) {
  std::string req = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
  RequestParser parser;
  CommandArgs args;
  ParseResult r = parser.parse(req, args);
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(r.consumed, req.size());
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[0], "SET");
  EXPECT_EQ(args[2], "value");
  EXPECT_EQ(args[2].data(), req.data() + req.find("value"));  // zero-copy
}

TEST(RequestParserTest, BulksAreBinarySafe) {
  std::string req("*2\r\n$4\r\nECHO\r\n$5\r\na\0\r\nb\r\n", 26);
  OneParse p = ParseOnce(req);
  ASSERT_EQ(p.status, ParseStatus::kComplete);
  EXPECT_EQ(p.args, (Args{"ECHO", std::string("a\0\r\nb", 5)}));
  EXPECT_EQ(ParseOnce("*1\r\n$0\r\n\r\n").args, Args{""});
}

TEST(RequestParserTest, ConsumesOnlyTheFirstOfPipelinedRequests) {
  std::string two = "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n";
  OneParse p = ParseOnce(two);
  EXPECT_EQ(p.status, ParseStatus::kComplete);
  EXPECT_EQ(p.consumed, two.size() / 2);
}

TEST(RequestParserTest, CountOfZeroOrLessIsAnEmptyRequest) {
  for (std::string req : {"*0\r\n", "*-1\r\n", "*-5\r\n", "*-9223372036854775808\r\n"}) {
    OneParse p = ParseOnce(req);
    EXPECT_EQ(p.status, ParseStatus::kComplete) << req;
    EXPECT_EQ(p.consumed, req.size()) << req;
    EXPECT_TRUE(p.args.empty()) << req;
  }
}

TEST(RequestParserTest, EveryPrefixOfARequestIsIncomplete) {
  std::string req = "*2\r\n$3\r\nGET\r\n$10\r\nkey:000001\r\n";
  for (size_t k = 0; k < req.size(); ++k) {
    EXPECT_EQ(ParseOnce(req.substr(0, k)).status, ParseStatus::kIncomplete) << k;
  }
  EXPECT_EQ(ParseOnce(req).status, ParseStatus::kComplete);
}

TEST(RequestParserTest, BytesAfterCountLineCrAreSkippedUnread) {
  // Redis only looks for the '\r' and steps over the next byte; likewise the 2 bytes after
  // a bulk's data (both checked on redis-server 7.0.15).
  OneParse p = ParseOnce("*1\rX$4\r\nPING\r\n");
  EXPECT_EQ(p.status, ParseStatus::kComplete);
  EXPECT_EQ(p.args, Args{"PING"});
  p = ParseOnce("*1\r\n$4\r\nPINGxy");
  EXPECT_EQ(p.status, ParseStatus::kComplete);
  EXPECT_EQ(p.consumed, 14u);
  EXPECT_EQ(p.args, Args{"PING"});
  // A '\r' that is the last byte is not yet a line end.
  EXPECT_EQ(ParseOnce("*1\r").status, ParseStatus::kIncomplete);
  EXPECT_EQ(ParseOnce("*1\r\n$4\r").status, ParseStatus::kIncomplete);
}

// --- Errors, byte for byte ----------------------------------------------------------------

void ExpectError(std::string_view input, std::string_view message, ProtocolLimits limits = {},
                 bool auth = false) {
  OneParse p = ParseOnce(input, limits, auth);
  EXPECT_EQ(p.status, ParseStatus::kError) << input;
  EXPECT_EQ(p.error, message) << input;
  // The same error when the bytes trickle in: one at a time for short inputs (the test
  // copies its buffer per read), in two reads at a few points for long ones.
  std::vector<Session> fed;
  if (input.size() < 4096) {
    fed.push_back(DriveBytewise(input, limits, auth));
  } else {
    for (size_t k : {size_t{1}, input.size() / 2, input.size() - 1}) {
      fed.push_back(Drive(input, [&](size_t done) { return done == 0 ? k : input.size(); },
                          limits, auth));
    }
  }
  for (const Session& s : fed) {
    EXPECT_EQ(s.end, ParseStatus::kError) << input;
    EXPECT_EQ(s.error, message) << input;
  }
}

TEST(RequestParserTest, InvalidMultibulkLength) {
  for (std::string_view bad : {"*\r\n", "* 1\r\n", "*1 \r\n", "*01\r\n", "*-0\r\n", "*+1\r\n",
                               "*abc\r\n", "*1a\r\n", "*2147483648\r\n",
                               "*9223372036854775808\r\n", "*99999999999999999999\r\n"}) {
    ExpectError(bad, "invalid multibulk length");
  }
  // Redis 7.0 accepts counts up to INT_MAX (and waits for the elements).
  EXPECT_EQ(ParseOnce("*2147483647\r\n").status, ParseStatus::kIncomplete);
  EXPECT_EQ(ParseOnce("*1048577\r\n").status, ParseStatus::kIncomplete);
}

TEST(RequestParserTest, MultibulkLengthLimitIsConfigurable) {
  ProtocolLimits limits;
  limits.max_multibulk_len = 1024 * 1024;
  ExpectError("*1048577\r\n", "invalid multibulk length", limits);
  EXPECT_EQ(ParseOnce("*1048576\r\n", limits).status, ParseStatus::kIncomplete);
}

TEST(RequestParserTest, InvalidBulkLength) {
  for (std::string_view bad :
       {"*1\r\n$-1\r\n", "*1\r\n$+4\r\n", "*1\r\n$04\r\n", "*1\r\n$\r\n", "*1\r\n$ 4\r\n",
        "*1\r\n$4 \r\n", "*1\r\n$536870913\r\n", "*1\r\n$99999999999999999999\r\n",
        "*1\r\n$999999999999999999999\r\n", "*2\r\n$1\r\na\r\n$x\r\n"}) {
    ExpectError(bad, "invalid bulk length");
  }
  // proto-max-bulk-len itself is allowed (512 MB: the parser waits, reserving nothing).
  EXPECT_EQ(ParseOnce("*1\r\n$536870912\r\n").status, ParseStatus::kIncomplete);
}

TEST(RequestParserTest, BulkLengthLimitIsConfigurable) {
  ProtocolLimits limits;
  limits.max_bulk_len = 5;
  ExpectError("*1\r\n$6\r\n", "invalid bulk length", limits);
  EXPECT_EQ(ParseOnce("*1\r\n$5\r\nhello\r\n", limits).args, Args{"hello"});
}

TEST(RequestParserTest, ExpectedDollarNamesTheByte) {
  ExpectError("*1\r\n+foo\r\n", "expected '$', got '+'");
  ExpectError("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n*1\r\n", "expected '$', got '*'");
  ExpectError("*1\r\n:1\r\n", "expected '$', got ':'");
  // Redis maps CR and LF in error texts to spaces.
  ExpectError("*1\r\n\r\n", "expected '$', got ' '");
  ExpectError("*1\r\n\nx\r\n", "expected '$', got ' '");
  ExpectError("*1\r\n\xff\r\n", "expected '$', got '\xff'");
}

TEST(RequestParserTest, UnauthenticatedClientsGetSmallLimits) {
  ExpectError("*11\r\n", "unauthenticated multibulk length", {}, /*auth=*/true);
  EXPECT_EQ(ParseOnce("*10\r\n", {}, true).status, ParseStatus::kIncomplete);
  ExpectError("*1\r\n$16385\r\n", "unauthenticated bulk length", {}, true);
  EXPECT_EQ(ParseOnce("*1\r\n$16384\r\n", {}, true).status, ParseStatus::kIncomplete);
  // Validity is judged first.
  ExpectError("*1\r\n$-3\r\n", "invalid bulk length", {}, true);
  ExpectError("*2147483648\r\n", "invalid multibulk length", {}, true);
  // Once authenticated, the usual limits.
  EXPECT_EQ(ParseOnce("*11\r\n").status, ParseStatus::kIncomplete);
}

TEST(RequestParserTest, UnbalancedQuotesInInlineRequest) {
  ExpectError("SET a \"b\r\n", "unbalanced quotes in request");
  ExpectError("ECHO \"a\"b\r\n", "unbalanced quotes in request");
  ExpectError("ECHO 'x\n", "unbalanced quotes in request");
}

// --- Line limits (64 KB): Redis judges them on what is buffered ---------------------------

constexpr size_t k64K = 64 * 1024;

TEST(RequestParserTest, TooBigInlineRequest) {
  std::string line(k64K, 'a');
  RequestParser parser;
  CommandArgs args;
  EXPECT_EQ(parser.parse(line, args).status, ParseStatus::kIncomplete);
  line += 'a';
  ParseResult r = parser.parse(line, args);
  EXPECT_EQ(r.status, ParseStatus::kError);
  EXPECT_EQ(r.error, "too big inline request");
  // A '\r' alone does not end the line (checked on 7.0.15).
  std::string cr_last(k64K, 'a');
  cr_last += '\r';
  EXPECT_EQ(ParseOnce(cr_last).error, "too big inline request");
}

TEST(RequestParserTest, LongInlineLineThatArrivesWholeIsAccepted) {
  // Redis 7.0 only checks the size while the '\n' is missing: 70000 bytes read at once
  // are a valid request (redis-server 7.0.15 echoes them).
  std::string line = "ECHO " + std::string(70000, 'x') + "\r\n";
  OneParse p = ParseOnce(line);
  ASSERT_EQ(p.status, ParseStatus::kComplete);
  ASSERT_EQ(p.args.size(), 2u);
  EXPECT_EQ(p.args[1].size(), 70000u);
}

TEST(RequestParserTest, TooBigCountStrings) {
  std::string count = "*" + std::string(k64K - 1, '1');
  EXPECT_EQ(ParseOnce(count).status, ParseStatus::kIncomplete);
  ExpectError(count + "1", "too big mbulk count string");
  std::string bulk = "*1\r\n$" + std::string(k64K - 1, '1');
  EXPECT_EQ(ParseOnce(bulk).status, ParseStatus::kIncomplete);
  ExpectError(bulk + "1", "too big bulk count string");
  // Once the '\r' is there, an over-long number is just an invalid one.
  EXPECT_EQ(ParseOnce(count + "1\r\n").error, "invalid multibulk length");
}

TEST(RequestParserTest, LineLimitIsConfigurable) {
  ProtocolLimits limits;
  limits.max_inline_len = 8;
  ExpectError("PING PING", "too big inline request", limits);
  EXPECT_EQ(ParseOnce("PING PIN", limits).status, ParseStatus::kIncomplete);
  ExpectError("*1\r\n$123456789", "too big bulk count string", limits);
}

TEST(RequestParserTest, NulBeforeLineEndHidesItUntilTheLineLimit) {
  // Redis finds line ends with strchr(), which stops at a NUL: such a request never
  // completes and fails once more than 64 KB are buffered (checked on 7.0.15).
  ProtocolLimits limits;
  limits.max_inline_len = 16;
  std::string stuck("*1\0\r\n$4\r\nPING\r\n", 15);
  EXPECT_EQ(ParseOnce(stuck, limits).status, ParseStatus::kIncomplete);
  ExpectError(stuck + "xy", "too big mbulk count string", limits);
  std::string inl("\0PING\r\n", 7);
  EXPECT_EQ(ParseOnce(inl, limits).status, ParseStatus::kIncomplete);
  ExpectError(inl + std::string(10, 'x'), "too big inline request", limits);
  std::string bulk("*1\r\n$4\0\r\nPING\r\n", 15);
  EXPECT_EQ(ParseOnce(bulk, limits).status, ParseStatus::kIncomplete);
  ExpectError(bulk + std::string(10, 'x'), "too big bulk count string", limits);
  // A NUL inside bulk data is fine.
  EXPECT_EQ(ParseOnce(std::string("*1\r\n$1\r\n\0\r\n", 11)).args, Args{std::string(1, '\0')});
}

// --- Query buffer limit -------------------------------------------------------------------

TEST(RequestParserTest, IncompleteRequestOverQueryBufferLimitClosesWithoutReply) {
  ProtocolLimits limits;
  limits.max_query_buffer = 100;
  std::string partial = "*1\r\n$500\r\n" + std::string(90, 'x');
  EXPECT_EQ(ParseOnce(partial, limits).status, ParseStatus::kIncomplete);  // 100 bytes
  OneParse p = ParseOnce(partial + "x", limits);
  EXPECT_EQ(p.status, ParseStatus::kQueryBufferFull);
  // A complete request is never refused for its size.
  std::string whole = "*1\r\n$200\r\n" + std::string(200, 'x') + "\r\n";
  EXPECT_EQ(ParseOnce(whole, limits).status, ParseStatus::kComplete);
}

// --- The inline form ----------------------------------------------------------------------

TEST(RequestParserTest, InlineRequests) {
  EXPECT_EQ(ParseOnce("PING\r\n").args, Args{"PING"});
  EXPECT_EQ(ParseOnce("PING\n").args, Args{"PING"});
  EXPECT_EQ(ParseOnce("PING\n").consumed, 5u);
  OneParse p = ParseOnce("SET a \"b c\"\r\nGET a\r\n");
  EXPECT_EQ(p.args, (Args{"SET", "a", "b c"}));
  EXPECT_EQ(p.consumed, 13u);
  EXPECT_EQ(ParseOnce("PING").status, ParseStatus::kIncomplete);
  EXPECT_EQ(ParseOnce("PING\r").status, ParseStatus::kIncomplete);
}

TEST(RequestParserTest, EmptyInlineLinesAreEmptyRequests) {
  for (std::string line : {"\r\n", "\n", "   \r\n", "\t\n"}) {
    OneParse p = ParseOnce(line);
    EXPECT_EQ(p.status, ParseStatus::kComplete);
    EXPECT_EQ(p.consumed, line.size());
    EXPECT_TRUE(p.args.empty());
  }
}

TEST(RequestParserTest, QuotedInlineArgumentsOutliveTheBuffer) {
  CommandArgs args;
  RequestParser parser;
  {
    std::string buf = "SET k \"va\\x6cue\"\r\n";
    ASSERT_EQ(parser.parse(buf, args).status, ParseStatus::kComplete);
    buf.assign(buf.size(), '#');  // the quoted value was decoded into `args`
    EXPECT_EQ(args[2], "value");
  }
}

// --- Pipelines and split points -----------------------------------------------------------

std::string MixedPipeline() {
  std::string in;
  in += "*3\r\n$3\r\nSET\r\n$10\r\nkey:000001\r\n$16\r\n0123456789abcdef\r\n";
  in += "*2\r\n$3\r\nGET\r\n$10\r\nkey:000001\r\n";
  in += "PING\r\n";
  in += "\r\n";                            // an empty inline line
  in += "*0\r\n";                          // an empty multibulk
  in += "SET k \"a \\\"quoted\\\" v\"\n";  // inline with escapes, bare \n
  in += std::string("*2\r\n$4\r\nECHO\r\n$6\r\n\r\n\0*$\n\r\n", 26);  // binary bulk
  in += "*1\r\n$0\r\n\r\n";                // empty bulk
  in += "ECHO 'it\\'s'\r\n";
  in += "*-1\r\n";
  in += "*1\rZ$4\r\nPINGzz";               // Redis's lax terminators
  return in;
}

TEST(RequestParserTest, PipelineGivesTheSameRequestsAtEverySplitPoint) {
  const std::string in = MixedPipeline();
  Session whole = DriveWhole(in);
  ASSERT_EQ(whole.end, ParseStatus::kIncomplete);
  ASSERT_EQ(whole.leftover, 0u);
  ASSERT_EQ(whole.requests.size(), 11u);
  EXPECT_EQ(whole.requests[0], (Args{"SET", "key:000001", "0123456789abcdef"}));
  EXPECT_EQ(whole.requests[3], Args{});
  EXPECT_EQ(whole.requests[5], (Args{"SET", "k", "a \"quoted\" v"}));
  EXPECT_EQ(whole.requests[6], (Args{"ECHO", std::string("\r\n\0*$\n", 6)}));
  EXPECT_EQ(whole.requests[8], (Args{"ECHO", "it's"}));
  EXPECT_EQ(whole.requests[10], Args{"PING"});

  EXPECT_EQ(DriveBytewise(in), whole);
  for (size_t k = 1; k < in.size(); ++k) {
    Session split = Drive(in, [&](size_t fed) { return fed == 0 ? k : in.size(); });
    EXPECT_EQ(split, whole) << "split at " << k;
  }
  for (size_t chunk : {2, 3, 5, 7, 13, 64}) {
    EXPECT_EQ(Drive(in, [&](size_t) { return chunk; }), whole) << "chunks of " << chunk;
  }
}

TEST(RequestParserTest, ErrorAfterValidRequestsIsReachedAtEverySplitPoint) {
  const std::string in = MixedPipeline() + "*1\r\n$3\r\nGET\r\n*2\r\n$-7\r\n";
  Session whole = DriveWhole(in);
  EXPECT_EQ(whole.end, ParseStatus::kError);
  EXPECT_EQ(whole.error, "invalid bulk length");
  EXPECT_EQ(whole.requests.size(), 12u);
  for (size_t k = 1; k < in.size(); ++k) {
    EXPECT_EQ(Drive(in, [&](size_t fed) { return fed == 0 ? k : in.size(); }), whole) << k;
  }
  EXPECT_EQ(DriveBytewise(in), whole);
}

TEST(RequestParserTest, LargeRequestArrivingInSmallReadsIsCheckedIncrementally) {
  // 20000 arguments in 100-byte reads: ~2700 calls. Rescanning from the start on every
  // call would take ~10^8 steps; resuming keeps it linear (and this test fast).
  std::string req = "*20000\r\n";
  for (int i = 0; i < 20000; ++i) req += "$6\r\n" + std::to_string(100000 + i) + "\r\n";
  Session s = Drive(req, [](size_t) { return 100; });
  ASSERT_EQ(s.requests.size(), 1u);
  ASSERT_EQ(s.requests[0].size(), 20000u);
  EXPECT_EQ(s.requests[0][19999], "119999");
}

TEST(RequestParserTest, CommandArgsDoNotKeepWhatAHugeRequestGrew) {
  std::string huge = "*5000\r\n";
  for (int i = 0; i < 5000; ++i) huge += "$1\r\nx\r\n";
  std::string quoted = "SET k \"" + std::string(40000, 'q') + "\"\r\n";
  RequestParser parser;
  CommandArgs args;
  ASSERT_EQ(parser.parse(huge, args).status, ParseStatus::kComplete);
  EXPECT_GE(args.heap_bytes(), 5000 * sizeof(std::string_view));
  ASSERT_EQ(parser.parse(quoted, args).status, ParseStatus::kComplete);
  EXPECT_GE(args.heap_bytes(), 40000u);
  ASSERT_EQ(parser.parse("*1\r\n$4\r\nPING\r\n", args).status, ParseStatus::kComplete);
  EXPECT_LE(args.heap_bytes(), CommandArgs::kRetainedArgs * sizeof(std::string_view));
  EXPECT_EQ(args[0], "PING");
  // A small command keeps its storage for the next one.
  size_t kept = args.heap_bytes();
  ASSERT_EQ(parser.parse("*1\r\n$4\r\nPING\r\n", args).status, ParseStatus::kComplete);
  EXPECT_EQ(args.heap_bytes(), kept);
  args.release();
  EXPECT_EQ(args.heap_bytes(), 0u);
}

TEST(RequestParserTest, ResetForgetsAPartialRequest) {
  RequestParser parser;
  CommandArgs args;
  EXPECT_EQ(parser.parse("*2\r\n$3\r\nGET\r\n", args).status, ParseStatus::kIncomplete);
  parser.reset();
  ParseResult r = parser.parse("*1\r\n$4\r\nPING\r\n", args);
  EXPECT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(args[0], "PING");
}

TEST(RequestParserTest, ShorterBytesThanPromisedDoNotReadOutOfBounds) {
  // Breaking the resume contract must not crash: the parser starts over.
  RequestParser parser;
  CommandArgs args;
  EXPECT_EQ(parser.parse("*2\r\n$3\r\nGET\r\n$3\r\nk", args).status, ParseStatus::kIncomplete);
  ParseResult r = parser.parse("*1\r\n$1\r\nk\r\n", args);
  EXPECT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(args[0], "k");
}

}  // namespace
}  // namespace corio::redis
