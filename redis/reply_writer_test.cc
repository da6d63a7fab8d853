#include "redis/reply_writer.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>

namespace corio::redis {
namespace {

std::string Write(int protocol, const std::function<void(ReplyWriter&)>& f) {
  net::ByteBuffer buf;
  ReplyWriter w(buf, protocol);
  f(w);
  return std::string(buf.readable_view());
}

// The same call in both protocols.
struct Both {
  std::string resp2, resp3;
};
Both WriteBoth(const std::function<void(ReplyWriter&)>& f) { return {Write(2, f), Write(3, f)}; }

TEST(ReplyWriterTest, SameBytesInBothProtocols) {
  for (int proto : {2, 3}) {
    EXPECT_EQ(Write(proto, [](ReplyWriter& w) { w.simple("OK"); }), "+OK\r\n");
    EXPECT_EQ(Write(proto, [](ReplyWriter& w) { w.error("ERR bad\r\nthing"); }),
              "-ERR bad  thing\r\n");
    EXPECT_EQ(Write(proto, [](ReplyWriter& w) { w.integer(0); }), ":0\r\n");
    EXPECT_EQ(Write(proto, [](ReplyWriter& w) { w.integer(INT64_MIN); }),
              ":-9223372036854775808\r\n");
    EXPECT_EQ(Write(proto, [](ReplyWriter& w) { w.bulk(""); }), "$0\r\n\r\n");
    EXPECT_EQ(Write(proto, [](ReplyWriter& w) { w.bulk(std::string_view("a\0\r\n", 4)); }),
              std::string("$4\r\na\0\r\n\r\n", 10));
    EXPECT_EQ(Write(proto, [](ReplyWriter& w) { w.array_header(3); }), "*3\r\n");
  }
}

TEST(ReplyWriterTest, AggregateHeaders) {
  Both map = WriteBoth([](ReplyWriter& w) { w.map_header(2); });
  EXPECT_EQ(map.resp3, "%2\r\n");
  EXPECT_EQ(map.resp2, "*4\r\n");
  Both set = WriteBoth([](ReplyWriter& w) { w.set_header(5); });
  EXPECT_EQ(set.resp3, "~5\r\n");
  EXPECT_EQ(set.resp2, "*5\r\n");
  Both push = WriteBoth([](ReplyWriter& w) { w.push_header(3); });
  EXPECT_EQ(push.resp3, ">3\r\n");
  EXPECT_EQ(push.resp2, "*3\r\n");
}

TEST(ReplyWriterTest, Nulls) {
  Both null = WriteBoth([](ReplyWriter& w) { w.null(); });
  EXPECT_EQ(null.resp3, "_\r\n");
  EXPECT_EQ(null.resp2, "$-1\r\n");
  Both arr = WriteBoth([](ReplyWriter& w) { w.null_array(); });
  EXPECT_EQ(arr.resp3, "_\r\n");
  EXPECT_EQ(arr.resp2, "*-1\r\n");
}

TEST(ReplyWriterTest, BooleansAndBigNumbers) {
  Both t = WriteBoth([](ReplyWriter& w) { w.boolean(true); });
  EXPECT_EQ(t.resp3, "#t\r\n");
  EXPECT_EQ(t.resp2, ":1\r\n");
  Both f = WriteBoth([](ReplyWriter& w) { w.boolean(false); });
  EXPECT_EQ(f.resp3, "#f\r\n");
  EXPECT_EQ(f.resp2, ":0\r\n");
  constexpr char kDigits[] = "-3492890328409238509324850943850943825024385";
  Both big = WriteBoth([&](ReplyWriter& w) { w.big_number(kDigits); });
  EXPECT_EQ(big.resp3, "(-3492890328409238509324850943850943825024385\r\n");
  EXPECT_EQ(big.resp2, "$44\r\n-3492890328409238509324850943850943825024385\r\n");
}

TEST(ReplyWriterTest, Verbatim) {
  Both v = WriteBoth([](ReplyWriter& w) { w.verbatim("Some string"); });
  EXPECT_EQ(v.resp3, "=15\r\ntxt:Some string\r\n");
  EXPECT_EQ(v.resp2, "$11\r\nSome string\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.verbatim("x", "md"); }), "=5\r\nmd :x\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.verbatim("", "markdown"); }), "=4\r\nmar:\r\n");
}

TEST(ReplyWriterTest, DoublesUseRedisFormatting) {
  Both d = WriteBoth([](ReplyWriter& w) { w.real(1.5); });
  EXPECT_EQ(d.resp3, ",1.5\r\n");
  EXPECT_EQ(d.resp2, "$3\r\n1.5\r\n");
  // %.17g shows the binary value: ZINCRBY by 0.1 replies 0.10000000000000001.
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.real(0.1); }), ",0.10000000000000001\r\n");
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.real(0.1); }), "$19\r\n0.10000000000000001\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.real(1e300); }), ",1.0000000000000001e+300\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.real(3.0); }), ",3\r\n");
  double inf = std::numeric_limits<double>::infinity();
  Both pinf = WriteBoth([&](ReplyWriter& w) { w.real(inf); });
  EXPECT_EQ(pinf.resp3, ",inf\r\n");
  EXPECT_EQ(pinf.resp2, "$3\r\ninf\r\n");
  Both ninf = WriteBoth([&](ReplyWriter& w) { w.real(-inf); });
  EXPECT_EQ(ninf.resp3, ",-inf\r\n");
  EXPECT_EQ(ninf.resp2, "$4\r\n-inf\r\n");
}

TEST(ReplyWriterTest, DoubleFormattingMatchesPrintfPercent17g) {
  std::mt19937_64 rng(20240607);
  std::uniform_real_distribution<double> unit(-1, 1);
  std::uniform_int_distribution<int> exp(-320, 308);
  for (int i = 0; i < 20000; ++i) {
    double d = i % 3 == 0 ? std::ldexp(unit(rng), exp(rng) * 3)
               : i % 3 == 1 ? unit(rng) * std::pow(10, exp(rng) % 20)
                            : std::bit_cast<double>(rng());
    if (std::isnan(d) || std::isinf(d)) continue;
    char expected[64];
    std::snprintf(expected, sizeof(expected), ",%.17g\r\n", d);
    ASSERT_EQ(Write(3, [&](ReplyWriter& w) { w.real(d); }), expected) << d;
  }
}

TEST(ReplyWriterTest, ProtocolCanChangeMidConnection) {
  net::ByteBuffer buf;
  ReplyWriter w(buf);
  EXPECT_EQ(w.protocol(), 2);
  w.null();
  w.set_protocol(3);
  EXPECT_EQ(w.protocol(), 3);
  w.null();
  EXPECT_EQ(buf.readable_view(), "$-1\r\n_\r\n");
}

TEST(ReplyWriterTest, FrameIsConvertedForResp2) {
  Frame f = Frame::array({
      Frame::map({Frame::bulk("k"), Frame::real(2.5)}),
      Frame::set({Frame::boolean(true)}),
      Frame::null(),
      Frame::big_number("12"),
      Frame::verbatim("txt", "hi"),
      Frame::push({Frame::simple("OK"), Frame::error("ERR e"), Frame::integer(-1)}),
  });
  Both b = WriteBoth([&](ReplyWriter& w) { w.frame(f); });
  EXPECT_EQ(b.resp3,
            "*6\r\n%1\r\n$1\r\nk\r\n,2.5\r\n~1\r\n#t\r\n_\r\n(12\r\n=6\r\ntxt:hi\r\n"
            ">3\r\n+OK\r\n-ERR e\r\n:-1\r\n");
  EXPECT_EQ(b.resp2,
            "*6\r\n*2\r\n$1\r\nk\r\n$3\r\n2.5\r\n*1\r\n:1\r\n$-1\r\n$2\r\n12\r\n$2\r\nhi\r\n"
            "*3\r\n+OK\r\n-ERR e\r\n:-1\r\n");
}

TEST(ReplyWriterTest, ManyRepliesAccumulateInOneBuffer) {
  net::ByteBuffer buf;
  ReplyWriter w(buf, 3);
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    w.bulk(std::string(i, 'v'));
    expected += "$" + std::to_string(i) + "\r\n" + std::string(i, 'v') + "\r\n";
  }
  EXPECT_EQ(buf.readable_view(), expected);
}

}  // namespace
}  // namespace corio::redis
