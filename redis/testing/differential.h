// Differential testing of our server against a real redis-server 7.0.
//
// A test sends the same raw RESP request to both servers over plain blocking sockets,
// reads one complete reply from each (FrameParser decides where a reply ends) and compares
// the raw bytes:
//
//   class StringCommandsTest : public DifferentialTest {};
//   TEST_F(StringCommandsTest, SetWithGetReturnsTheOldValue) {
//     DiffClient& c = client();
//     EXPECT_SAME(c, "SET", "k", "v1");
//     EXPECT_SAME(c, "SET", "k", "v2", "GET");
//     EXPECT_TRUE(c.Same({"TTL", "k"}, IntegerIn(0, 100)));  // with a normalizer
//   }
//
// Servers. Both are started once per test binary, on the first DifferentialTest:
//  - the real one: `redis-server --port <free> --save '' --appendonly no` in a temporary
//    directory, found as $REDIS_SERVER or in /usr/bin, /usr/local/bin, $PATH. If it is not
//    installed every DifferentialTest fails with a message saying so (tools/bazelw installs
//    it: the `redis-server` package).
//  - ours: a redis::Server run in this process on a 2-worker corio runtime in a background
//    thread (so the sanitizers see the server's code too).
// Before each test both are reset: FLUSHALL, and the settings tests may change go back.
//
// Normalizers. Some replies are inherently variable (TIME, CLIENT ID, TTL after time
// passed, INFO). A Normalizer maps a raw reply to a canonical form, applied to both sides
// before comparing; the helpers below cover the common cases. Ranges for TTLs are wide (a
// TTL of 100 s is accepted down to 90), so a slow machine does not fail them: they check
// the kind of reply and its magnitude, not how fast the servers are.
//
// Hangs. Reading a reply gives up after kReplyTimeout (a guard against a missing reply
// hanging the test, not an assertion about speed): the comparison then fails, naming it.
//
// Thread-safety: a DiffClient belongs to one test thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "redis/server.h"

namespace corio::redis::testing {

inline constexpr std::chrono::seconds kReplyTimeout{20};

// `args` as a RESP multibulk request.
std::string EncodeCommand(const std::vector<std::string>& args);
// Bytes with CR, LF and non-printable bytes escaped, for failure messages.
std::string Escape(std::string_view bytes);

// One blocking TCP connection to 127.0.0.1:port.
class BlockingClient {
 public:
  static absl::StatusOr<std::unique_ptr<BlockingClient>> Connect(uint16_t port);
  ~BlockingClient();
  BlockingClient(const BlockingClient&) = delete;
  BlockingClient& operator=(const BlockingClient&) = delete;

  absl::Status Send(std::string_view bytes);
  // The raw bytes of the next complete reply (any RESP2/RESP3 frame).
  absl::StatusOr<std::string> ReadReply();
  // OK if the peer closes the connection before sending anything more.
  absl::Status ReadEof();

 private:
  explicit BlockingClient(int fd) : fd_(fd) {}
  int fd_;
  std::string buffered_;  // received, not yet returned
};

// A real redis-server child process (killed with the test process too).
class RealRedis {
 public:
  // The path of redis-server, or NotFound with what to install.
  static absl::StatusOr<std::string> FindBinary();
  static absl::StatusOr<std::unique_ptr<RealRedis>> Start();
  ~RealRedis();
  uint16_t port() const { return port_; }

 private:
  RealRedis() = default;
  int pid_ = -1;
  uint16_t port_ = 0;
  std::string dir_;
};

// Our redis::Server on its own runtime, in a background thread.
class CorioServer {
 public:
  static absl::StatusOr<std::unique_ptr<CorioServer>> Start(ServerConfig config = {});
  ~CorioServer();
  uint16_t port() const { return port_; }
  Server& server() { return *server_; }

 private:
  struct State;
  CorioServer() = default;
  std::shared_ptr<State> state_;
  Server* server_ = nullptr;
  uint16_t port_ = 0;
};

using Normalizer = std::function<std::string(std::string_view raw)>;

// Normalizers.
// Integer replies within [lo, hi] read ":<in range>"; anything else is kept.
Normalizer IntegerIn(int64_t lo, int64_t hi);
// Every integer (at any depth) reads ":<int>".
Normalizer AnyInteger();
// Applies std::regex replacements in order to the raw bytes.
Normalizer Replace(std::vector<std::pair<std::string, std::string>> regex_and_replacement);
// Keeps the frame's shape, with every bulk/simple string's content replaced by "?"
// (lengths too): "same kind of reply with the same number of elements".
Normalizer ShapeOnly();
// Elements of an array reply sorted (replies whose order is unspecified: KEYS).
Normalizer SortedArray();
// The array at element `index` of an array reply sorted (SCAN's keys).
Normalizer SortedArrayAt(size_t index);
// Key/value pairs of a map reply (or of its RESP2 flattened array) sorted by key (CONFIG
// GET with several parameters: Redis's order comes from its hash table).
Normalizer SortedPairs();
// RESP3 maps (at any depth) without the entries whose key is one of `keys` (COMMAND DOCS
// without the argument descriptions this server does not keep).
Normalizer DropMapEntries(std::vector<std::string> keys);
// The first normalizer, then the second.
Normalizer Then(Normalizer first, Normalizer second);
// HELLO's reply with the client id replaced ("id" differs between servers).
Normalizer HelloId();
// CLIENT LIST / CLIENT INFO lines with the fields that depend on the process (id, addr,
// laddr, fd, age, idle, buffer and memory sizes) replaced, and the bulk length with them.
Normalizer ClientFields();

// Two connections, one per server, fed the same bytes.
class DiffClient {
 public:
  DiffClient(std::unique_ptr<BlockingClient> ours, std::unique_ptr<BlockingClient> theirs)
      : ours_(std::move(ours)), theirs_(std::move(theirs)) {}

  struct Replies {
    absl::StatusOr<std::string> ours;
    absl::StatusOr<std::string> theirs;
  };
  // Sends `request` to both and reads one reply from each.
  Replies Exchange(std::string_view request);
  // Reads one more reply from each (a pub/sub message, the 2nd reply of SUBSCRIBE a b).
  Replies Next();

  // Sends the command to both; true if the replies are equal (after `normalize`).
  ::testing::AssertionResult Same(const std::vector<std::string>& args,
                                  const Normalizer& normalize = nullptr);
  // As Same, with raw request bytes (inline commands, pipelines) and `replies` replies.
  ::testing::AssertionResult SameRaw(std::string_view request, int replies = 1,
                                     const Normalizer& normalize = nullptr);
  // The next `replies` replies (already requested) are the same on both.
  ::testing::AssertionResult SameNext(int replies = 1, const Normalizer& normalize = nullptr);
  // The next `replies` replies, compared as multisets (after `normalize`): for replies
  // whose order is unspecified (UNSUBSCRIBE with no arguments, in hash-table order).
  ::testing::AssertionResult SameUnordered(int replies, const Normalizer& normalize = nullptr);
  // Both servers closed the connection (after QUIT, a protocol error, CLIENT KILL).
  ::testing::AssertionResult BothClosed();
  // Sends to both without reading (the reply is read later with SameNext).
  void SendBoth(std::string_view request);

  BlockingClient& ours() { return *ours_; }
  BlockingClient& theirs() { return *theirs_; }

 private:
  ::testing::AssertionResult Compare(std::string_view what, const Replies& r,
                                     const Normalizer& normalize);
  std::unique_ptr<BlockingClient> ours_;
  std::unique_ptr<BlockingClient> theirs_;
};

// The fixture: both servers (shared by every test of the binary), reset before each test.
class DifferentialTest : public ::testing::Test {
 public:
  // The only password tests may set (SetUp must be able to log in to clear it).
  static constexpr const char* kPassword = "test-secret";

 protected:
  void SetUp() override;
  void TearDown() override;

  // The test's first client (made on first use).
  DiffClient& client();
  // Another client pair (for WATCH by a second client, PUBLISH to a subscriber, ...).
  std::unique_ptr<DiffClient> NewClient();

  // CONFIG SET requirepass kPassword on both (through `admin`, which stays logged in).
  void RequirePassword(DiffClient& admin);

  static CorioServer& ours();
  static RealRedis& theirs();

 private:
  std::unique_ptr<DiffClient> client_;
};

// EXPECT_SAME(client, "SET", "k", "v"): the command gets the same reply from both.
#define EXPECT_SAME(c, ...) EXPECT_TRUE((c).Same({__VA_ARGS__}))
#define ASSERT_SAME(c, ...) ASSERT_TRUE((c).Same({__VA_ARGS__}))

}  // namespace corio::redis::testing
