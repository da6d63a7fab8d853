#include "redis/resp_connection.h"

#include <utility>

namespace corio::redis {
namespace {

// Read granularity: large enough for a pipelined batch of small replies in one read.
constexpr size_t kReadChunk = 64 * 1024;

}  // namespace

Task<absl::StatusOr<RespConnection>> RespConnection::connect(std::string address) {
  auto connecting = net::TcpStream::connect(std::move(address));
  auto stream = co_await connecting;
  if (!stream.ok()) co_return stream.status();
  co_return RespConnection(*std::move(stream));
}

Task<absl::StatusOr<RespConnection>> RespConnection::connect(std::string address,
                                                             std::chrono::nanoseconds timeout) {
  auto connecting = net::TcpStream::connect_timeout(std::move(address), timeout);
  auto stream = co_await connecting;
  if (!stream.ok()) co_return stream.status();
  co_return RespConnection(*std::move(stream));
}

absl::StatusOr<std::optional<Frame>> RespConnection::next_buffered() {
  if (in_.empty()) return std::optional<Frame>();
  FrameParser::Result r = parser_.parse(in_.readable_view());
  switch (r.status) {
    case ParseStatus::kComplete:
      in_.consume(r.consumed);
      return std::optional<Frame>(std::move(r.frame));
    case ParseStatus::kIncomplete:
      return std::optional<Frame>();
    case ParseStatus::kError:
    case ParseStatus::kQueryBufferFull:
      break;
  }
  return absl::DataLossError("the server's reply is not RESP: " + r.error);
}

Task<absl::Status> RespConnection::fill() {
  auto reading = stream_.read_buf(in_, kReadChunk);
  auto n = co_await reading;
  if (!n.ok()) co_return n.status();
  if (*n == 0) co_return absl::UnavailableError("connection closed by the server");
  co_return absl::OkStatus();
}

Task<absl::StatusOr<Frame>> RespConnection::read_frame() {
  for (;;) {
    auto frame = next_buffered();
    if (!frame.ok()) co_return frame.status();
    if (frame->has_value()) co_return **std::move(frame);
    // Read inline rather than through fill(): one coroutine frame less per read.
    auto reading = stream_.read_buf(in_, kReadChunk);
    auto n = co_await reading;
    if (!n.ok()) co_return n.status();
    if (*n == 0) co_return absl::UnavailableError("connection closed by the server");
  }
}

}  // namespace corio::redis
