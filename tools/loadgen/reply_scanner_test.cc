#include "tools/loadgen/reply_scanner.h"

#include <gtest/gtest.h>

#include <string>

namespace corio::loadgen {
namespace {

ReplyScanner::Counts scan_all(std::string_view bytes) {
  ReplyScanner s;
  ReplyScanner::Counts c;
  EXPECT_TRUE(s.feed(bytes, &c)) << bytes;
  EXPECT_TRUE(s.idle());
  return c;
}

// Feeds `bytes` in pieces cut at every position (two feeds) and byte by byte; every way
// must count the same.
void expect_same_counts_at_every_split(const std::string& bytes, uint64_t replies,
                                       uint64_t errors) {
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    ReplyScanner s;
    ReplyScanner::Counts c;
    ASSERT_TRUE(s.feed(bytes.data(), cut, &c));
    ASSERT_TRUE(s.feed(bytes.data() + cut, bytes.size() - cut, &c));
    ASSERT_EQ(c.replies, replies) << "cut at " << cut;
    ASSERT_EQ(c.errors, errors) << "cut at " << cut;
  }
  ReplyScanner s;
  ReplyScanner::Counts c;
  for (char ch : bytes) ASSERT_TRUE(s.feed(&ch, 1, &c));
  EXPECT_EQ(c.replies, replies);
  EXPECT_EQ(c.errors, errors);
  EXPECT_TRUE(s.idle());
}

TEST(ReplyScannerTest, CountsRespTwoReplies) {
  auto c = scan_all("+OK\r\n$3\r\nabc\r\n:42\r\n$-1\r\n*-1\r\n*0\r\n$0\r\n\r\n");
  EXPECT_EQ(c.replies, 7u);
  EXPECT_EQ(c.errors, 0u);
}

TEST(ReplyScannerTest, NestedArrayIsOneReply) {
  auto c = scan_all("*3\r\n*2\r\n:1\r\n:2\r\n$1\r\nx\r\n*1\r\n*0\r\n");
  EXPECT_EQ(c.replies, 1u);
}

TEST(ReplyScannerTest, ErrorRepliesAreCountedAndTheFirstIsKept) {
  ReplyScanner s;
  ReplyScanner::Counts c;
  ASSERT_TRUE(s.feed("-ERR unknown command 'FOO'\r\n+OK\r\n-WRONGTYPE no\r\n", &c));
  EXPECT_EQ(c.replies, 3u);
  EXPECT_EQ(c.errors, 2u);
  EXPECT_EQ(s.first_error(), "ERR unknown command 'FOO'");
  EXPECT_EQ(s.take_first_error(), "ERR unknown command 'FOO'");
  ASSERT_TRUE(s.feed("-NEXT one\r\n", &c));
  EXPECT_EQ(s.first_error(), "NEXT one");
}

TEST(ReplyScannerTest, ErrorTextSplitAcrossFeedsIsWhole) {
  ReplyScanner s;
  ReplyScanner::Counts c;
  ASSERT_TRUE(s.feed("-ERR spl", &c));
  ASSERT_TRUE(s.feed("it text\r", &c));
  EXPECT_EQ(c.replies, 0u);
  ASSERT_TRUE(s.feed("\n", &c));
  EXPECT_EQ(c.replies, 1u);
  EXPECT_EQ(s.first_error(), "ERR split text");
}

TEST(ReplyScannerTest, LongErrorTextIsTruncated) {
  ReplyScanner s;
  ReplyScanner::Counts c;
  std::string text(1000, 'e');
  ASSERT_TRUE(s.feed("-" + text + "\r\n", &c));
  EXPECT_EQ(c.errors, 1u);
  EXPECT_EQ(s.first_error().size(), ReplyScanner::kMaxErrorText);
}

TEST(ReplyScannerTest, ErrorsInsideArraysDoNotMakeTheReplyAnError) {
  auto c = scan_all("*2\r\n-ERR inside\r\n+OK\r\n");
  EXPECT_EQ(c.replies, 1u);
  EXPECT_EQ(c.errors, 0u);
}

TEST(ReplyScannerTest, AnySplitCountsTheSame) {
  std::string stream =
      "+PONG\r\n$5\r\nhello\r\n-ERR x\r\n*2\r\n$3\r\nfoo\r\n$-1\r\n:-7\r\n"
      "%1\r\n+k\r\n*1\r\n:1\r\n~2\r\n#t\r\n,1.5\r\n_\r\n=8\r\ntxt:abcd\r\n!5\r\nERR e\r\n";
  expect_same_counts_at_every_split(stream, 10, 2);
}

TEST(ReplyScannerTest, LargeBulkIsSkippedWithoutBuffering) {
  std::string value(1 << 20, 'v');
  std::string stream = "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n+OK\r\n";
  ReplyScanner s;
  ReplyScanner::Counts c;
  for (size_t at = 0; at < stream.size(); at += 4096) {
    ASSERT_TRUE(s.feed(stream.data() + at, std::min<size_t>(4096, stream.size() - at), &c));
  }
  EXPECT_EQ(c.replies, 2u);
  EXPECT_TRUE(s.idle());
}

TEST(ReplyScannerTest, RespThreeTypes) {
  // map of 2 pairs, set, null, boolean, double, big number, verbatim, blob error.
  auto c = scan_all(
      "%2\r\n+a\r\n:1\r\n+b\r\n*2\r\n:1\r\n:2\r\n~1\r\n+x\r\n_\r\n#f\r\n,3.14\r\n"
      "(12345678901234567890\r\n=7\r\ntxt:abc\r\n!3\r\nERR\r\n");
  EXPECT_EQ(c.replies, 8u);
  EXPECT_EQ(c.errors, 1u);
}

TEST(ReplyScannerTest, TopLevelPushIsNotAReply) {
  auto c = scan_all(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n+OK\r\n");
  EXPECT_EQ(c.replies, 1u);
}

TEST(ReplyScannerTest, AttributeIsSkippedWithTheReplyItAnnotates) {
  auto c = scan_all("|1\r\n+ttl\r\n:3600\r\n$2\r\nok\r\n:5\r\n");
  EXPECT_EQ(c.replies, 2u);
}

TEST(ReplyScannerTest, PartialReplyIsNotIdle) {
  ReplyScanner s;
  ReplyScanner::Counts c;
  ASSERT_TRUE(s.feed("*2\r\n:1\r\n", &c));
  EXPECT_FALSE(s.idle());
  EXPECT_EQ(c.replies, 0u);
  s.reset();
  EXPECT_TRUE(s.idle());
  ASSERT_TRUE(s.feed("+OK\r\n", &c));
  EXPECT_EQ(c.replies, 1u);
}

TEST(ReplyScannerTest, ProtocolViolationsAreRejected) {
  for (const char* bad : {"x", "OK\r\n", "$abc\r\n", "$1\n", "$\r\n", "*--1\r\n",
                          "$12345678901234567890\r\n", "*1\r\x01"}) {
    ReplyScanner s;
    ReplyScanner::Counts c;
    EXPECT_FALSE(s.feed(bad, &c)) << bad;
  }
}

TEST(ReplyScannerTest, NestingDeeperThanTheLimitIsRejected) {
  std::string deep;
  for (int i = 0; i <= ReplyScanner::kMaxDepth; ++i) deep += "*1\r\n";
  ReplyScanner s;
  ReplyScanner::Counts c;
  EXPECT_FALSE(s.feed(deep, &c));
  std::string ok;
  for (int i = 0; i < ReplyScanner::kMaxDepth; ++i) ok += "*1\r\n";
  ok += ":1\r\n";
  EXPECT_EQ(scan_all(ok).replies, 1u);
}

}  // namespace
}  // namespace corio::loadgen
