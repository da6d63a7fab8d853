// Listener: a listening socket (TCP or Unix) on the runtime's reactor; accept() hands out
// connected, non-blocking, close-on-exec sockets.
//
// Errors: accept() reports failures as statuses and never spins: EMFILE/ENFILE (out of
// descriptors) come back as kResourceExhausted, and the caller backs off (see
// accept_with_backoff in tcp.h) — with edge-triggered epoll the pending connection stays
// in the backlog and is accepted on the next try. Aborted handshakes (ECONNABORTED) are
// skipped silently.
// Cancel-safety: accept is cancel-safe: a destroyed AcceptFuture accepted nothing.
#pragma once

#include "absl/status/statusor.h"
#include "net/io_source.h"
#include "net/socket_addr.h"
#include "runtime/task.h"

namespace corio::net {

struct AcceptedSocket {
  IoSource source;
  SocketAddr peer;
};

class AcceptFuture {
 public:
  explicit AcceptFuture(IoSource* source) : source_(source) {}
  AcceptFuture(AcceptFuture&&) noexcept = default;
  ~AcceptFuture() {
    if (waiting_) source_->clear_waker(Direction::kRead);
  }
  Poll<absl::StatusOr<AcceptedSocket>> poll(Context& cx);

 private:
  IoSource* source_;
  bool waiting_ = false;
};

// Creates a non-blocking socket for `addr`'s family, connects it and waits until the
// connection is established or has failed (connect errors carry errno, see net_error.h).
Task<absl::StatusOr<IoSource>> connect_socket(SocketAddr addr);

class Listener {
 public:
  Listener() = default;
  // socket + (SO_REUSEADDR for IP) + bind + listen(backlog), registered with the reactor.
  static absl::StatusOr<Listener> bind(const SocketAddr& addr, int backlog = 1024);

  AcceptFuture accept_socket() { return AcceptFuture(&source_); }
  absl::StatusOr<SocketAddr> local_addr() const;
  int fd() const { return source_.fd(); }

 private:
  explicit Listener(IoSource source) : source_(std::move(source)) {}
  IoSource source_;
};

}  // namespace corio::net
