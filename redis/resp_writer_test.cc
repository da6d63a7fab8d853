#include "redis/resp_writer.h"

#include <gtest/gtest.h>

#include <limits>

namespace corio::redis {
namespace {

std::string encode(void (*f)(RespWriter&)) {
  std::string out;
  RespWriter w(out);
  f(w);
  return out;
}

TEST(RespWriterTest, ScalarsMatchRedisBytes) {
  EXPECT_EQ(encode([](RespWriter& w) { w.simple("OK"); }), "+OK\r\n");
  EXPECT_EQ(encode([](RespWriter& w) { w.error("ERR unknown command"); }),
            "-ERR unknown command\r\n");
  EXPECT_EQ(encode([](RespWriter& w) { w.integer(-42); }), ":-42\r\n");
  EXPECT_EQ(encode([](RespWriter& w) { w.integer(std::numeric_limits<int64_t>::min()); }),
            ":-9223372036854775808\r\n");
  EXPECT_EQ(encode([](RespWriter& w) { w.null_bulk(); }), "$-1\r\n");
  EXPECT_EQ(encode([](RespWriter& w) { w.null_array(); }), "*-1\r\n");
}

TEST(RespWriterTest, BulkIsBinarySafe) {
  std::string out;
  RespWriter w(out);
  w.bulk(std::string_view("a\0\r\nb", 5));
  EXPECT_EQ(out, std::string("$5\r\na\0\r\nb\r\n", 11));
}

TEST(RespWriterTest, NestedArray) {
  std::string out;
  RespWriter w(out);
  w.array_header(2);
  w.bulk("k");
  w.array_header(0);
  EXPECT_EQ(out, "*2\r\n$1\r\nk\r\n*0\r\n");
}

TEST(RespWriterTest, LineBreaksInStatusRepliesAreNeutralized) {
  EXPECT_EQ(encode([](RespWriter& w) { w.error("ERR bad\r\nthing"); }), "-ERR bad  thing\r\n");
}

}  // namespace
}  // namespace corio::redis
