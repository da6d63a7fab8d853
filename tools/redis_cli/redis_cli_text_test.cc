// The CLI's text handling: reply layouts (checked end to end against redis-cli in
// tests/redis_cli_tool_test.cc), argument splitting and the command line.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tools/redis_cli/cli_options.h"
#include "tools/redis_cli/reply_format.h"
#include "tools/redis_cli/split_args.h"

namespace corio::redis::cli {
namespace {

using Args = std::vector<std::string>;

TEST(ReplyFormatTest, HumanScalars) {
  EXPECT_EQ(format_human(Frame::simple("OK")), "OK\n");
  EXPECT_EQ(format_human(Frame::error("ERR no")), "(error) ERR no\n");
  EXPECT_EQ(format_human(Frame::integer(-7)), "(integer) -7\n");
  EXPECT_EQ(format_human(Frame::null()), "(nil)\n");
  EXPECT_EQ(format_human(Frame::bulk(std::string("a\"b\\\n\x01\xff", 7))),
            "\"a\\\"b\\\\\\n\\x01\\xff\"\n");
  EXPECT_EQ(format_human(Frame::boolean(true)), "(true)\n");
  EXPECT_EQ(format_human(Frame::real(1.5)), "(double) 1.5\n");
  EXPECT_EQ(format_human(Frame::verbatim("txt", "line")), "line\n");
}

TEST(ReplyFormatTest, HumanAggregatesAreNumberedAndNestedUnderTheirNumber) {
  std::vector<Frame> ten;
  for (int i = 0; i < 10; ++i) ten.push_back(Frame::integer(i));
  Frame nested = Frame::array({Frame::bulk("a"), Frame::array({Frame::bulk("b"), Frame::null()}),
                               Frame::array(ten)});
  EXPECT_EQ(format_human(nested),
            "1) \"a\"\n"
            "2) 1) \"b\"\n"
            "   2) (nil)\n"
            "3)  1) (integer) 0\n"
            "    2) (integer) 1\n"
            "    3) (integer) 2\n"
            "    4) (integer) 3\n"
            "    5) (integer) 4\n"
            "    6) (integer) 5\n"
            "    7) (integer) 6\n"
            "    8) (integer) 7\n"
            "    9) (integer) 8\n"
            "   10) (integer) 9\n");
  EXPECT_EQ(format_human(Frame::array({})), "(empty array)\n");
  EXPECT_EQ(format_human(Frame::set({})), "(empty set)\n");
  EXPECT_EQ(format_human(Frame::map({})), "(empty hash)\n");
  EXPECT_EQ(format_human(Frame::set({Frame::bulk("m")})), "1~ \"m\"\n");
  EXPECT_EQ(format_human(Frame::map({Frame::bulk("k"), Frame::integer(1), Frame::bulk("l"),
                                     Frame::array({Frame::bulk("x"), Frame::bulk("y")})})),
            "1# \"k\" => (integer) 1\n"
            "2# \"l\" => \n"
            "   1) \"x\"\n"
            "   2) \"y\"\n");
  // A one-element value stays on the key's line.
  EXPECT_EQ(format_human(Frame::map({Frame::bulk("k"), Frame::array({Frame::bulk("x")})})),
            "1# \"k\" => 1) \"x\"\n");
}

TEST(ReplyFormatTest, RawIsBareOneElementPerLine) {
  EXPECT_EQ(format_raw(Frame::simple("OK")), "OK\n");
  EXPECT_EQ(format_raw(Frame::integer(3)), "3\n");
  EXPECT_EQ(format_raw(Frame::null()), "\n");
  EXPECT_EQ(format_raw(Frame::error("ERR no")), "ERR no\n\n");
  EXPECT_EQ(format_raw(Frame::bulk("a\nb")), "a\nb\n");
  EXPECT_EQ(format_raw(Frame::array({Frame::bulk("a"), Frame::null(), Frame::integer(2)})),
            "a\n\n2\n");
  EXPECT_EQ(format_raw(Frame::map({Frame::bulk("k"), Frame::bulk("v")})), "k v\n");
}

TEST(SplitArgsTest, QuotingRules) {
  EXPECT_EQ(*split_args("  set  k   v "), (Args{"set", "k", "v"}));
  EXPECT_EQ(*split_args("set \"a key\" 'it\\'s'"), (Args{"set", "a key", "it's"}));
  EXPECT_EQ(*split_args("set k \"l1\\nl2\\t\\x41\\x00\\q\""),
            (Args{"set", "k", std::string("l1\nl2\tA\0q", 9)}));
  EXPECT_EQ(*split_args("set k 'no \\n escape'"), (Args{"set", "k", "no \\n escape"}));
  EXPECT_EQ(*split_args("a\"b c\""), (Args{"ab c"}));
  EXPECT_EQ(*split_args("get \"\""), (Args{"get", ""}));
  EXPECT_TRUE(split_args("")->empty());
  EXPECT_FALSE(split_args("set \"open").has_value());
  EXPECT_FALSE(split_args("set 'open").has_value());
  EXPECT_FALSE(split_args("set \"a\"b").has_value());
}

TEST(CliOptionsTest, OptionsThenCommand) {
  auto o = parse_cli_options({"-h", "10.0.0.1", "-p", "7000", "-n", "3", "--no-raw", "-3",
                              "SET", "k", "-1"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "10.0.0.1");
  EXPECT_EQ(o->port, 7000);
  EXPECT_EQ(o->db, 3);
  EXPECT_EQ(o->protocol, 3);
  EXPECT_EQ(o->output, OutputMode::kHuman);
  EXPECT_EQ(o->command, (Args{"SET", "k", "-1"}));
  auto none = parse_cli_options({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->command.empty());
  EXPECT_EQ(none->port, 6379);
}

TEST(CliOptionsTest, BadOptionsAreErrors) {
  EXPECT_FALSE(parse_cli_options({"-p"}).ok());
  EXPECT_FALSE(parse_cli_options({"-p", "http"}).ok());
  EXPECT_FALSE(parse_cli_options({"-p", "70000"}).ok());
  EXPECT_FALSE(parse_cli_options({"-n", "-1"}).ok());
  EXPECT_FALSE(parse_cli_options({"--bogus"}).ok());
}

}  // namespace
}  // namespace corio::redis::cli
