// --suite=net: `tcp_echo_loopback` has the shape of the Tokio/Go peers (shared/peers/
// runtime): an echo server on loopback, 50 client tasks x 4,000 round trips of 16 bytes
// per repetition. `tcp_stream_throughput` streams 1 GiB over one loopback connection in
// 64 KiB writes.
#include "tools/bench/net_suite.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "net/tcp.h"
#include "runtime/runtime.h"
#include "tools/bench/bench_util.h"

namespace corio::bench {
namespace {

constexpr size_t kWorkers = 2;
constexpr int kClients = 50;
constexpr int kRoundTrips = 4'000;
constexpr size_t kMessage = 16;
constexpr uint64_t kStreamBytes = uint64_t{1} << 30;
constexpr size_t kStreamChunk = 64 * 1024;

Runtime make_runtime() {
  return Builder::multi_thread().worker_threads(kWorkers).enable_all().build();
}

std::span<std::byte> bytes_of(std::array<std::byte, kMessage>& a) { return {a.data(), a.size()}; }

Task<void> echo_connection(net::TcpStream stream) {
  std::array<std::byte, kMessage> buf;
  for (;;) {
    if (!(co_await stream.read_exact(bytes_of(buf))).ok()) co_return;
    if (!(co_await stream.write_all(std::span<const std::byte>(buf))).ok()) co_return;
  }
}

Task<void> echo_server(net::TcpListener listener) {
  for (;;) {
    auto conn = co_await listener.accept();
    if (!conn.ok()) co_return;
    spawn(echo_connection(std::move(conn->stream)));
  }
}

Task<void> echo_client(net::SocketAddr addr, int c, Latch* latch) {
  auto stream = co_await net::TcpStream::connect(addr);
  if (!stream.ok()) std::abort();
  std::array<std::byte, kMessage> out;
  out.fill(static_cast<std::byte>(c));
  std::array<std::byte, kMessage> in;
  for (int i = 0; i < kRoundTrips; ++i) {
    out[0] = static_cast<std::byte>(i);
    if (!(co_await stream->write_all(std::span<const std::byte>(out))).ok()) std::abort();
    if (!(co_await stream->read_exact(bytes_of(in))).ok()) std::abort();
  }
  latch->count_down();
}

uint64_t tcp_echo_loopback(Runtime& rt, net::SocketAddr addr) {
  run_spawned(rt, co_invoke([addr]() -> Task<void> {
    Latch latch(kClients);
    for (int c = 0; c < kClients; ++c) spawn(echo_client(addr, c, &latch));
    co_await latch.wait();
  }));
  return uint64_t{kClients} * kRoundTrips;
}

uint64_t tcp_stream_throughput(Runtime& rt) {
  return run_spawned(rt, co_invoke([]() -> Task<uint64_t> {
    auto listener = net::TcpListener::bind("127.0.0.1:0");
    if (!listener.ok()) std::abort();
    net::SocketAddr addr = *listener->local_addr();
    auto sink = spawn(co_invoke([&]() -> Task<uint64_t> {
      auto conn = co_await listener->accept();
      if (!conn.ok()) std::abort();
      std::vector<std::byte> buf(kStreamChunk);
      uint64_t total = 0;
      for (;;) {
        auto n = co_await conn->stream.read(std::span<std::byte>(buf));
        if (!n.ok() || *n == 0) co_return total;
        total += *n;
      }
    }));
    auto stream = co_await net::TcpStream::connect(addr);
    std::vector<std::byte> chunk(kStreamChunk, std::byte{0x5a});
    for (uint64_t sent = 0; sent < kStreamBytes; sent += kStreamChunk) {
      if (!(co_await stream->write_all(std::span<const std::byte>(chunk))).ok()) std::abort();
    }
    (void)stream->shutdown_write();
    auto received = co_await sink;
    if (!received.ok() || *received != kStreamBytes) std::abort();
    co_return *received;
  }));
}

}  // namespace

void run_net_suite(const Options& options) {
  Runtime rt = make_runtime();
  if (options.wants("tcp_echo_loopback")) {
    auto addr = run_spawned(rt, co_invoke([]() -> Task<net::SocketAddr> {
      auto listener = net::TcpListener::bind("127.0.0.1:0");
      if (!listener.ok()) std::abort();
      net::SocketAddr a = *listener->local_addr();
      spawn(echo_server(*std::move(listener)));
      co_return a;
    }));
    run_and_report(options, "tcp_echo_loopback", "round_trips",
                   [&] { return tcp_echo_loopback(rt, addr); });
  }
  if (options.wants("tcp_stream_throughput")) {
    run_and_report(options, "tcp_stream_throughput", "bytes",
                   [&] { return tcp_stream_throughput(rt); });
  }
}

}  // namespace corio::bench
