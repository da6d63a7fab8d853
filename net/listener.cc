#include "net/listener.h"

#include <sys/socket.h>
#include <unistd.h>

namespace corio::net {

Poll<absl::StatusOr<AcceptedSocket>> AcceptFuture::poll(Context& cx) {
  for (;;) {
    SocketAddr peer;
    *peer.len_mut() = SocketAddr::capacity();
    auto p = source_->poll_io(cx, Direction::kRead, "accept", /*requested=*/0, [&] {
      return static_cast<ssize_t>(accept4(source_->fd(), peer.get_mut(), peer.len_mut(),
                                          SOCK_NONBLOCK | SOCK_CLOEXEC));
    });
    waiting_ = p.is_pending();
    if (p.is_pending()) return kPending;
    absl::StatusOr<size_t> fd = p.take();
    if (!fd.ok()) {
      if (errno_of(fd.status()) == ECONNABORTED) continue;
      return absl::StatusOr<AcceptedSocket>(fd.status());
    }
    auto source = IoSource::adopt(static_cast<int>(*fd));
    if (!source.ok()) return absl::StatusOr<AcceptedSocket>(source.status());
    return absl::StatusOr<AcceptedSocket>(AcceptedSocket{*std::move(source), peer});
  }
}

namespace {

// Ready once a connecting socket is writable (connected or failed).
class ConnectedFuture {
 public:
  explicit ConnectedFuture(IoSource* source) : source_(source) {}
  ~ConnectedFuture() {
    if (waiting_) source_->clear_waker(Direction::kWrite);
  }
  Poll<void> poll(Context& cx) {
    auto p = source_->poll_ready(cx, Direction::kWrite);
    waiting_ = p.is_pending();
    return p;
  }

 private:
  IoSource* source_;
  bool waiting_ = false;
};

}  // namespace

Task<absl::StatusOr<IoSource>> connect_socket(SocketAddr addr) {
  int fd = socket(addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) co_return errno_error(errno, "socket");
  int rc = ::connect(fd, addr.get(), addr.len());
  int err = rc == 0 ? 0 : errno;
  if (rc != 0 && err != EINPROGRESS && err != EAGAIN) {
    close(fd);
    co_return errno_error(err, "connect");
  }
  auto source = IoSource::adopt(fd);
  if (!source.ok()) co_return source.status();
  if (rc != 0) {
    ConnectedFuture connected(&*source);
    co_await connected;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) co_return errno_error(err, "connect");
  }
  co_return source;
}

absl::StatusOr<Listener> Listener::bind(const SocketAddr& addr, int backlog) {
  int fd = socket(addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error(errno, "socket");
  if (addr.family() != AF_UNIX) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  }
  if (::bind(fd, addr.get(), addr.len()) != 0) {
    absl::Status s = errno_error(errno, "bind");
    close(fd);
    return s;
  }
  if (listen(fd, backlog) != 0) {
    absl::Status s = errno_error(errno, "listen");
    close(fd);
    return s;
  }
  auto source = IoSource::adopt(fd);
  if (!source.ok()) return source.status();
  return Listener(*std::move(source));
}

absl::StatusOr<SocketAddr> Listener::local_addr() const {
  SocketAddr a;
  *a.len_mut() = SocketAddr::capacity();
  if (getsockname(source_.fd(), a.get_mut(), a.len_mut()) != 0) {
    return errno_error(errno, "getsockname");
  }
  return a;
}

}  // namespace corio::net
