// Differential tests (against redis-server 7.0) for the connection commands.
#include "redis/testing/differential.h"

namespace corio::redis::testing {
namespace {

class ConnectionCommandsTest : public DifferentialTest {};

TEST_F(ConnectionCommandsTest, Ping) {
  DiffClient& c = client();
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "PING", "hello");
  EXPECT_SAME(c, "ping", "a", "b");
  EXPECT_TRUE(c.SameRaw("PING\r\n"));
}

}  // namespace
}  // namespace corio::redis::testing
