// IoSource: a non-blocking file descriptor registered with the runtime's reactor.
//
// Owns the fd: destroying the IoSource deregisters it and closes it. poll_io() is the one
// place where a socket operation meets the readiness protocol of runtime/io/reactor.h:
// if the direction is known not ready it waits for the reactor without a syscall;
// otherwise it tries the syscall, and on EAGAIN clears the readiness it had observed and
// parks the task's waker for that direction; every other errno becomes a
// net::errno_error. (Trying the syscall blindly cost two EAGAIN reads per echo round trip.)
// A stream transfer shorter than asked for (`requested`) drained the receive buffer (read)
// or filled the send buffer (write), so it clears the readiness it had observed too, as an
// EAGAIN would have, without paying for that EAGAIN. So does a read that filled its buffer
// exactly when the kernel says nothing is left behind it (TCP_INQ, see receive()): a
// request/response peer otherwise pays an EAGAIN read per message. This is safe with
// edge-triggered epoll: bytes or room that arrive after the syscall raise a new edge,
// whose new tick the clear leaves alone (and closed states are never cleared).
// Each poll_io consumes one unit of the task's cooperative budget.
//
// Threads: one reader and one writer may use an IoSource at once (from different tasks or
// workers): the two directions have separate waker slots. An IoSource must be destroyed
// before its runtime.
#pragma once

#include <errno.h>
#include <sys/types.h>

#include <cstddef>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/net_error.h"
#include "runtime/coop.h"
#include "runtime/io/reactor.h"
#include "runtime/poll.h"

namespace corio::net {

using io::Direction;

// What a read or write did: the bytes (or -1 with errno set), and whether the socket's
// receive queue was known to be empty right after it.
struct Transfer {
  ssize_t n;
  bool drained = false;

  // The transfer moved bytes and left the socket with none to read (a read) or no room
  // (a write), `requested` being what it asked for: the readiness it acted on is spent.
  bool exhausted(size_t requested) const {
    return n > 0 && (static_cast<size_t>(n) < requested || drained);
  }
};

class IoSource {
 public:
  // Registers `fd` (already non-blocking) with the current runtime's reactor; on failure
  // closes it.
  static absl::StatusOr<IoSource> adopt(int fd);

  IoSource() = default;
  IoSource(IoSource&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)),
        io_(std::exchange(other.io_, nullptr)),
        reactor_(std::exchange(other.reactor_, nullptr)),
        receive_queue_hints_(std::exchange(other.receive_queue_hints_, false)) {}
  IoSource& operator=(IoSource&& other) noexcept;
  IoSource(const IoSource&) = delete;
  IoSource& operator=(const IoSource&) = delete;
  ~IoSource() { reset(); }

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Deregisters and closes now.
  void reset();

  // recv(2) of up to `size` bytes. With receive-queue hints on, the read also reports
  // whether the receive queue was empty after it; a FIN not read yet counts as a byte
  // there (the kernel's hint), so the end of the stream is still read.
  Transfer receive(void* data, size_t size) const;
  // Turns receive-queue hints on: for a TCP socket with TCP_INQ set (TcpStream does it).
  void set_receive_queue_hints(bool on) { receive_queue_hints_ = on; }

  // Runs `op()` (a syscall returning -1 with errno on failure, as a ssize_t or a Transfer)
  // once `dir` may make progress. Ready(value) on success, Ready(error) on a real failure,
  // Pending after registering the waker. `requested`: the bytes a stream read or write
  // asked for (0 for operations where a short result says nothing about the buffer, such as
  // accept).
  template <typename Op>
  Poll<absl::StatusOr<size_t>> poll_io(Context& cx, Direction dir, const char* what,
                                       size_t requested, Op&& op) {
    if (!coop::poll_proceed(cx)) return kPending;
    for (;;) {
      io::ReadyEvent seen = io_->snapshot(dir);
      if (seen.ready == 0) {
        // Known not ready (an earlier EAGAIN cleared it, and no event since): wait for
        // the reactor instead of paying for a syscall that would say EAGAIN again.
        if (io_->poll_ready(cx, dir).is_pending()) return kPending;
        continue;
      }
      Transfer t = as_transfer(op());
      if (t.n >= 0) {
        if (t.exhausted(requested)) io_->clear_readiness(seen, dir);
        return absl::StatusOr<size_t>(static_cast<size_t>(t.n));
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        return absl::StatusOr<size_t>(errno_error(errno, what));
      }
      io_->clear_readiness(seen, dir);
      if (io_->poll_ready(cx, dir).is_pending()) return kPending;
      // Readiness arrived between the syscall and the registration: try again.
    }
  }
  // Ready once `dir` is ready (or closed); registers the waker otherwise.
  Poll<void> poll_ready(Context& cx, Direction dir) {
    if (io_->poll_ready(cx, dir).is_pending()) return kPending;
    return Ready();
  }
  // For a caller doing its own syscall: take the snapshot before it, and clear with that
  // snapshot after EAGAIN (readiness that arrived in between is kept).
  io::ReadyEvent snapshot(Direction dir) const { return io_->snapshot(dir); }
  void clear_readiness(const io::ReadyEvent& seen, Direction dir) {
    io_->clear_readiness(seen, dir);
  }
  // Forgets the waker a pending operation of `dir` left behind (its future was destroyed).
  void clear_waker(Direction dir) {
    if (io_ != nullptr) io_->clear_waker(dir);
  }

 private:
  IoSource(int fd, io::ScheduledIo* io, io::Reactor* reactor)
      : fd_(fd), io_(io), reactor_(reactor) {}

  static Transfer as_transfer(ssize_t n) { return Transfer{n}; }
  static Transfer as_transfer(Transfer t) { return t; }

  int fd_ = -1;
  io::ScheduledIo* io_ = nullptr;
  io::Reactor* reactor_ = nullptr;
  bool receive_queue_hints_ = false;
};

// A future for one poll_io operation. `Op` is a small callable struct: called with the
// IoSource, it makes the syscall with its arguments; `requested()` is the bytes it asks
// for, 0 if a short result means nothing. Cancel-safety: destroying it while pending clears
// its waker; no bytes were transferred by a pending operation.
template <typename Op>
class IoFuture {
 public:
  IoFuture(IoSource* source, Direction dir, const char* what, Op op)
      : source_(source), dir_(dir), what_(what), op_(std::move(op)) {}
  IoFuture(IoFuture&& other) noexcept
      : source_(other.source_), dir_(other.dir_), what_(other.what_), op_(std::move(other.op_)) {}
  ~IoFuture() {
    if (waiting_) source_->clear_waker(dir_);
  }

  Poll<absl::StatusOr<size_t>> poll(Context& cx) {
    auto p = source_->poll_io(cx, dir_, what_, op_.requested(),
                              [this] { return op_(*source_); });
    waiting_ = p.is_pending();
    return p;
  }

 private:
  IoSource* source_;
  Direction dir_;
  const char* what_;
  Op op_;
  bool waiting_ = false;
};

}  // namespace corio::net
