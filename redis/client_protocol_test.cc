// CommandBuilder's encoding (checked by parsing it back with the server's RequestParser)
// and the reply decoders of client_reply.h.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "redis/client_reply.h"
#include "redis/command_builder.h"
#include "redis/resp_parser.h"

namespace corio::redis {
namespace {

std::vector<std::string> parse_back(const std::string& bytes) {
  RequestParser parser;
  CommandArgs args;
  ParseResult r = parser.parse(bytes, args);
  EXPECT_EQ(r.status, ParseStatus::kComplete) << r.error;
  EXPECT_EQ(r.consumed, bytes.size());
  return std::vector<std::string>(args.begin(), args.end());
}

TEST(CommandBuilderTest, EncodesMultibulkTheServerParsesBack) {
  std::string bytes = CommandBuilder(4).arg("SET").arg("k").arg(std::string_view("a\r\nb\0c", 6))
                          .arg(int64_t{-42}).take();
  EXPECT_EQ(bytes, std::string("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\na\r\nb\0c\r\n$3\r\n-42\r\n", 41));
  EXPECT_EQ(parse_back(bytes),
            (std::vector<std::string>{"SET", "k", std::string("a\r\nb\0c", 6), "-42"}));
}

TEST(CommandBuilderTest, EmptyArgumentIsAZeroLengthBulk) {
  EXPECT_EQ(encode_command({"GET", ""}), "*2\r\n$3\r\nGET\r\n$0\r\n\r\n");
}

TEST(CommandBuilderTest, VectorFormMatchesListForm) {
  std::vector<std::string> args = {"MGET", "a", "b", "c"};
  EXPECT_EQ(encode_command(args), encode_command({"MGET", "a", "b", "c"}));
}

TEST(CommandBuilderTest, WrongArgumentCountIsABug) {
  CommandBuilder b(3);
  b.arg("GET").arg("k");
  EXPECT_THROW((void)b.take(), std::logic_error);
}

TEST(ClientReplyTest, ServerErrorKeepsRedisMessageAndIsRecognised) {
  absl::Status s = server_error("WRONGTYPE Operation against a key holding the wrong kind");
  EXPECT_TRUE(is_server_error(s));
  EXPECT_EQ(s.message(), "WRONGTYPE Operation against a key holding the wrong kind");
  EXPECT_EQ(server_error_prefix(s), "WRONGTYPE");
  EXPECT_FALSE(is_server_error(absl::UnavailableError("connection closed by the server")));
  EXPECT_FALSE(is_server_error(absl::OkStatus()));
  EXPECT_EQ(server_error_prefix(absl::UnknownError("ERR x")), "");
}

TEST(ClientReplyTest, ErrorFrameBecomesServerErrorInEveryDecoder) {
  Frame err = Frame::error("ERR value is not an integer or out of range");
  EXPECT_TRUE(is_server_error(decode_integer(err, "INCR").status()));
  EXPECT_TRUE(is_server_error(decode_ok(err, "MSET")));
  EXPECT_TRUE(is_server_error(decode_optional_string(err, "GET").status()));
  EXPECT_TRUE(is_server_error(decode_set(err).status()));
  EXPECT_TRUE(is_server_error(decode_optional_strings(err, "MGET").status()));
  EXPECT_EQ(frame_or_error(err).status().message(), "ERR value is not an integer or out of range");
}

TEST(ClientReplyTest, TypedValues) {
  EXPECT_EQ(*decode_integer(Frame::integer(7), "INCR"), 7);
  EXPECT_EQ(*decode_flag(Frame::integer(1), "EXPIRE"), true);
  EXPECT_EQ(*decode_flag(Frame::integer(0), "EXPIRE"), false);
  EXPECT_EQ(**decode_optional_string(Frame::bulk("v"), "GET"), "v");
  EXPECT_FALSE(decode_optional_string(Frame::null(), "GET")->has_value());
  EXPECT_EQ(*decode_set(Frame::simple("OK")), true);
  EXPECT_EQ(*decode_set(Frame::null()), false);
  EXPECT_EQ(*decode_string(Frame::simple("PONG"), "PING"), "PONG");
  auto values = decode_optional_strings(
      Frame::array({Frame::bulk("a"), Frame::null(), Frame::bulk("")}), "MGET");
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::optional<std::string>>{"a", std::nullopt, ""}));
  // An error nested in an array stays a frame.
  Frame exec = Frame::array({Frame::simple("OK"), Frame::error("ERR nested")});
  EXPECT_EQ(*frame_or_error(exec), exec);
}

TEST(ClientReplyTest, UnexpectedKindIsDataLossNamingTheOperation) {
  absl::Status s = decode_integer(Frame::bulk("7"), "INCR").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("INCR"), absl::string_view::npos) << s;
  EXPECT_EQ(decode_flag(Frame::integer(2), "EXPIRE").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(decode_optional_strings(Frame::array({Frame::integer(1)}), "MGET").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(decode_ok(Frame::integer(1), "MSET").code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace corio::redis
