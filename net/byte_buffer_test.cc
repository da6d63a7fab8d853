#include "net/byte_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace corio::net {
namespace {

TEST(ByteBufferTest, ReserveCommitConsume) {
  ByteBuffer buf;
  auto space = buf.reserve(5);
  ASSERT_GE(space.size(), 5u);
  std::memcpy(space.data(), "hello", 5);
  buf.commit(5);
  EXPECT_EQ(buf.readable_view(), "hello");
  buf.consume(2);
  EXPECT_EQ(buf.readable_view(), "llo");
  buf.append(" world");
  EXPECT_EQ(buf.readable_view(), "llo world");
}

TEST(ByteBufferTest, ConsumedFrontIsReclaimedBeforeGrowing) {
  ByteBuffer buf;
  buf.append(std::string(60, 'a'));
  size_t cap = buf.capacity();
  buf.consume(50);
  buf.append(std::string(cap - 20, 'b'));  // fits only if the 50 consumed bytes are reused
  EXPECT_EQ(buf.capacity(), cap);
  EXPECT_EQ(buf.size(), 10 + cap - 20);
  EXPECT_EQ(buf.readable_view().substr(0, 10), std::string(10, 'a'));
}

TEST(ByteBufferTest, GrowsKeepingUnreadBytes) {
  ByteBuffer buf;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    std::string chunk = std::to_string(i) + ",";
    buf.append(chunk);
    expected += chunk;
    if (i % 7 == 6) {
      buf.consume(3);
      expected.erase(0, 3);
    }
  }
  EXPECT_EQ(buf.readable_view(), expected);
}

TEST(ByteBufferTest, OutOfRangeIsAnErrorNotCorruption) {
  ByteBuffer buf;
  buf.append("abc");
  EXPECT_THROW(buf.consume(4), std::out_of_range);
  EXPECT_EQ(buf.readable_view(), "abc");
  EXPECT_THROW(buf.commit(buf.capacity()), std::out_of_range);
}

TEST(ByteBufferTest, ReleaseFreesOnlyAnEmptyBuffer) {
  ByteBuffer buf;
  buf.append("x");
  buf.release();
  EXPECT_GT(buf.capacity(), 0u);  // unread data is kept
  buf.consume(1);
  buf.release();
  EXPECT_EQ(buf.capacity(), 0u);
}

}  // namespace
}  // namespace corio::net
