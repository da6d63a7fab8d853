// Stream: a connected, non-blocking byte stream (TCP or Unix) on the runtime's reactor.
//
//   auto n = co_await stream.read(buf);              // StatusOr<size_t>; 0 = end of stream
//   absl::Status s = co_await stream.write_all(bytes);
//
// Every operation returns a future; a future borrows the Stream (which must outlive it).
// Cancel-safety, per operation (what destroying a pending future leaves behind):
//  - read, read_buf, write, writev: cancel-safe. Nothing was transferred; no waker stays.
//  - read_exact: NOT cancel-safe: bytes already copied into the caller's buffer are lost
//    to the stream (the caller still has them, but not the count).
//  - write_all: NOT cancel-safe: a prefix may have been written.
// Threads: one reader and one writer at a time (into_split() gives each its own half).
// Writes use MSG_NOSIGNAL: a closed peer is an EPIPE status, never a SIGPIPE.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/byte_buffer.h"
#include "net/io_source.h"
#include "net/socket_addr.h"

namespace corio::net {

struct ReadOp {
  std::byte* data;
  size_t size;
  Transfer operator()(const IoSource& source) const;
  size_t requested() const { return size; }
};
struct WriteOp {
  const std::byte* data;
  size_t size;
  ssize_t operator()(const IoSource& source) const;
  size_t requested() const { return size; }
};
struct WritevOp {
  const iovec* iov;
  int count;
  ssize_t operator()(const IoSource& source) const;
  size_t requested() const;
};

using ReadFuture = IoFuture<ReadOp>;
using WriteFuture = IoFuture<WriteOp>;
using WritevFuture = IoFuture<WritevOp>;

// Reads into the free space of a ByteBuffer and commits what arrived.
class ReadBufFuture {
 public:
  ReadBufFuture(IoSource* source, ByteBuffer* buffer, size_t min_free)
      : source_(source), buffer_(buffer), min_free_(min_free) {}
  ReadBufFuture(ReadBufFuture&&) noexcept = default;
  ~ReadBufFuture() {
    if (waiting_) source_->clear_waker(Direction::kRead);
  }
  Poll<absl::StatusOr<size_t>> poll(Context& cx);

 private:
  IoSource* source_;
  ByteBuffer* buffer_;
  size_t min_free_;
  bool waiting_ = false;
};

// Loops until `size` bytes moved; Status (OutOfRange "unexpected end of stream" for a
// read_exact that meets EOF, "write returned 0" never happens on sockets).
class ReadExactFuture {
 public:
  ReadExactFuture(IoSource* source, std::span<std::byte> out) : source_(source), out_(out) {}
  ReadExactFuture(ReadExactFuture&&) noexcept = default;
  ~ReadExactFuture() {
    if (waiting_) source_->clear_waker(Direction::kRead);
  }
  Poll<absl::Status> poll(Context& cx);

 private:
  IoSource* source_;
  std::span<std::byte> out_;
  size_t done_ = 0;
  bool waiting_ = false;
};

class WriteAllFuture {
 public:
  WriteAllFuture(IoSource* source, std::span<const std::byte> data)
      : source_(source), data_(data) {}
  WriteAllFuture(WriteAllFuture&&) noexcept = default;
  ~WriteAllFuture() {
    if (waiting_) source_->clear_waker(Direction::kWrite);
  }
  Poll<absl::Status> poll(Context& cx);

 private:
  IoSource* source_;
  std::span<const std::byte> data_;
  size_t done_ = 0;
  bool waiting_ = false;
};

// Ready once the stream has bytes to read (or is closed), without reading or reserving a
// buffer: an idle connection waits on this holding no memory for input. Cancel-safe.
class ReadableFuture {
 public:
  explicit ReadableFuture(IoSource* source) : source_(source) {}
  ReadableFuture(ReadableFuture&&) noexcept = default;
  ~ReadableFuture() {
    if (waiting_) source_->clear_waker(Direction::kRead);
  }
  Poll<void> poll(Context& cx) {
    auto p = source_->poll_ready(cx, Direction::kRead);
    waiting_ = p.is_pending();
    return p;
  }

 private:
  IoSource* source_;
  bool waiting_ = false;
};

inline std::span<const std::byte> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

class Stream {
 public:
  Stream() = default;
  explicit Stream(IoSource source) : source_(std::move(source)) {}
  Stream(Stream&&) noexcept = default;
  Stream& operator=(Stream&&) noexcept = default;

  ReadFuture read(std::span<std::byte> buf) {
    return ReadFuture(&source_, Direction::kRead, "read", ReadOp{buf.data(), buf.size()});
  }
  ReadFuture read(char* data, size_t size) {
    return read(std::span<std::byte>(reinterpret_cast<std::byte*>(data), size));
  }
  // Reads what is available (at least 1 byte, or 0 at EOF) into `buffer`'s free space,
  // growing it to at least `min_free` free bytes first.
  ReadBufFuture read_buf(ByteBuffer& buffer, size_t min_free = 4096) {
    return ReadBufFuture(&source_, &buffer, min_free);
  }
  ReadExactFuture read_exact(std::span<std::byte> out) { return ReadExactFuture(&source_, out); }
  // See ReadableFuture. Readiness may be stale (edge-triggered); follow with try_read_buf.
  ReadableFuture readable() { return ReadableFuture(&source_); }
  // One non-blocking read into `buffer` (reserving `min_free`): bytes read, 0 at end of
  // stream, or an error whose errno_of() is EAGAIN when nothing was there (the reserved
  // space is then the caller's to release).
  absl::StatusOr<size_t> try_read_buf(ByteBuffer& buffer, size_t min_free = 4096);
  // One non-blocking write: bytes written, or an error whose errno_of() is EAGAIN when the
  // socket buffer is full (then await write/write_all for the rest).
  absl::StatusOr<size_t> try_write(std::span<const std::byte> data);
  WriteFuture write(std::span<const std::byte> data) {
    return WriteFuture(&source_, Direction::kWrite, "write", WriteOp{data.data(), data.size()});
  }
  WriteAllFuture write_all(std::span<const std::byte> data) {
    return WriteAllFuture(&source_, data);
  }
  WriteAllFuture write_all(std::string_view data) { return write_all(as_bytes(data)); }
  // Gathered write of up to `count` buffers (the iovec array must outlive the future).
  WritevFuture writev(const iovec* iov, int count) {
    return WritevFuture(&source_, Direction::kWrite, "writev", WritevOp{iov, count});
  }
  // Shuts down the write side (the peer reads end of stream); reads still work.
  absl::Status shutdown_write();

  absl::StatusOr<SocketAddr> local_addr() const;
  absl::StatusOr<SocketAddr> peer_addr() const;
  int fd() const { return source_.fd(); }
  bool is_open() const { return source_.valid(); }
  void close() { source_.reset(); }

 protected:
  IoSource source_;
};

// The halves of a Stream split for two tasks (into_split). Both share the stream; it is
// closed when both are gone. Dropping the write half shuts down the write side (as
// Tokio's does), so the peer sees end of stream.
class ReadHalf {
 public:
  explicit ReadHalf(std::shared_ptr<Stream> s) : stream_(std::move(s)) {}
  ReadFuture read(std::span<std::byte> buf) { return stream_->read(buf); }
  ReadBufFuture read_buf(ByteBuffer& b, size_t min_free = 4096) {
    return stream_->read_buf(b, min_free);
  }
  ReadExactFuture read_exact(std::span<std::byte> out) { return stream_->read_exact(out); }

 private:
  std::shared_ptr<Stream> stream_;
};

class WriteHalf {
 public:
  explicit WriteHalf(std::shared_ptr<Stream> s) : stream_(std::move(s)) {}
  WriteHalf(WriteHalf&&) noexcept = default;
  WriteHalf& operator=(WriteHalf&&) noexcept = default;
  ~WriteHalf() {
    if (stream_ != nullptr) (void)stream_->shutdown_write();
  }
  WriteFuture write(std::span<const std::byte> data) { return stream_->write(data); }
  WriteAllFuture write_all(std::span<const std::byte> data) { return stream_->write_all(data); }
  WriteAllFuture write_all(std::string_view data) { return stream_->write_all(data); }
  WritevFuture writev(const iovec* iov, int count) { return stream_->writev(iov, count); }
  absl::Status shutdown_write() { return stream_->shutdown_write(); }

 private:
  std::shared_ptr<Stream> stream_;
};

struct SplitStream {
  ReadHalf read;
  WriteHalf write;
};

// Splits a stream into halves usable from two tasks at once.
SplitStream into_split(Stream stream);

}  // namespace corio::net
