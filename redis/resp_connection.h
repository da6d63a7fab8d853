// RespConnection: the client side of one connection to a Redis server: a TcpStream, the
// bytes read from it but not yet parsed, and the FrameParser that cuts them into replies.
// Client, Subscriber and the RequestManager's connection tasks are built on it.
//
//   auto conn = co_await RespConnection::connect("127.0.0.1:6379");
//   co_await conn->write_all(encode_command({"PING"}));
//   absl::StatusOr<Frame> reply = co_await conn->read_frame();
//
// Errors: connect failures as net:: statuses (kUnavailable for a refused connection,
// kDeadlineExceeded after a connect timeout, kInvalidArgument for a bad address); the
// server closing the connection is kUnavailable ("connection closed by the server");
// bytes that are not RESP are kDataLoss (the connection is then unusable: close it).
//
// Cancel-safety: read_frame() and fill() are cancel-safe (bytes read stay buffered for the
// next call); write_all() is not (a prefix may have been written).
// Threads: one reader and one writer at a time (they may be two coroutines of one task, as
// in the RequestManager); a RespConnection must be destroyed inside its runtime.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/byte_buffer.h"
#include "net/tcp.h"
#include "redis/frame.h"
#include "redis/resp_parser.h"
#include "runtime/task.h"

namespace corio::redis {

class RespConnection {
 public:
  RespConnection() = default;
  explicit RespConnection(net::TcpStream stream) : stream_(std::move(stream)) {}
  RespConnection(RespConnection&&) noexcept = default;
  RespConnection& operator=(RespConnection&&) noexcept = default;

  // Connects to "host:port" (a name is resolved on the blocking pool).
  static Task<absl::StatusOr<RespConnection>> connect(std::string address);
  // The same, giving up with kDeadlineExceeded after `timeout` (needs time enabled).
  static Task<absl::StatusOr<RespConnection>> connect(std::string address,
                                                      std::chrono::nanoseconds timeout);

  // Writes every byte of `bytes` (which must outlive the future). Not cancel-safe.
  net::WriteAllFuture write_all(std::string_view bytes) { return stream_.write_all(bytes); }

  // The next reply frame, reading as needed. Cancel-safe.
  Task<absl::StatusOr<Frame>> read_frame();

  // One whole frame from the bytes already read, or nullopt if they hold none yet.
  // kDataLoss if they are not RESP.
  absl::StatusOr<std::optional<Frame>> next_buffered();

  // Reads what the socket has (at least one byte): kUnavailable when the server closed
  // the connection. Cancel-safe.
  Task<absl::Status> fill();

  bool is_open() const { return stream_.is_open(); }
  // Closes the socket (the server sees end of stream).
  void close() { stream_.close(); }
  net::TcpStream& stream() { return stream_; }

 private:
  net::TcpStream stream_;
  net::ByteBuffer in_;
  FrameParser parser_;
};

}  // namespace corio::redis
