#include "net/io_source.h"

#include <unistd.h>

namespace corio::net {

absl::StatusOr<IoSource> IoSource::adopt(int fd) {
  io::Reactor& reactor = io::current_reactor();
  auto io = reactor.register_fd(fd);
  if (!io.ok()) {
    close(fd);
    return io.status();
  }
  return IoSource(fd, *io, &reactor);
}

IoSource& IoSource::operator=(IoSource&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = std::exchange(other.fd_, -1);
    io_ = std::exchange(other.io_, nullptr);
    reactor_ = std::exchange(other.reactor_, nullptr);
  }
  return *this;
}

void IoSource::reset() {
  if (fd_ < 0) return;
  reactor_->deregister(fd_, io_);
  close(fd_);
  fd_ = -1;
  io_ = nullptr;
  reactor_ = nullptr;
}

}  // namespace corio::net
