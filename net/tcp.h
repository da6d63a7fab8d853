// TCP: TcpListener and TcpStream.
//
//   auto listener = TcpListener::bind(*SocketAddr::parse("127.0.0.1:0"));
//   auto conn = co_await listener->accept();          // StatusOr<TcpConnection>
//   auto stream = co_await TcpStream::connect("localhost:6379");
//
// Streams have TCP_NODELAY on by default (request/response traffic; batch writes with
// BufWriter or writev instead of relying on Nagle). Everything else (read, write, split,
// cancel-safety) is Stream's, see stream.h.
#pragma once

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "net/listener.h"
#include "net/stream.h"
#include "runtime/task.h"

namespace corio::net {

class TcpStream : public Stream {
 public:
  TcpStream() = default;
  explicit TcpStream(IoSource source) : Stream(std::move(source)) {}

  // Connects to one address.
  static Task<absl::StatusOr<TcpStream>> connect(SocketAddr addr);
  // Resolves "host:port" on the blocking pool (never on a worker), then tries each
  // address in turn; the last error is returned if none accepts.
  static Task<absl::StatusOr<TcpStream>> connect(std::string host_port);
  // As connect, giving up with DeadlineExceeded after `timeout` (needs time enabled).
  static Task<absl::StatusOr<TcpStream>> connect_timeout(std::string host_port,
                                                        std::chrono::nanoseconds timeout);

  absl::Status set_nodelay(bool on);

 private:
  friend class TcpListener;
  // Our defaults for a new connection: Nagle off, and TCP_INQ on so that a read that
  // fills its buffer learns whether bytes are left (io_source.h: it saves the read that
  // would only say EAGAIN). Either failing leaves a working stream.
  void apply_defaults();
};

struct TcpConnection {
  TcpStream stream;
  SocketAddr peer;
};

class TcpListener {
 public:
  static absl::StatusOr<TcpListener> bind(const SocketAddr& addr, int backlog = 1024);
  static absl::StatusOr<TcpListener> bind(std::string_view host_port, int backlog = 1024);

  // Accepts one connection (nodelay set). Errors as Listener::accept (listener.h).
  Task<absl::StatusOr<TcpConnection>> accept();
  // As accept(), but on running out of descriptors (EMFILE/ENFILE) it sleeps with
  // exponential back-off (1 ms doubling to 1 s) and retries, so a server loop recovers
  // without spinning once descriptors are freed. Needs time enabled.
  Task<absl::StatusOr<TcpConnection>> accept_with_backoff();

  absl::StatusOr<SocketAddr> local_addr() const { return listener_.local_addr(); }

 private:
  explicit TcpListener(Listener l) : listener_(std::move(l)) {}
  static TcpConnection into_connection(AcceptedSocket accepted);
  Listener listener_;
};

}  // namespace corio::net
