// FrameParser: every frame type, written by ReplyWriter and read back, at every split.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "net/byte_buffer.h"
#include "redis/frame.h"
#include "redis/reply_writer.h"
#include "redis/resp_parser.h"

namespace corio::redis {
namespace {

std::string Encode(const Frame& f, int protocol) {
  net::ByteBuffer buf;
  ReplyWriter w(buf, protocol);
  w.frame(f);
  return std::string(buf.readable_view());
}

// One of every kind, nested, with awkward payloads.
Frame Everything() {
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  return Frame::array({
      Frame::simple("OK"),
      Frame::simple(""),
      Frame::error("ERR something went wrong"),
      Frame::integer(0),
      Frame::integer(INT64_MIN),
      Frame::integer(INT64_MAX),
      Frame::bulk(""),
      Frame::bulk(std::string("\r\n\0$*\xff", 6)),
      Frame::null(),
      Frame::array({}),
      Frame::map({Frame::bulk("k1"), Frame::integer(1), Frame::simple("k2"),
                  Frame::array({Frame::bulk("nested")})}),
      Frame::map({}),
      Frame::set({Frame::bulk("a"), Frame::bulk("b")}),
      Frame::real(3.25),
      Frame::real(0.1),
      Frame::real(-1e-300),
      Frame::real(inf),
      Frame::real(-inf),
      Frame::real(nan),
      Frame::boolean(true),
      Frame::boolean(false),
      Frame::big_number("3492890328409238509324850943850943825024385"),
      Frame::big_number("-1"),
      Frame::verbatim("txt", "Some string\r\nwith lines"),
      Frame::verbatim("mkd", ""),
      Frame::push({Frame::bulk("message"), Frame::bulk("chan"), Frame::bulk("hello")}),
  });
}

TEST(FrameParserTest, EveryKindRoundTripsInResp3) {
  Frame all = Everything();
  for (const Frame& f : all.elements()) {
    std::string bytes = Encode(f, 3);
    FrameParser::Result r = ParseFrame(bytes);
    ASSERT_EQ(r.status, ParseStatus::kComplete) << bytes << " " << r.error;
    EXPECT_EQ(r.consumed, bytes.size());
    EXPECT_EQ(r.frame, f) << r.frame.to_string() << " vs " << f.to_string();
  }
  std::string bytes = Encode(all, 3);
  FrameParser::Result r = ParseFrame(bytes);
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(r.frame, all);
}

// What a RESP2 client sees of a RESP3 frame.
Frame Downgrade(const Frame& f) {
  char buf[64];
  switch (f.kind()) {
    case Frame::Kind::kDouble:
      if (std::isinf(f.as_double())) return Frame::bulk(f.as_double() > 0 ? "inf" : "-inf");
      std::snprintf(buf, sizeof(buf), "%.17g", f.as_double());
      return Frame::bulk(buf);
    case Frame::Kind::kBoolean: return Frame::integer(f.as_bool() ? 1 : 0);
    case Frame::Kind::kBigNumber: return Frame::bulk(f.str());
    case Frame::Kind::kVerbatim: return Frame::bulk(std::string(f.verbatim_text()));
    case Frame::Kind::kArray:
    case Frame::Kind::kMap:
    case Frame::Kind::kSet:
    case Frame::Kind::kPush: {
      std::vector<Frame> e;
      for (const Frame& x : f.elements()) e.push_back(Downgrade(x));
      return Frame::array(std::move(e));
    }
    default: return f;
  }
}

TEST(FrameParserTest, EveryKindRoundTripsInResp2AsItsRedisDowngrade) {
  Frame all = Everything();
  std::string bytes = Encode(all, 2);
  FrameParser::Result r = ParseFrame(bytes);
  ASSERT_EQ(r.status, ParseStatus::kComplete) << r.error;
  EXPECT_EQ(r.frame, Downgrade(all)) << r.frame.to_string();
}

TEST(FrameParserTest, Resp2Nulls) {
  EXPECT_TRUE(ParseFrame("$-1\r\n").frame.is_null());
  EXPECT_TRUE(ParseFrame("*-1\r\n").frame.is_null());
  EXPECT_TRUE(ParseFrame("_\r\n").frame.is_null());
}

TEST(FrameParserTest, EverySplitPointOfAPipelineGivesTheSameFrames) {
  Frame all = Everything();
  std::string bytes;
  for (const Frame& f : all.elements()) bytes += Encode(f, 3);
  bytes += Encode(all, 3) + Encode(all, 2);
  std::vector<Frame> expected(all.elements().begin(), all.elements().end());
  expected.push_back(all);
  expected.push_back(Downgrade(all));

  // Feeds bytes[0, k) then the rest; the parser is resumed on a moved copy each time.
  auto drive = [&](size_t k) {
    FrameParser parser;
    std::vector<Frame> got;
    std::string buf;
    for (std::string_view chunk : {std::string_view(bytes).substr(0, k),
                                   std::string_view(bytes).substr(k)}) {
      std::string moved = buf;
      moved.append(chunk);
      buf.swap(moved);
      for (;;) {
        FrameParser::Result r = parser.parse(buf);
        if (r.status == ParseStatus::kIncomplete) break;
        EXPECT_EQ(r.status, ParseStatus::kComplete) << r.error;
        if (r.status != ParseStatus::kComplete) return got;
        got.push_back(std::move(r.frame));
        buf.erase(0, r.consumed);
      }
    }
    EXPECT_TRUE(buf.empty());
    return got;
  };
  for (size_t k = 0; k <= bytes.size(); ++k) ASSERT_EQ(drive(k), expected) << "split at " << k;

  // Byte by byte.
  FrameParser parser;
  std::vector<Frame> got;
  std::string buf;
  for (char c : bytes) {
    buf.push_back(c);
    FrameParser::Result r = parser.parse(buf);
    if (r.status == ParseStatus::kIncomplete) continue;
    ASSERT_EQ(r.status, ParseStatus::kComplete) << r.error;
    got.push_back(std::move(r.frame));
    buf.erase(0, r.consumed);
  }
  EXPECT_EQ(got, expected);
}

TEST(FrameParserTest, AttributesAreSkipped) {
  FrameParser::Result r =
      ParseFrame("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.5\r\n*2\r\n:1\r\n:2\r\n");
  ASSERT_EQ(r.status, ParseStatus::kComplete) << r.error;
  EXPECT_EQ(r.frame, Frame::array({Frame::integer(1), Frame::integer(2)}));
  // Inside an aggregate, before an element.
  r = ParseFrame("*2\r\n:1\r\n|0\r\n:2\r\n");
  ASSERT_EQ(r.status, ParseStatus::kComplete) << r.error;
  EXPECT_EQ(r.frame, Frame::array({Frame::integer(1), Frame::integer(2)}));
  // An attribute alone is not a frame yet.
  EXPECT_EQ(ParseFrame("|1\r\n+a\r\n+b\r\n").status, ParseStatus::kIncomplete);
}

TEST(FrameParserTest, BlobErrorIsAnError) {
  FrameParser::Result r = ParseFrame("!21\r\nSYNTAX invalid syntax\r\n");
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(r.frame, Frame::error("SYNTAX invalid syntax"));
}

TEST(FrameParserTest, ScalarSpellings) {
  EXPECT_EQ(ParseFrame(":+5\r\n").frame, Frame::integer(5));
  EXPECT_EQ(ParseFrame(":-5\r\n").frame, Frame::integer(-5));
  EXPECT_EQ(ParseFrame(",inf\r\n").frame, Frame::real(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(ParseFrame(",-inf\r\n").frame, Frame::real(-std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(std::isnan(ParseFrame(",nan\r\n").frame.as_double()));
  EXPECT_EQ(ParseFrame(",1.5e3\r\n").frame, Frame::real(1500));
  EXPECT_EQ(ParseFrame(",10\r\n").frame, Frame::real(10));
  EXPECT_EQ(ParseFrame("(-12\r\n").frame, Frame::big_number("-12"));
}

void ExpectFrameError(std::string_view bytes, std::string_view message,
                      ProtocolLimits limits = {}) {
  FrameParser::Result r = ParseFrame(bytes, limits);
  EXPECT_EQ(r.status, ParseStatus::kError) << bytes;
  EXPECT_EQ(r.error, message) << bytes;
}

TEST(FrameParserTest, MalformedFramesAreErrors) {
  ExpectFrameError("?\r\n", "unexpected byte '?' where a RESP type was expected");
  ExpectFrameError("\x01\r\n", "unexpected byte '\\x01' where a RESP type was expected");
  ExpectFrameError("+OK\rX", "line not terminated by CRLF");
  ExpectFrameError(":12a\r\n", "invalid integer");
  ExpectFrameError(":\r\n", "invalid integer");
  ExpectFrameError(":+-1\r\n", "invalid integer");
  ExpectFrameError(":99999999999999999999\r\n", "invalid integer");
  ExpectFrameError("$-2\r\n", "invalid bulk length");
  ExpectFrameError("$x\r\n", "invalid bulk length");
  ExpectFrameError("$3\r\nabcde\r\n", "bulk data not terminated by CRLF");
  ExpectFrameError("=3\r\ntxt\r\n", "invalid verbatim string");
  ExpectFrameError("=5\r\ntxt-x\r\n", "invalid verbatim string");
  ExpectFrameError("*-2\r\n", "invalid aggregate length");
  ExpectFrameError("%-1\r\n", "invalid aggregate length");
  ExpectFrameError("_x\r\n", "invalid null");
  ExpectFrameError("#x\r\n", "invalid boolean");
  ExpectFrameError(",1.5x\r\n", "invalid double");
  ExpectFrameError(",\r\n", "invalid double");
  ExpectFrameError("(12a\r\n", "invalid big number");
  ExpectFrameError("(-\r\n", "invalid big number");
  ExpectFrameError("$?\r\n", "streamed RESP3 strings are not supported");
  ExpectFrameError("*?\r\n", "streamed RESP3 aggregates are not supported");
  // An error deep inside is still found, and the partial frame is not built.
  ExpectFrameError("*2\r\n*1\r\n:1\r\n:x\r\n", "invalid integer");
}

TEST(FrameParserTest, LimitsApply) {
  ProtocolLimits limits;
  limits.max_bulk_len = 4;
  limits.max_multibulk_len = 2;
  limits.max_inline_len = 8;
  ExpectFrameError("$5\r\n", "invalid bulk length", limits);
  ExpectFrameError("*3\r\n", "invalid aggregate length", limits);
  ExpectFrameError("%3\r\n", "invalid aggregate length", limits);
  ExpectFrameError("+123456789", "line too long", limits);
  EXPECT_EQ(ParseFrame("+1234567", limits).status, ParseStatus::kIncomplete);
  // A long line that arrives whole is fine, as for requests.
  EXPECT_EQ(ParseFrame("+123456789\r\n", limits).status, ParseStatus::kComplete);
  limits.max_query_buffer = 16;
  EXPECT_EQ(ParseFrame("$4\r\nab", limits).status, ParseStatus::kIncomplete);
  EXPECT_EQ(ParseFrame("*2\r\n:1\r\n:2\r\n:3", limits).status, ParseStatus::kComplete);
  EXPECT_EQ(ParseFrame("*2\r\n:11111\r\n:2222222", limits).status,
            ParseStatus::kQueryBufferFull);
}

std::string Nested(int depth, std::string_view open = "*1\r\n") {
  std::string s;
  for (int i = 0; i < depth; ++i) s += open;
  return s + ":1\r\n";
}

TEST(FrameParserTest, NestingUpTo128IsAcceptedAndDeeperIsAnError) {
  FrameParser::Result r = ParseFrame(Nested(128));
  ASSERT_EQ(r.status, ParseStatus::kComplete) << r.error;
  const Frame* f = &r.frame;
  int depth = 0;
  while (f->kind() == Frame::Kind::kArray) {
    f = &f->elements()[0];
    ++depth;
  }
  EXPECT_EQ(depth, 128);
  ExpectFrameError(Nested(129), "aggregates nested deeper than 128");
  // Every aggregate type counts, empty ones and attributes too.
  std::string maps;
  for (int i = 0; i < 128; ++i) maps += "%1\r\n:0\r\n";  // 128 maps, each awaiting a value
  ExpectFrameError(maps + "*0\r\n", "aggregates nested deeper than 128");
  ExpectFrameError(Nested(128).substr(0, 128 * 4) + "|0\r\n", "aggregates nested deeper than 128");
  // A million levels claimed in a row are refused at level 129, before anything is built.
  ExpectFrameError(Nested(1000000), "aggregates nested deeper than 128");
}

TEST(FrameParserTest, NestingLimitIsConfigurable) {
  ProtocolLimits limits;
  limits.max_nesting = 2;
  EXPECT_EQ(ParseFrame(Nested(2), limits).status, ParseStatus::kComplete);
  ExpectFrameError(Nested(3), "aggregates nested deeper than 2", limits);
  limits.max_nesting = 1000;  // capped at kMaxNestingLimit
  ExpectFrameError(Nested(129), "aggregates nested deeper than 128", limits);
}

TEST(FrameParserTest, HugeClaimedCountsReserveNothingUntilTheElementsArrive) {
  // 2^31-1 elements claimed, three sent: incomplete, and cheap.
  EXPECT_EQ(ParseFrame("*2147483647\r\n:1\r\n:2\r\n:3\r\n").status, ParseStatus::kIncomplete);
  EXPECT_EQ(ParseFrame("$536870912\r\nabc").status, ParseStatus::kIncomplete);
}

TEST(FrameParserTest, ParsesRequestsToo) {
  FrameParser::Result r = ParseFrame("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(r.frame, Frame::array({Frame::bulk("GET"), Frame::bulk("k")}));
}

}  // namespace
}  // namespace corio::redis
