#include "net/unix.h"

namespace corio::net {

Task<absl::StatusOr<UnixStream>> UnixStream::connect(std::string path) {
  auto addr = SocketAddr::unix_path(path);
  if (!addr.ok()) co_return addr.status();
  auto connecting = connect_socket(*addr);
  auto source = co_await connecting;
  if (!source.ok()) co_return source.status();
  co_return UnixStream(*std::move(source));
}

absl::StatusOr<UnixListener> UnixListener::bind(std::string_view path, int backlog) {
  auto addr = SocketAddr::unix_path(path);
  if (!addr.ok()) return addr.status();
  auto l = Listener::bind(*addr, backlog);
  if (!l.ok()) return l.status();
  return UnixListener(*std::move(l));
}

Task<absl::StatusOr<UnixStream>> UnixListener::accept() {
  auto accepting = listener_.accept_socket();
  auto accepted = co_await accepting;
  if (!accepted.ok()) co_return accepted.status();
  co_return UnixStream(std::move(accepted->source));
}

}  // namespace corio::net
