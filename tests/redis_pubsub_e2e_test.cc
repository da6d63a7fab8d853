// Pub/sub end to end: fan-out to 100 subscribers (every message, in order, exactly once,
// the same order for all), and a subscriber that never reads, which must be disconnected
// once its pending output passes the limit while the others keep receiving.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tests/redis_e2e_support.h"

namespace corio::redis::e2e {
namespace {

// ["message", channel, payload] or the error it is not.
absl::StatusOr<std::string> message_payload(const Frame& f, const std::string& channel) {
  if (f.kind() != Frame::Kind::kArray || f.elements().size() != 3 ||
      f.elements()[0].kind() != Frame::Kind::kBulk || f.elements()[0].str() != "message" ||
      f.elements()[1].str() != channel) {
    return absl::DataLossError("not a message on " + channel + ": " + f.to_string());
  }
  return f.elements()[2].str();
}

absl::Status subscribe(RespClient& c, const std::string& channel, int64_t count = 1) {
  auto r = c.command({"SUBSCRIBE", channel});
  if (!r.ok()) return r.status();
  Frame want =
      Frame::array({Frame::bulk("subscribe"), Frame::bulk(channel), Frame::integer(count)});
  if (!(*r == want)) return absl::DataLossError("SUBSCRIBE replied " + r->to_string());
  return absl::OkStatus();
}

TEST(RedisPubsubTest, HundredSubscribersGetEveryMessageOnceInTheSameOrder) {
  InProcessServer server;
  constexpr int kSubscribers = 100;
  constexpr int kPublishers = 2;
  constexpr int kMessages = 500;  // per publisher
  std::vector<RespClient> subs;
  for (int i = 0; i < kSubscribers; ++i) {
    auto c = RespClient::connect(server.port());
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE(subscribe(*c, "news").ok());
    subs.push_back(*std::move(c));
  }
  {
    auto numsub = query(server.port(), {"PUBSUB", "NUMSUB", "news"});
    ASSERT_TRUE(numsub.ok());
    ASSERT_EQ(numsub->elements()[1].as_integer(), kSubscribers) << numsub->to_string();
  }

  // Two publishers at once, pipelining in batches; every PUBLISH reaches all 100.
  std::atomic<int> bad_counts{0};
  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&, p] {
      auto c = RespClient::connect(server.port());
      if (!c.ok()) {
        bad_counts.fetch_add(1);
        return;
      }
      for (int batch = 0; batch < kMessages; batch += 50) {
        std::string bytes;
        for (int i = batch; i < batch + 50; ++i) {
          std::string message = "p" + std::to_string(p) + "-" + std::to_string(i);
          bytes += encode_command({"PUBLISH", "news", message});
        }
        if (!c->send_raw(bytes).ok()) bad_counts.fetch_add(1);
        for (int i = 0; i < 50; ++i) {
          auto r = c->read_reply();
          if (!r.ok() || r->kind() != Frame::Kind::kInteger || r->as_integer() != kSubscribers) {
            bad_counts.fetch_add(1);
          }
        }
      }
    });
  }
  for (auto& t : publishers) t.join();
  EXPECT_EQ(bad_counts.load(), 0) << "PUBLISH did not reach every subscriber";

  std::vector<std::string> first_order;
  for (int s = 0; s < kSubscribers; ++s) {
    std::vector<std::string> order;
    std::vector<int> next(kPublishers, 0);
    for (int i = 0; i < kPublishers * kMessages; ++i) {
      auto f = subs[s].read_reply();
      ASSERT_TRUE(f.ok()) << "subscriber " << s << " after " << i << " messages: " << f.status();
      auto payload = message_payload(*f, "news");
      ASSERT_TRUE(payload.ok()) << payload.status();
      // Per publisher: 0, 1, 2... with no gap and no repeat.
      int p = (*payload)[1] - '0';
      ASSERT_TRUE(p >= 0 && p < kPublishers) << *payload;
      ASSERT_EQ(*payload, "p" + std::to_string(p) + "-" + std::to_string(next[p]))
          << "subscriber " << s;
      ++next[p];
      order.push_back(*std::move(payload));
    }
    // Nothing after the last message: the next frame is the reply to our PING.
    auto pong = subs[s].command({"PING"});
    ASSERT_TRUE(pong.ok()) << pong.status();
    EXPECT_EQ(*pong, Frame::array({Frame::bulk("pong"), Frame::bulk("")})) << pong->to_string();
    if (s == 0) {
      first_order = std::move(order);
    } else {
      ASSERT_EQ(order, first_order) << "subscriber " << s << " saw another interleaving";
    }
  }
}

TEST(RedisPubsubTest, SubscriberThatNeverReadsIsDisconnectedPastTheLimit) {
  ServerConfig config;
  config.pubsub_output_limit = 1 << 20;  // 1 MB instead of Redis's 32 MB
  InProcessServer server(config);
  constexpr int kFast = 4;
  const std::string payload(16 * 1024, 'p');

  // The slow subscriber: a small receive buffer, and it never reads after SUBSCRIBE.
  ClientOptions slow_options;
  slow_options.receive_buffer = 4096;
  auto slow = RespClient::connect(server.port(), slow_options);
  ASSERT_TRUE(slow.ok());
  ASSERT_TRUE(subscribe(*slow, "news").ok());

  // Fast subscribers read everything until "end", checking the sequence numbers.
  std::atomic<int> failures{0};
  std::vector<int> received(kFast, 0);
  std::vector<RespClient> fast_clients;
  for (int i = 0; i < kFast; ++i) {
    auto c = RespClient::connect(server.port());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(subscribe(*c, "news").ok());
    fast_clients.push_back(*std::move(c));
  }
  std::vector<std::thread> readers;
  for (int i = 0; i < kFast; ++i) {
    readers.emplace_back([&, i] {
      RespClient& c = fast_clients[i];
      for (int expected = 0;; ++expected) {
        auto f = c.read_reply();
        if (!f.ok()) {
          ADD_FAILURE() << "fast subscriber " << i << ": " << f.status();
          failures.fetch_add(1);
          return;
        }
        auto p = message_payload(*f, "news");
        if (!p.ok()) {
          ADD_FAILURE() << p.status();
          failures.fetch_add(1);
          return;
        }
        if (*p == "end") return;
        std::string want = std::to_string(expected) + ":";
        if (p->compare(0, want.size(), want) != 0) {
          ADD_FAILURE() << "fast subscriber " << i << " expected message " << expected;
          failures.fetch_add(1);
          return;
        }
        received[i] = expected + 1;
      }
    });
  }

  // However the test ends, the readers get their "end" and are joined.
  OnScopeExit join_readers([&] {
    (void)query(server.port(), {"PUBLISH", "news", "end"});
    for (auto& t : readers) t.join();
  });
  auto publisher = RespClient::connect(server.port());
  ASSERT_TRUE(publisher.ok());
  auto clients_before = info_field(*publisher, "connected_clients");
  ASSERT_TRUE(clients_before.ok());
  uint64_t rss_before = rss_bytes();
  uint64_t rss_max = rss_before;
  // Publish until PUBLISH reaches only the fast ones (the slow one was dropped), giving
  // up after 32 MB: far past the 1 MB limit plus what the kernel buffers.
  int sent = 0;
  int64_t receivers = kFast + 1;
  for (; receivers == kFast + 1 && sent * payload.size() < (32u << 20); ++sent) {
    auto r = publisher->command({"PUBLISH", "news", std::to_string(sent) + ":" + payload});
    ASSERT_TRUE(r.ok()) << r.status();
    receivers = r->as_integer();
    rss_max = std::max(rss_max, rss_bytes());
  }
  ASSERT_EQ(receivers, kFast) << "the subscriber that never reads was still subscribed after "
                              << sent << " messages (" << (sent * payload.size() >> 20)
                              << " MB) with a 1 MB limit";
  // The server closed it: reading its socket ends (what was buffered, then EOF or reset).
  EXPECT_TRUE(slow->wait_closed(10s));
  EXPECT_TRUE(wait_until([&] {
    auto n = info_field(*publisher, "connected_clients");
    return n.ok() && *n == *clients_before - 1;
  }));
  // The others keep receiving.
  for (int i = 0; i < 100; ++i, ++sent) {
    auto r = publisher->command({"PUBLISH", "news", std::to_string(sent) + ":" + payload});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->as_integer(), kFast);
  }
  auto end = publisher->command({"PUBLISH", "news", "end"});
  ASSERT_TRUE(end.ok());
  for (auto& t : readers) t.join();
  readers.clear();
  EXPECT_EQ(failures.load(), 0);
  for (int i = 0; i < kFast; ++i) EXPECT_EQ(received[i], sent) << "fast subscriber " << i;
  std::printf("the slow subscriber was dropped after %d messages of %zu KB; RSS grew by %llu KB\n",
              sent, payload.size() >> 10,
              static_cast<unsigned long long>((rss_max - rss_before) >> 10));
  // Memory stayed bounded while the slow subscriber was stuck: its pending output is
  // capped by the limit (plus one message and what one write holds), not by what was
  // published. Generous bound: the process also holds the test's own buffers. (Not under
  // AddressSanitizer: its quarantine keeps freed memory resident, so RSS follows how much
  // was allocated in total, not how much is live.)
  if (!kAddressSanitizer) {
    EXPECT_LT(rss_max - rss_before, uint64_t{48} << 20)
        << "RSS grew by " << ((rss_max - rss_before) >> 20) << " MB";
  }
}

}  // namespace
}  // namespace corio::redis::e2e
