#include "net/tcp.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/runtime.h"
#include "runtime/time/sleep.h"
#include "runtime/time/timeout.h"

namespace corio::net {

absl::Status TcpStream::set_nodelay(bool on) {
  int v = on ? 1 : 0;
  if (setsockopt(fd(), IPPROTO_TCP, TCP_NODELAY, &v, sizeof v) != 0) {
    return errno_error(errno, "setsockopt(TCP_NODELAY)");
  }
  return absl::OkStatus();
}

void TcpStream::apply_defaults() {
  (void)set_nodelay(true);
  int on = 1;
  if (setsockopt(fd(), IPPROTO_TCP, TCP_INQ, &on, sizeof on) == 0) {
    source_.set_receive_queue_hints(true);
  }
}

Task<absl::StatusOr<TcpStream>> TcpStream::connect(SocketAddr addr) {
  auto connecting = connect_socket(addr);
  auto source = co_await connecting;
  if (!source.ok()) co_return source.status();
  TcpStream stream(*std::move(source));
  stream.apply_defaults();
  co_return stream;
}

Task<absl::StatusOr<TcpStream>> TcpStream::connect(std::string host_port) {
  // Numeric addresses need no resolver.
  if (auto numeric = SocketAddr::parse(host_port); numeric.ok()) {
    co_return co_await connect(*numeric);
  }
  auto resolve = [host_port] { return SocketAddr::resolve_blocking(host_port); };
  auto resolving = spawn_blocking(std::move(resolve));
  auto joined = co_await resolving;
  if (!joined.ok()) co_return joined.status();
  absl::StatusOr<std::vector<SocketAddr>> addrs = *std::move(joined);
  if (!addrs.ok()) co_return addrs.status();
  absl::Status last = absl::NotFoundError("no address for " + host_port);
  for (const SocketAddr& a : *addrs) {
    auto stream = co_await connect(a);
    if (stream.ok()) co_return stream;
    last = stream.status();
  }
  co_return last;
}

Task<absl::StatusOr<TcpStream>> TcpStream::connect_timeout(std::string host_port,
                                                          std::chrono::nanoseconds timeout) {
  auto attempt = time::timeout(timeout, connect(std::move(host_port)));
  auto result = co_await attempt;
  if (!result.ok()) co_return result.status();
  co_return *std::move(result);
}

absl::StatusOr<TcpListener> TcpListener::bind(const SocketAddr& addr, int backlog) {
  auto l = Listener::bind(addr, backlog);
  if (!l.ok()) return l.status();
  return TcpListener(*std::move(l));
}

absl::StatusOr<TcpListener> TcpListener::bind(std::string_view host_port, int backlog) {
  auto addr = SocketAddr::parse(host_port);
  if (!addr.ok()) return addr.status();
  return bind(*addr, backlog);
}

// An accepted socket as a stream with our defaults.
TcpConnection TcpListener::into_connection(AcceptedSocket accepted) {
  TcpStream stream(std::move(accepted.source));
  stream.apply_defaults();
  return TcpConnection{std::move(stream), accepted.peer};
}

Task<absl::StatusOr<TcpConnection>> TcpListener::accept() {
  auto accepting = listener_.accept_socket();
  auto accepted = co_await accepting;
  if (!accepted.ok()) co_return accepted.status();
  co_return into_connection(*std::move(accepted));
}

Task<absl::StatusOr<TcpConnection>> TcpListener::accept_with_backoff() {
  auto delay = std::chrono::milliseconds(1);
  for (;;) {
    auto accepting = listener_.accept_socket();
    auto accepted = co_await accepting;
    if (accepted.ok()) co_return into_connection(*std::move(accepted));
    int err = errno_of(accepted.status());
    if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) {
      co_return accepted.status();
    }
    co_await time::sleep(delay);
    delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(1));
  }
}

}  // namespace corio::net
