#include "redis/frame.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace corio::redis {
namespace {

TEST(FrameTest, DefaultIsNull) {
  Frame f;
  EXPECT_TRUE(f.is_null());
  EXPECT_EQ(f, Frame::null());
  EXPECT_EQ(f.to_string(), "(nil)");
}

TEST(FrameTest, NodeStaysSmall) {
  // Requests are arrays of bulks: one node per argument.
  EXPECT_LE(sizeof(Frame), 40u);
}

TEST(FrameTest, AccessorsReturnWhatWasBuilt) {
  EXPECT_EQ(Frame::simple("OK").str(), "OK");
  EXPECT_EQ(Frame::error("ERR x").str(), "ERR x");
  EXPECT_EQ(Frame::integer(-7).as_integer(), -7);
  EXPECT_EQ(Frame::bulk(std::string("a\0b", 3)).str(), std::string("a\0b", 3));
  EXPECT_EQ(Frame::real(2.5).as_double(), 2.5);
  EXPECT_TRUE(Frame::boolean(true).as_bool());
  EXPECT_EQ(Frame::big_number("-123").str(), "-123");
  Frame arr = Frame::array({Frame::bulk("a"), Frame::integer(1)});
  ASSERT_EQ(arr.elements().size(), 2u);
  EXPECT_TRUE(arr.is_aggregate());
  EXPECT_EQ(arr.elements()[1].as_integer(), 1);
}

TEST(FrameTest, WrongAccessorThrows) {
  EXPECT_THROW((void)Frame::integer(1).str(), std::bad_variant_access);
  EXPECT_THROW((void)Frame::bulk("x").elements(), std::bad_variant_access);
}

TEST(FrameTest, VerbatimFormatIsPaddedOrCutToThreeBytes) {
  Frame v = Frame::verbatim("txt", "hello");
  EXPECT_EQ(v.str(), "txt:hello");
  EXPECT_EQ(v.verbatim_format(), "txt");
  EXPECT_EQ(v.verbatim_text(), "hello");
  EXPECT_EQ(Frame::verbatim("md", "x").str(), "md :x");
  EXPECT_EQ(Frame::verbatim("markdown", "x").str(), "mar:x");
}

TEST(FrameTest, MapNeedsPairs) {
  EXPECT_THROW(Frame::map({Frame::bulk("k")}), std::invalid_argument);
  Frame m = Frame::map({Frame::bulk("k"), Frame::integer(1)});
  EXPECT_EQ(m.kind(), Frame::Kind::kMap);
  EXPECT_EQ(m.elements().size(), 2u);
}

TEST(FrameTest, EqualityIsStructural) {
  EXPECT_EQ(Frame::array({Frame::bulk("a")}), Frame::array({Frame::bulk("a")}));
  EXPECT_NE(Frame::array({Frame::bulk("a")}), Frame::set({Frame::bulk("a")}));
  EXPECT_NE(Frame::array({Frame::bulk("a")}), Frame::array({Frame::bulk("b")}));
  EXPECT_NE(Frame::array({Frame::bulk("a")}), Frame::array({}));
  EXPECT_NE(Frame::simple("OK"), Frame::bulk("OK"));  // same payload, different kind
  EXPECT_NE(Frame::integer(1), Frame::boolean(true));
  EXPECT_NE(Frame::null(), Frame::array({}));
}

TEST(FrameTest, NanEqualsNanSoRoundTripsCompare) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Frame::real(nan), Frame::real(nan));
  EXPECT_EQ(Frame::array({Frame::real(nan)}), Frame::array({Frame::real(nan)}));
  EXPECT_NE(Frame::real(nan), Frame::real(0));
  EXPECT_EQ(Frame::real(0.0), Frame::real(-0.0));
}

TEST(FrameTest, DebugForm) {
  Frame f = Frame::array({
      Frame::simple("OK"), Frame::error("ERR x"), Frame::integer(3),
      Frame::bulk("a\r\n"), Frame::null(),
      Frame::map({Frame::bulk("k"), Frame::set({Frame::boolean(false)})}),
      Frame::push({Frame::real(1.5), Frame::big_number("123"), Frame::verbatim("txt", "v")}),
  });
  EXPECT_EQ(f.to_string(),
            R"([+OK, -ERR x, :3, "a\r\n", (nil), %{"k" => ~{#f}}, >[,1.5, (123), =txt:"v"]])");
}

}  // namespace
}  // namespace corio::redis
