#include "net/io_source.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstring>

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
    receive_queue_hints_ = std::exchange(other.receive_queue_hints_, false);
  }
  return *this;
}

Transfer IoSource::receive(void* data, size_t size) const {
  if (!receive_queue_hints_) return Transfer{::recv(fd_, data, size, 0)};
  iovec iov{data, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = ::recvmsg(fd_, &msg, 0);
  if (n <= 0) return Transfer{n};
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_TCP && c->cmsg_type == TCP_CM_INQ) {
      int left;
      std::memcpy(&left, CMSG_DATA(c), sizeof left);
      return Transfer{n, left == 0};
    }
  }
  return Transfer{n};
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
