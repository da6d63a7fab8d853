#include "net/stream.h"

#include <sys/socket.h>
#include <unistd.h>

namespace corio::net {

Transfer ReadOp::operator()(const IoSource& source) const { return source.receive(data, size); }
ssize_t WriteOp::operator()(const IoSource& source) const {
  return ::send(source.fd(), data, size, MSG_NOSIGNAL);
}
ssize_t WritevOp::operator()(const IoSource& source) const {
  msghdr msg{};
  msg.msg_iov = const_cast<iovec*>(iov);
  msg.msg_iovlen = static_cast<size_t>(count);
  return ::sendmsg(source.fd(), &msg, MSG_NOSIGNAL);
}

size_t WritevOp::requested() const {
  size_t total = 0;
  for (int i = 0; i < count; ++i) total += iov[i].iov_len;
  return total;
}

Poll<absl::StatusOr<size_t>> ReadBufFuture::poll(Context& cx) {
  std::span<std::byte> free = buffer_->reserve(min_free_);
  auto p = source_->poll_io(cx, Direction::kRead, "read", free.size(), [&] {
    return source_->receive(free.data(), free.size());
  });
  waiting_ = p.is_pending();
  if (p.is_ready() && p.value().ok()) buffer_->commit(*p.value());
  return p;
}

Poll<absl::Status> ReadExactFuture::poll(Context& cx) {
  while (done_ < out_.size()) {
    auto p = source_->poll_io(cx, Direction::kRead, "read", out_.size() - done_, [&] {
      return source_->receive(out_.data() + done_, out_.size() - done_);
    });
    waiting_ = p.is_pending();
    if (p.is_pending()) return kPending;
    absl::StatusOr<size_t> n = p.take();
    if (!n.ok()) return n.status();
    if (*n == 0) return absl::OutOfRangeError("read_exact: unexpected end of stream");
    done_ += *n;
  }
  return absl::OkStatus();
}

Poll<absl::Status> WriteAllFuture::poll(Context& cx) {
  while (done_ < data_.size()) {
    auto p = source_->poll_io(cx, Direction::kWrite, "write", data_.size() - done_, [&] {
      return ::send(source_->fd(), data_.data() + done_, data_.size() - done_, MSG_NOSIGNAL);
    });
    waiting_ = p.is_pending();
    if (p.is_pending()) return kPending;
    absl::StatusOr<size_t> n = p.take();
    if (!n.ok()) return n.status();
    done_ += *n;
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> Stream::try_read_buf(ByteBuffer& buffer, size_t min_free) {
  std::span<std::byte> free = buffer.reserve(min_free);
  for (;;) {
    io::ReadyEvent seen = source_.snapshot(Direction::kRead);
    Transfer t = source_.receive(free.data(), free.size());
    if (t.n >= 0) {
      buffer.commit(static_cast<size_t>(t.n));
      // The read drained the socket: clear the readiness seen before it (new data since
      // then changed the tick and is kept), which saves the EAGAIN read.
      if (t.exhausted(free.size())) source_.clear_readiness(seen, Direction::kRead);
      return static_cast<size_t>(t.n);
    }
    if (errno == EINTR) continue;
    int err = errno;
    // Would block: the readiness we acted on was stale; the next readable() must wait for
    // a fresh edge, so clear what we saw.
    if (err == EAGAIN || err == EWOULDBLOCK) {
      source_.clear_readiness(seen, Direction::kRead);
      return would_block_error();
    }
    return errno_error(err, "read");
  }
}

absl::StatusOr<size_t> Stream::try_write(std::span<const std::byte> data) {
  for (;;) {
    io::ReadyEvent seen = source_.snapshot(Direction::kWrite);
    Transfer t{::send(source_.fd(), data.data(), data.size(), MSG_NOSIGNAL)};
    if (t.n >= 0) {
      // A short write filled the send buffer: the next write waits for room (as above).
      if (t.exhausted(data.size())) source_.clear_readiness(seen, Direction::kWrite);
      return static_cast<size_t>(t.n);
    }
    if (errno == EINTR) continue;
    int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      source_.clear_readiness(seen, Direction::kWrite);
      return would_block_error();
    }
    return errno_error(err, "write");
  }
}

absl::Status Stream::shutdown_write() {
  if (::shutdown(source_.fd(), SHUT_WR) != 0) return errno_error(errno, "shutdown");
  return absl::OkStatus();
}

absl::StatusOr<SocketAddr> Stream::local_addr() const {
  SocketAddr a;
  *a.len_mut() = SocketAddr::capacity();
  if (getsockname(source_.fd(), a.get_mut(), a.len_mut()) != 0) {
    return errno_error(errno, "getsockname");
  }
  return a;
}

absl::StatusOr<SocketAddr> Stream::peer_addr() const {
  SocketAddr a;
  *a.len_mut() = SocketAddr::capacity();
  if (getpeername(source_.fd(), a.get_mut(), a.len_mut()) != 0) {
    return errno_error(errno, "getpeername");
  }
  return a;
}

SplitStream into_split(Stream stream) {
  auto shared = std::make_shared<Stream>(std::move(stream));
  return SplitStream{ReadHalf(shared), WriteHalf(shared)};
}

}  // namespace corio::net
