// TCP and Unix streams on the reactor: echo, concurrency, half-close, bulk transfer, errors,
// cancellation, descriptor exhaustion.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "net/buffered.h"
#include "net/net_error.h"
#include "net/tcp.h"
#include "net/unix.h"
#include "runtime/combinators.h"
#include "runtime/runtime.h"
#include "runtime/time/sleep.h"
#include "runtime/time/timeout.h"

namespace corio::net {
namespace {

using namespace std::chrono_literals;

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

Runtime make_runtime() { return Builder::multi_thread().worker_threads(2).enable_all().build(); }

// Accepts connections forever and echoes each with copy() on its own task.
Task<void> echo_server(TcpListener* listener) {
  for (;;) {
    auto conn = co_await listener->accept();
    if (!conn.ok()) co_return;
    spawn(co_invoke([stream = std::move(conn->stream)]() mutable -> Task<void> {
      auto copying = copy(stream, stream);
      (void)co_await copying;
    }));
  }
}

// A connected loopback pair: the connecting side and the accepted side.
struct StreamPair {
  TcpStream client;
  TcpStream server_side;
};

Task<StreamPair> connected_pair() {
  auto listener = TcpListener::bind("127.0.0.1:0");
  EXPECT_TRUE(listener.ok()) << listener.status();
  SocketAddr addr = *listener->local_addr();
  auto accepting = spawn(listener->accept());
  auto client = co_await TcpStream::connect(addr);
  EXPECT_TRUE(client.ok()) << client.status();
  auto accepted = co_await accepting;
  co_return StreamPair{*std::move(client), std::move((*accepted)->stream)};
}

TEST(Tcp, EchoRoundTrips) {
  Runtime rt = make_runtime();
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> {
    auto listener = TcpListener::bind("127.0.0.1:0");
    EXPECT_TRUE(listener.ok()) << listener.status();
    SocketAddr addr = *listener->local_addr();
    auto server = spawn(echo_server(&*listener));
    auto client = co_await TcpStream::connect(addr);
    EXPECT_TRUE(client.ok()) << client.status();
    for (int i = 0; i < 100; ++i) {
      std::string msg = "hello " + std::to_string(i);
      absl::Status w = co_await client->write_all(msg);
      EXPECT_TRUE(w.ok()) << w;
      std::string got(msg.size(), '\0');
      absl::Status rd = co_await client->read_exact(
          std::span<std::byte>(reinterpret_cast<std::byte*>(got.data()), got.size()));
      EXPECT_TRUE(rd.ok()) << rd;
      EXPECT_EQ(got, msg);
    }
    EXPECT_EQ((*client->peer_addr()).port(), addr.port());
    server.abort();
    (void)co_await server;  // the task borrows the listener: wait until it is gone
  }), 30s);
  ASSERT_TRUE(r.ok()) << r;
}

TEST(Tcp, ThousandConcurrentConnections) {
  rlimit lim;
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 4096) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 4096);
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  constexpr int kConns = 1000;
  Runtime rt = make_runtime();
  std::atomic<int> ok{0};
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto listener = TcpListener::bind("127.0.0.1:0");
    SocketAddr addr = *listener->local_addr();
    auto server = spawn(echo_server(&*listener));
    std::vector<JoinHandle<void>> clients;
    for (int i = 0; i < kConns; ++i) {
      clients.push_back(spawn(co_invoke([&, addr, i]() -> Task<void> {
        auto c = co_await TcpStream::connect(addr);
        if (!c.ok()) {
          ADD_FAILURE() << c.status();
          co_return;
        }
        std::string msg = "conn-" + std::to_string(i);
        if (!(co_await c->write_all(msg)).ok()) co_return;
        std::string got(msg.size(), '\0');
        absl::Status rd = co_await c->read_exact(
            std::span<std::byte>(reinterpret_cast<std::byte*>(got.data()), got.size()));
        if (rd.ok() && got == msg) ok.fetch_add(1);
      })));
    }
    for (auto& c : clients) (void)co_await c;
    server.abort();
    (void)co_await server;  // the task borrows the listener: wait until it is gone
  }), 120s);
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_EQ(ok.load(), kConns);
}

TEST(Tcp, HalfCloseStillLetsThePeerReply) {
  Runtime rt = make_runtime();
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> {
    auto listener = TcpListener::bind("127.0.0.1:0");
    SocketAddr addr = *listener->local_addr();
    // Server: read everything until EOF, then reply with the byte count and close.
    auto server = spawn(co_invoke([&]() -> Task<void> {
      auto conn = co_await listener->accept();
      ByteBuffer buf;
      for (;;) {
        auto n = co_await conn->stream.read_buf(buf);
        EXPECT_TRUE(n.ok());
        if (!n.ok() || *n == 0) break;
      }
      std::string reply = "got " + std::to_string(buf.size());
      (void)co_await conn->stream.write_all(reply);
    }));
    auto client = co_await TcpStream::connect(addr);
    (void)co_await client->write_all(std::string(5000, 'x'));
    EXPECT_TRUE(client->shutdown_write().ok());
    ByteBuffer reply;
    for (;;) {
      auto n = co_await client->read_buf(reply);
      EXPECT_TRUE(n.ok());
      if (!n.ok() || *n == 0) break;
    }
    EXPECT_EQ(reply.readable_view(), "got 5000");
    (void)co_await server;
  }), 30s);
  ASSERT_TRUE(r.ok()) << r;
}

// Deterministic byte stream: position -> byte.
std::byte pattern(uint64_t pos, uint64_t seed) {
  return static_cast<std::byte>((pos * 2654435761u + seed) >> 7);
}

// Sends `total` bytes of the pattern, then shuts down the write side.
Task<absl::Status> send_pattern(WriteHalf& w, uint64_t total, uint64_t seed) {
  std::vector<std::byte> chunk(64 * 1024);
  for (uint64_t sent = 0; sent < total;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), total - sent));
    for (size_t i = 0; i < n; ++i) chunk[i] = pattern(sent + i, seed);
    absl::Status s = co_await w.write_all(std::span<const std::byte>(chunk.data(), n));
    if (!s.ok()) co_return s;
    sent += n;
  }
  co_return w.shutdown_write();
}

// Receives until EOF, checking every byte against the pattern; returns the count.
Task<absl::StatusOr<uint64_t>> receive_pattern(ReadHalf& r, uint64_t seed) {
  std::vector<std::byte> chunk(64 * 1024);
  uint64_t got = 0;
  for (;;) {
    auto n = co_await r.read(std::span<std::byte>(chunk));
    if (!n.ok()) co_return n.status();
    if (*n == 0) co_return got;
    for (size_t i = 0; i < *n; ++i) {
      if (chunk[i] != pattern(got + i, seed)) {
        co_return absl::DataLossError("mismatch at byte " + std::to_string(got + i));
      }
    }
    got += *n;
  }
}

TEST(Tcp, BulkTransferBothDirectionsAtOnce) {
  const uint64_t kBytes = kSanitized ? (16u << 20) : (100u << 20);
  Runtime rt = make_runtime();
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto listener = TcpListener::bind("127.0.0.1:0");
    SocketAddr addr = *listener->local_addr();
    auto accepting = spawn(listener->accept());
    auto client = co_await TcpStream::connect(addr);
    auto accepted = co_await accepting;
    EXPECT_TRUE(client.ok() && accepted.ok() && accepted->ok());
    auto [c_read, c_write] = into_split(*std::move(client));
    auto [s_read, s_write] = into_split(std::move((*accepted)->stream));
    auto c_send = spawn(co_invoke([&]() -> Task<absl::Status> { return send_pattern(c_write, kBytes, 1); }));
    auto s_send = spawn(co_invoke([&]() -> Task<absl::Status> { return send_pattern(s_write, kBytes, 2); }));
    auto c_recv = spawn(co_invoke([&]() -> Task<absl::StatusOr<uint64_t>> { return receive_pattern(c_read, 2); }));
    auto s_recv = spawn(co_invoke([&]() -> Task<absl::StatusOr<uint64_t>> { return receive_pattern(s_read, 1); }));
    auto a = co_await c_send;
    auto b = co_await s_send;
    auto c = co_await c_recv;
    auto d = co_await s_recv;
    EXPECT_TRUE(a.ok() && a->ok());
    EXPECT_TRUE(b.ok() && b->ok());
    EXPECT_TRUE(c.ok() && c->ok()) << c->status();
    EXPECT_TRUE(d.ok() && d->ok()) << d->status();
    EXPECT_EQ(c.ok() && c->ok() ? **c : 0, kBytes);
    EXPECT_EQ(d.ok() && d->ok() ? **d : 0, kBytes);
  }), 300s);
  ASSERT_TRUE(r.ok()) << r;
}

TEST(Tcp, PeerResetGivesAClearError) {
  Runtime rt = make_runtime();
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> {
    auto connecting = connected_pair();
    StreamPair pair = co_await connecting;
    TcpStream& client = pair.client;
    TcpStream& server_side = pair.server_side;
    // Abortive close: SO_LINGER 0 makes close() send RST.
    linger lg{1, 0};
    setsockopt(server_side.fd(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    (void)co_await server_side.write_all(std::string(1000, 'y'));
    server_side.close();
    absl::Status failure;
    char buf[4096];
    for (int i = 0; i < 100 && failure.ok(); ++i) {
      auto n = co_await client.read(buf, sizeof buf);
      if (!n.ok()) failure = n.status();
      else if (*n == 0) break;
    }
    for (int i = 0; i < 100 && failure.ok(); ++i) {
      failure = co_await client.write_all(std::string(65536, 'z'));
    }
    EXPECT_FALSE(failure.ok());
    int err = errno_of(failure);
    EXPECT_TRUE(err == ECONNRESET || err == EPIPE) << failure;
  }), 30s);
  ASSERT_TRUE(r.ok()) << r;
}

TEST(Tcp, CancelledReadLeavesTheConnectionUsable) {
  Runtime rt = make_runtime();
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> {
    auto connecting = connected_pair();
    StreamPair pair = co_await connecting;
    TcpStream& client = pair.client;
    TcpStream& server_side = pair.server_side;
    char buf[64];
    // Cancelled by timeout.
    auto timed = co_await time::timeout(20ms, client.read(buf, sizeof buf));
    EXPECT_EQ(timed.status().code(), absl::StatusCode::kDeadlineExceeded);
    // Cancelled by select.
    auto raced = co_await select(client.read(buf, sizeof buf), time::sleep(10ms));
    EXPECT_EQ(raced.index(), 1u);
    // Still usable: bytes sent now arrive whole.
    (void)co_await server_side.write_all("after");
    std::string got(5, '\0');
    absl::Status rd = co_await client.read_exact(
        std::span<std::byte>(reinterpret_cast<std::byte*>(got.data()), got.size()));
    EXPECT_TRUE(rd.ok()) << rd;
    EXPECT_EQ(got, "after");
  }), 30s);
  ASSERT_TRUE(r.ok()) << r;
}

// A short read or write clears the readiness it observed (no EAGAIN syscall to learn it):
// bytes and buffer room that come later must still wake the task. Every wait is bounded,
// so a lost wake-up fails instead of hanging.
TEST(Tcp, ShortReadsAndWritesStillWakeOnLaterBytes) {
  Runtime rt = make_runtime();
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> {
    auto connecting = connected_pair();
    StreamPair pair = co_await connecting;
    TcpStream& client = pair.client;
    TcpStream& server_side = pair.server_side;

    // Reads: each 3-byte message is read into a 4 KiB buffer (a short read), and the next
    // one is sent only after that read completed.
    char buf[4096];
    for (int i = 0; i < 200; ++i) {
      auto reading = spawn(co_invoke([&]() -> Task<absl::StatusOr<size_t>> {
        auto rd = client.read(buf, sizeof buf);
        auto bounded = time::timeout(5s, std::move(rd));
        auto n = co_await bounded;
        if (!n.ok()) co_return n.status();
        co_return *n;
      }));
      if (i % 2 == 0) co_await time::sleep(1ms);  // half the time the reader waits first
      auto wrote = co_await server_side.write_all("abc");
      EXPECT_TRUE(wrote.ok()) << wrote;
      auto n = co_await reading;
      bool woke = n.ok() && n->ok();
      EXPECT_TRUE(woke) << "iteration " << i << ": no wake-up for later bytes";
      if (!woke) co_return;
      EXPECT_EQ(**n, 3u);
    }

    // Writes: one write larger than the socket buffers is short; once the peer drains
    // everything, a second write must be woken by the room that appears.
    std::vector<std::byte> big(8 << 20, std::byte{'x'});
    auto first = co_await client.write(std::span<const std::byte>(big));
    EXPECT_TRUE(first.ok()) << first.status();
    if (!first.ok()) co_return;
    EXPECT_LT(*first, big.size()) << "the first write was expected to be short";
    size_t expected = *first + 100;
    auto draining = spawn(co_invoke([&]() -> Task<size_t> {
      size_t total = 0;
      std::vector<char> sink(1 << 16);
      while (total < expected) {
        auto n = co_await server_side.read(sink.data(), sink.size());
        if (!n.ok() || *n == 0) break;
        total += *n;
      }
      co_return total;
    }));
    co_await time::sleep(5ms);  // the peer starts draining while we are parked
    auto wr = client.write(std::span<const std::byte>(big.data(), 100));
    auto bounded = time::timeout(5s, std::move(wr));
    auto second = co_await bounded;
    bool woke = second.ok() && second->ok();
    EXPECT_TRUE(woke) << "no wake-up for buffer room";
    if (woke) {
      EXPECT_EQ(**second, 100u);
    }
    auto drained = co_await draining;
    EXPECT_EQ(*drained, expected);
  }), 60s);
  ASSERT_TRUE(r.ok()) << r;
}

// A loopback TCP pair made with plain syscalls: {reader (non-blocking, TCP_INQ on), writer}.
std::pair<int, int> raw_tcp_pair_with_inq() {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::listen(listener, 1), 0);
  EXPECT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int writer = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(::connect(writer, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  int reader = ::accept(listener, nullptr, nullptr);
  ::close(listener);
  int on = 1;
  EXPECT_EQ(::setsockopt(reader, IPPROTO_TCP, TCP_INQ, &on, sizeof on), 0);
  EXPECT_EQ(::fcntl(reader, F_SETFL, ::fcntl(reader, F_GETFL) | O_NONBLOCK), 0);
  return {reader, writer};
}

// What the kernel's receive-queue hint says after each read: nothing left, bytes left,
// and a FIN not read yet (which must not look drained, or the end of the stream would be
// waited for and never seen).
TEST(Tcp, ReceiveReportsWhetherTheQueueIsEmpty) {
  Runtime rt = make_runtime();
  rt.block_on(co_invoke([]() -> Task<void> {
    auto [reader_fd, writer] = raw_tcp_pair_with_inq();
    auto source = IoSource::adopt(reader_fd);
    EXPECT_TRUE(source.ok()) << source.status();
    if (!source.ok()) co_return;
    source->set_receive_queue_hints(true);
    auto receive_when_there = [&](char* buf, size_t n) {
      Transfer t{-1};
      for (int tries = 0; tries < 1000; ++tries) {  // loopback delivery is quick
        t = source->receive(buf, n);
        if (t.n >= 0 || errno != EAGAIN) break;
        std::this_thread::sleep_for(1ms);
      }
      return t;
    };
    char buf[16];
    EXPECT_EQ(::send(writer, "0123456789abcdef", 16, 0), 16);
    Transfer t = receive_when_there(buf, 16);
    EXPECT_EQ(t.n, 16);
    EXPECT_TRUE(t.drained);

    EXPECT_EQ(::send(writer, "0123456789abcdef0123456789abcdef", 32, 0), 32);
    t = receive_when_there(buf, 16);
    EXPECT_EQ(t.n, 16);
    EXPECT_FALSE(t.drained) << "16 bytes were still queued";
    t = receive_when_there(buf, 16);
    EXPECT_EQ(t.n, 16);
    EXPECT_TRUE(t.drained);

    EXPECT_EQ(::send(writer, "0123456789abcdef", 16, 0), 16);
    ::shutdown(writer, SHUT_WR);
    pollfd until_fin{reader_fd, POLLRDHUP, 0};  // the FIN is queued behind the bytes
    EXPECT_EQ(::poll(&until_fin, 1, 5000), 1);
    t = receive_when_there(buf, 16);
    EXPECT_EQ(t.n, 16);
    EXPECT_FALSE(t.drained) << "a FIN was still to be read";
    t = receive_when_there(buf, 16);
    EXPECT_EQ(t.n, 0);
    ::close(writer);
  }));
}

// Exact reads through the stream API, where a drained full read clears the readiness:
// bytes already queued behind it are still read at once, bytes that come later wake the
// reader, and the end of the stream is seen.
TEST(Tcp, ExactReadsSeeQueuedLaterAndFinalBytes) {
  Runtime rt = make_runtime();
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> {
    auto connecting = connected_pair();
    StreamPair pair = co_await connecting;
    TcpStream& client = pair.client;
    TcpStream& server_side = pair.server_side;
    std::array<std::byte, 16> buf;
    auto read_16 = [&]() -> Task<bool> {
      auto rd = client.read_exact(std::span<std::byte>(buf));
      auto bounded = time::timeout(5s, std::move(rd));
      auto done = co_await bounded;
      co_return done.ok() && done->ok();
    };

    for (int i = 0; i < 100; ++i) {
      std::string two = std::string(16, static_cast<char>('a' + i % 26)) + std::string(16, 'z');
      auto wrote = co_await server_side.write_all(two);
      EXPECT_TRUE(wrote.ok()) << wrote;
      EXPECT_TRUE(co_await read_16()) << "iteration " << i << ": first message";
      EXPECT_EQ(static_cast<char>(buf[0]), static_cast<char>('a' + i % 26));
      EXPECT_TRUE(co_await read_16()) << "iteration " << i << ": message queued behind it";
      EXPECT_EQ(static_cast<char>(buf[15]), 'z');
      // The next message comes only after the reader drained everything and waits.
      auto reading = spawn(read_16());
      if (i % 2 == 0) co_await time::sleep(1ms);
      wrote = co_await server_side.write_all(std::string(16, 'n'));
      EXPECT_TRUE(wrote.ok()) << wrote;
      auto woke = co_await reading;
      EXPECT_TRUE(woke.ok() && *woke) << "iteration " << i << ": no wake-up for later bytes";
      if (!woke.ok() || !*woke) co_return;
    }

    auto wrote = co_await server_side.write_all(std::string(16, 'e'));
    EXPECT_TRUE(wrote.ok()) << wrote;
    EXPECT_TRUE(server_side.shutdown_write().ok());
    EXPECT_TRUE(co_await read_16());
    char tail[8];
    auto rd = client.read(tail, sizeof tail);
    auto bounded = time::timeout(5s, std::move(rd));
    auto eof = co_await bounded;
    EXPECT_TRUE(eof.ok() && eof->ok() && **eof == 0) << "the end of the stream was not seen";
  }), 60s);
  ASSERT_TRUE(r.ok()) << r;
}

TEST(Tcp, ConnectionRefusedAndBrokenPipeAreStatuses) {
  Runtime rt = make_runtime();
  auto r = rt.block_on_for(co_invoke([]() -> Task<void> {
    // A port that was just free: bind, read the port, close.
    uint16_t port;
    {
      auto l = TcpListener::bind("127.0.0.1:0");
      port = l->local_addr()->port();
    }
    auto refused = co_await TcpStream::connect(SocketAddr::loopback(port));
    EXPECT_FALSE(refused.ok());
    EXPECT_EQ(errno_of(refused.status()), ECONNREFUSED) << refused.status();
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
    // Name resolution runs off the workers.
    auto listener = TcpListener::bind("127.0.0.1:0");
    std::string host_port = "localhost:" + std::to_string(listener->local_addr()->port());
    auto accepting = spawn(listener->accept());
    auto named = co_await TcpStream::connect(host_port);
    EXPECT_TRUE(named.ok()) << named.status();
    auto accepted = co_await accepting;
    (*accepted)->stream.close();
    // Writing to a closed peer: EPIPE/ECONNRESET as a status, the process lives on.
    absl::Status w;
    for (int i = 0; i < 200 && w.ok(); ++i) w = co_await named->write_all(std::string(65536, 'q'));
    EXPECT_FALSE(w.ok());
    int err = errno_of(w);
    EXPECT_TRUE(err == EPIPE || err == ECONNRESET) << w;
  }), 30s);
  ASSERT_TRUE(r.ok()) << r;
}

int open_fd_count() {
  int n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

TEST(Tcp, AcceptRecoversFromDescriptorExhaustion) {
  Runtime rt = make_runtime();
  rlimit saved;
  getrlimit(RLIMIT_NOFILE, &saved);
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto listener = TcpListener::bind("127.0.0.1:0");
    SocketAddr addr = *listener->local_addr();
    std::atomic<int> accepted{0};
    std::vector<TcpStream> held;
    auto server = spawn(co_invoke([&]() -> Task<void> {
      for (;;) {
        auto conn = co_await listener->accept_with_backoff();
        if (!conn.ok()) {
          ADD_FAILURE() << conn.status();
          co_return;
        }
        held.push_back(std::move(conn->stream));
        accepted.fetch_add(1);
      }
    }));
    rlimit low = saved;
    low.rlim_cur = static_cast<rlim_t>(open_fd_count() + 40);
    setrlimit(RLIMIT_NOFILE, &low);
    // Plain blocking client sockets: loopback connects complete from the backlog even
    // when the server cannot accept.
    std::vector<int> clients;
    for (;;) {
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) break;
      if (connect(fd, addr.get(), addr.len()) != 0) {
        close(fd);
        break;
      }
      clients.push_back(fd);
      co_await yield_now();
    }
    co_await time::sleep(50ms);
    EXPECT_LT(accepted.load(), static_cast<int>(clients.size()))
        << "the server never ran out of descriptors: the test tested nothing";
    // Free descriptors (every pending connection needs one on the server side; closing
    // the client ends frees as many as are pending): the server must catch up with every
    // connection still in the backlog, without help.
    int expected = static_cast<int>(clients.size());
    for (int fd : clients) close(fd);
    clients.clear();
    for (int i = 0; i < 500 && accepted.load() < expected; ++i) co_await time::sleep(10ms);
    EXPECT_EQ(accepted.load(), expected);
    setrlimit(RLIMIT_NOFILE, &saved);
    for (int fd : clients) close(fd);
    server.abort();
    (void)co_await server;
  }), 60s);
  setrlimit(RLIMIT_NOFILE, &saved);
  ASSERT_TRUE(r.ok()) << r;
}

TEST(Unix, EchoOverAUnixSocket) {
  Runtime rt = make_runtime();
  std::string path = "/tmp/corio-unix-" + std::to_string(getpid());
  unlink(path.c_str());
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto listener = UnixListener::bind(path);
    EXPECT_TRUE(listener.ok()) << listener.status();
    auto server = spawn(co_invoke([&]() -> Task<void> {
      auto s = co_await listener->accept();
      BufReader reader(*s);
      std::string line;
      auto n = co_await reader.read_line(line);
      EXPECT_TRUE(n.ok());
      (void)co_await s->write_all("echo: " + line);
    }));
    auto c = co_await UnixStream::connect(path);
    EXPECT_TRUE(c.ok()) << c.status();
    BufWriter writer(*c);
    (void)co_await writer.write("hi there\n");
    absl::Status f = co_await writer.flush();
    EXPECT_TRUE(f.ok());
    BufReader reader(*c);
    std::string line;
    (void)co_await reader.read_line(line);
    EXPECT_EQ(line, "echo: hi there\n");
    (void)co_await server;
  }), 30s);
  unlink(path.c_str());
  ASSERT_TRUE(r.ok()) << r;
}

TEST(Net, NoRuntimeIoIsAClearError) {
  Runtime rt = Builder::multi_thread().worker_threads(1).enable_time().build();
  EXPECT_THROW(rt.block_on(co_invoke([]() -> Task<void> {
                 (void)TcpListener::bind("127.0.0.1:0");
                 co_return;
               })),
               std::logic_error);
}

}  // namespace
}  // namespace corio::net
