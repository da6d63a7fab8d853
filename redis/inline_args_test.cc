#include "redis/inline_args.h"

#include <gtest/gtest.h>

#include <optional>

namespace corio::redis {
namespace {

// The arguments as strings, or nullopt for unbalanced quotes.
std::optional<std::vector<std::string>> Split(std::string_view line) {
  std::vector<std::string_view> args;
  std::string storage;
  if (!SplitInlineArgs(line, args, storage)) return std::nullopt;
  return std::vector<std::string>(args.begin(), args.end());
}

using Args = std::vector<std::string>;

TEST(InlineArgsTest, PlainWordsAreViewsIntoTheLine) {
  std::string line = "SET key value";
  std::vector<std::string_view> args;
  std::string storage;
  ASSERT_TRUE(SplitInlineArgs(line, args, storage));
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[1], "key");
  EXPECT_EQ(args[1].data(), line.data() + 4);  // no copy
  EXPECT_EQ(storage.capacity(), std::string().capacity());  // storage untouched
}

TEST(InlineArgsTest, BlanksSeparateAndEmptyLinesHaveNoArguments) {
  EXPECT_EQ(Split(""), Args{});
  EXPECT_EQ(Split(" \t \r\v\f"), Args{});
  EXPECT_EQ(Split("  a \t b  "), (Args{"a", "b"}));
  EXPECT_EQ(Split("a\rb"), (Args{"a", "b"}));  // \r inside a line separates (checked on 7.0.15)
}

TEST(InlineArgsTest, VerticalTabAndFormFeedStayInsideAWord) {
  // Skipped between words, but they do not end one (checked on redis-server 7.0.15).
  EXPECT_EQ(Split("a\vb"), (Args{"a\vb"}));
  EXPECT_EQ(Split("\va"), (Args{"a"}));
  EXPECT_EQ(Split("a\fb c"), (Args{"a\fb", "c"}));
}

TEST(InlineArgsTest, DoubleQuotesTakeEscapes) {
  EXPECT_EQ(Split(R"(SET "a b" "")"), (Args{"SET", "a b", ""}));
  EXPECT_EQ(Split(R"("\n\r\t\b\a")"), (Args{"\n\r\t\b\a"}));
  EXPECT_EQ(Split(R"("\x41\x4g\xZZ")"), (Args{"Ax4gxZZ"}));  // bad hex: backslash dropped
  EXPECT_EQ(Split(R"("\x00")"), (Args{std::string(1, '\0')}));
  EXPECT_EQ(Split(R"("\"q\"" "\\" "\z")"), (Args{"\"q\"", "\\", "z"}));
  EXPECT_EQ(Split(R"("\xfF")"), (Args{"\xff"}));
  EXPECT_EQ(Split(R"("\x4)"), std::nullopt);  // too short for \xHH, then unterminated
}

TEST(InlineArgsTest, SingleQuotesOnlyEscapeTheQuote) {
  EXPECT_EQ(Split(R"('it\'s')"), (Args{"it's"}));
  EXPECT_EQ(Split(R"('a\nb')"), (Args{"a\\nb"}));
  EXPECT_EQ(Split(R"('"')"), (Args{"\""}));
  EXPECT_EQ(Split(R"("'")"), (Args{"'"}));
}

TEST(InlineArgsTest, QuoteMayOpenInsideAWord) {
  EXPECT_EQ(Split(R"(ab"cd" e)"), (Args{"abcd", "e"}));
  EXPECT_EQ(Split(R"(ab'c d')"), (Args{"abc d"}));
}

TEST(InlineArgsTest, ClosingQuoteMustEndTheWord) {
  EXPECT_EQ(Split(R"("a"b)"), std::nullopt);
  EXPECT_EQ(Split(R"('a'b)"), std::nullopt);
  EXPECT_EQ(Split(R"("a""b")"), std::nullopt);
  EXPECT_EQ(Split("\"a\"\v"), (Args{"a"}));   // any blank will do
  EXPECT_EQ(Split("\"a\"\tb"), (Args{"a", "b"}));
}

TEST(InlineArgsTest, UnterminatedQuotesAreUnbalanced) {
  EXPECT_EQ(Split(R"("a)"), std::nullopt);
  EXPECT_EQ(Split(R"('a)"), std::nullopt);
  EXPECT_EQ(Split(R"("abc\")"), std::nullopt);  // the backslash escapes the quote
  EXPECT_EQ(Split(R"('abc\')"), std::nullopt);
  EXPECT_EQ(Split(R"(ok ")"), std::nullopt);
  EXPECT_EQ(Split(R"("a\)"), std::nullopt);  // a trailing backslash
}

TEST(InlineArgsTest, QuotedViewsSurviveManyQuotedArguments) {
  // Storage is reserved once, so earlier views stay valid while later ones are decoded.
  std::string line;
  Args expected;
  for (int i = 0; i < 200; ++i) {
    line += "\"v" + std::to_string(i) + "\\x21\" plain" + std::to_string(i) + " ";
    expected.push_back("v" + std::to_string(i) + "!");
    expected.push_back("plain" + std::to_string(i));
  }
  EXPECT_EQ(Split(line), expected);
}

}  // namespace
}  // namespace corio::redis
