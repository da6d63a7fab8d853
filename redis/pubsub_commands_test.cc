// Differential tests (against redis-server 7.0) for pub/sub: PUBLISH, SUBSCRIBE,
// UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBSUB (CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS,
// SHARDNUMSUB, HELP), the RESP2 subscribed mode and RESP3 push messages.
//
// Channel names carry the test's name: the servers are shared by the whole binary, and a
// subscriber of an earlier test may still be closing on one of them.
#include <string>

#include "redis/testing/differential.h"

namespace corio::redis::testing {
namespace {

class PubsubCommandsTest : public DifferentialTest {};

TEST_F(PubsubCommandsTest, ArityAndHelp) {
  DiffClient& c = client();
  EXPECT_SAME(c, "PUBLISH");
  EXPECT_SAME(c, "PUBLISH", "ch");
  EXPECT_SAME(c, "PUBLISH", "ch", "m", "x");
  EXPECT_SAME(c, "SUBSCRIBE");
  EXPECT_SAME(c, "PSUBSCRIBE");
  EXPECT_SAME(c, "PUBSUB");
  EXPECT_SAME(c, "PUBSUB", "FOO");
  EXPECT_SAME(c, "PUBSUB", "HELP");
  EXPECT_SAME(c, "PUBSUB", "HELP", "x");
  EXPECT_SAME(c, "PUBSUB", "CHANNELS", "*", "x");
  EXPECT_SAME(c, "pubsub", "channels", "*", "x");
  EXPECT_SAME(c, "PUBSUB", "SHARDCHANNELS", "*", "x");
  EXPECT_SAME(c, "PUBSUB", "NUMPAT", "x");
}

TEST_F(PubsubCommandsTest, UnsubscribeWhenNotSubscribed) {
  DiffClient& c = client();
  EXPECT_SAME(c, "UNSUBSCRIBE");
  EXPECT_SAME(c, "PUNSUBSCRIBE");
  EXPECT_TRUE(c.SameRaw(EncodeCommand({"UNSUBSCRIBE", "a", "b"}), 2));
  EXPECT_TRUE(c.SameRaw(EncodeCommand({"PUNSUBSCRIBE", "a*", "b*"}), 2));
  EXPECT_SAME(c, "GET", "k");  // still a normal client
}

TEST_F(PubsubCommandsTest, PublishWithoutSubscribers) {
  DiffClient& c = client();
  EXPECT_SAME(c, "PUBLISH", "nobody-listens", "msg");
  EXPECT_SAME(c, "PUBSUB", "NUMSUB");
  EXPECT_SAME(c, "PUBSUB", "NUMSUB", "nobody-listens", "x");
  EXPECT_SAME(c, "PUBSUB", "SHARDNUMSUB");
  EXPECT_SAME(c, "PUBSUB", "SHARDNUMSUB", "a", "b");
  EXPECT_SAME(c, "PUBSUB", "SHARDCHANNELS");
}

TEST_F(PubsubCommandsTest, SubscribeAndReceive) {
  auto sub = NewClient();
  DiffClient& pub = client();
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"SUBSCRIBE", "sar-1", "sar-2"}), 2));
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"SUBSCRIBE", "sar-1"}), 1));  // again: same count
  EXPECT_SAME(pub, "PUBLISH", "sar-1", "hello");
  EXPECT_TRUE(sub->SameNext());
  EXPECT_SAME(pub, "PUBLISH", "sar-2", std::string("bin\0\r\nary", 9));
  EXPECT_TRUE(sub->SameNext());
  EXPECT_SAME(pub, "PUBLISH", "sar-3", "nobody");
  EXPECT_SAME(pub, "PUBSUB", "NUMSUB", "sar-1", "sar-2", "sar-3");
  EXPECT_TRUE(pub.Same({"PUBSUB", "CHANNELS", "sar-*"}, SortedArray()));
  EXPECT_TRUE(pub.Same({"PUBSUB", "CHANNELS", "sar-[1]"}, SortedArray()));
  // Messages come in publishing order.
  EXPECT_SAME(pub, "PUBLISH", "sar-1", "m1");
  EXPECT_SAME(pub, "PUBLISH", "sar-2", "m2");
  EXPECT_SAME(pub, "PUBLISH", "sar-1", "m3");
  EXPECT_TRUE(sub->SameNext(3));
}

TEST_F(PubsubCommandsTest, PatternSubscriptions) {
  auto sub = NewClient();
  DiffClient& pub = client();
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"PSUBSCRIBE", "ps-*", "ps-a?"}), 2));
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"SUBSCRIBE", "ps-ab"}), 1));
  EXPECT_SAME(pub, "PUBSUB", "NUMPAT");
  // One message per matching subscription: the channel and both patterns.
  EXPECT_SAME(pub, "PUBLISH", "ps-ab", "hi");
  EXPECT_TRUE(sub->SameUnordered(3));
  EXPECT_SAME(pub, "PUBLISH", "ps-xyz", "only-star");
  EXPECT_TRUE(sub->SameNext());
  EXPECT_SAME(pub, "PUBLISH", "other", "none");
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"PUNSUBSCRIBE", "ps-a?", "ps-nosuch"}), 2));
  EXPECT_SAME(pub, "PUBLISH", "ps-ab", "after");
  EXPECT_TRUE(sub->SameUnordered(2));
  EXPECT_SAME(pub, "PUBSUB", "NUMPAT");
}

TEST_F(PubsubCommandsTest, NumpatCountsDistinctPatterns) {
  auto a = NewClient();
  auto b = NewClient();
  DiffClient& c = client();
  EXPECT_TRUE(a->SameRaw(EncodeCommand({"PSUBSCRIBE", "np-*"}), 1));
  EXPECT_TRUE(b->SameRaw(EncodeCommand({"PSUBSCRIBE", "np-*", "np2-*"}), 2));
  EXPECT_SAME(c, "PUBSUB", "NUMPAT");
  EXPECT_SAME(c, "PUBLISH", "np-1", "x");  // two receivers
  EXPECT_TRUE(a->SameNext());
  EXPECT_TRUE(b->SameNext());
}

TEST_F(PubsubCommandsTest, SubscribedModeAllowsOnlySomeCommands) {
  auto sub = NewClient();
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"SUBSCRIBE", "mode-1"}), 1));
  for (const char* cmd : {"GET", "SET", "MULTI", "EXEC", "WATCH", "INFO", "CLIENT", "ECHO",
                          "PUBLISH", "SELECT", "HELLO", "AUTH", "DISCARD", "UNWATCH"}) {
    EXPECT_SAME(*sub, cmd, "x", "y");
  }
  EXPECT_SAME(*sub, "GET", "k");
  EXPECT_SAME(*sub, "NOSUCH");  // unknown first
  EXPECT_SAME(*sub, "GET");     // arity first
  EXPECT_SAME(*sub, "PING");
  EXPECT_SAME(*sub, "PING", "payload");
  EXPECT_SAME(*sub, "PING", "a", "b");
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"PSUBSCRIBE", "mode-*"}), 1));
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"UNSUBSCRIBE", "mode-1"}), 1));
  EXPECT_SAME(*sub, "GET", "k");  // still subscribed to a pattern
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"PUNSUBSCRIBE"}), 1));
  EXPECT_SAME(*sub, "GET", "k");  // a normal client again
  EXPECT_SAME(*sub, "PING");
}

TEST_F(PubsubCommandsTest, QuitAndResetWhileSubscribed) {
  auto sub = NewClient();
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"SUBSCRIBE", "qr-1", "qr-2"}), 2));
  EXPECT_SAME(*sub, "RESET");
  EXPECT_SAME(*sub, "GET", "k");
  EXPECT_SAME(client(), "PUBSUB", "NUMSUB", "qr-1");
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"SUBSCRIBE", "qr-1"}), 1));
  EXPECT_SAME(*sub, "QUIT");
  EXPECT_TRUE(sub->BothClosed());
}

TEST_F(PubsubCommandsTest, UnsubscribeAllInAnyOrder) {
  auto sub = NewClient();
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"SUBSCRIBE", "ua-1", "ua-2", "ua-3"}), 3));
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"PSUBSCRIBE", "ua-*", "ub-*"}), 2));
  // Redis unsubscribes in its hash table's order: compare the channels as a set (the
  // counts each reply carries depend on that order).
  sub->SendBoth(EncodeCommand({"UNSUBSCRIBE"}));
  EXPECT_TRUE(sub->SameUnordered(3, AnyInteger()));
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"SUBSCRIBE", "ua-1"}), 1));  // the count: 3
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"UNSUBSCRIBE", "ua-1"}), 1));
  sub->SendBoth(EncodeCommand({"PUNSUBSCRIBE"}));
  EXPECT_TRUE(sub->SameUnordered(2, AnyInteger()));
  EXPECT_SAME(*sub, "UNSUBSCRIBE");  // nothing left: one reply with a null channel
  EXPECT_SAME(*sub, "PUNSUBSCRIBE");
  EXPECT_SAME(*sub, "GET", "k");
}

TEST_F(PubsubCommandsTest, Resp3PushMessages) {
  auto sub = NewClient();
  DiffClient& pub = client();
  EXPECT_TRUE(sub->Same({"HELLO", "3"}, HelloId()));
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"SUBSCRIBE", "r3-1", "r3-2"}), 2));
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"PSUBSCRIBE", "r3p-*"}), 1));
  // RESP3 has no subscribed mode: every command works.
  EXPECT_SAME(*sub, "SET", "k", "v");
  EXPECT_SAME(*sub, "GET", "k");
  EXPECT_SAME(*sub, "PING");
  EXPECT_SAME(*sub, "PING", "x");
  EXPECT_SAME(pub, "PUBLISH", "r3-1", "hello");
  EXPECT_TRUE(sub->SameNext());
  EXPECT_SAME(pub, "PUBLISH", "r3p-x", "pattern");
  EXPECT_TRUE(sub->SameNext());
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"UNSUBSCRIBE", "r3-1", "nosuch"}), 2));
  sub->SendBoth(EncodeCommand({"UNSUBSCRIBE"}));
  EXPECT_TRUE(sub->SameNext());
  EXPECT_SAME(*sub, "UNSUBSCRIBE");
  EXPECT_SAME(*sub, "PUNSUBSCRIBE", "r3p-*");
  EXPECT_SAME(pub, "PUBSUB", "NUMSUB", "r3-1", "r3-2");
  EXPECT_SAME(pub, "PUBSUB", "NUMPAT");
}

TEST_F(PubsubCommandsTest, Resp3PubsubQueries) {
  DiffClient& c = client();
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_SAME(c, "PUBSUB", "NUMSUB", "a", "b");  // a flat array, not a map, in 7.0
  EXPECT_SAME(c, "PUBSUB", "NUMPAT");
  EXPECT_SAME(c, "PUBSUB", "CHANNELS", "nosuch-*");
  EXPECT_SAME(c, "PUBLISH", "ch", "m");
}

TEST_F(PubsubCommandsTest, ChannelPatternQuirks) {
  auto sub = NewClient();
  DiffClient& pub = client();
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"SUBSCRIBE", "", "q[1]", "q*"}), 3));
  EXPECT_TRUE(sub->SameRaw(EncodeCommand({"PSUBSCRIBE", "q\\*", "q[a-]"}), 2));
  EXPECT_SAME(pub, "PUBLISH", "", "empty channel");
  EXPECT_TRUE(sub->SameNext());
  EXPECT_SAME(pub, "PUBLISH", "q*", "literal star");
  EXPECT_TRUE(sub->SameUnordered(2));
  EXPECT_SAME(pub, "PUBLISH", "q]", "range to bracket");
  EXPECT_TRUE(sub->SameNext());
  EXPECT_TRUE(pub.Same({"PUBSUB", "CHANNELS", ""}, SortedArray()));
  EXPECT_TRUE(pub.Same({"PUBSUB", "CHANNELS", "q\\[1\\]"}, SortedArray()));
}

TEST_F(PubsubCommandsTest, SubscribeInsideMulti) {
  auto c = NewClient();
  EXPECT_SAME(*c, "MULTI");
  EXPECT_SAME(*c, "SUBSCRIBE", "mu-1");
  EXPECT_SAME(*c, "PSUBSCRIBE", "mu-*");
  EXPECT_SAME(*c, "UNSUBSCRIBE");
  EXPECT_SAME(*c, "EXEC");
  EXPECT_SAME(*c, "PING");  // subscribed (to the pattern) now
  EXPECT_SAME(*c, "MULTI");
}

}  // namespace
}  // namespace corio::redis::testing
