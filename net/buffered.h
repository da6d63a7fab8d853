// BufReader and BufWriter: buffering over any stream with Stream's read_buf/write_all.
//
//   BufReader reader(stream);
//   std::string line;
//   auto n = co_await reader.read_line(line);   // 0: end of stream
//
//   BufWriter writer(stream);
//   co_await writer.write("PING\r\n"); co_await writer.flush();
//
// Cancel-safety: read_until/read_line keep what they already appended to `out` (like
// Tokio's), and nothing is lost from the buffer: a cancelled call followed by a new one
// continues where the first stopped. BufWriter::write only copies into the buffer unless
// it is full; flush is NOT cancel-safe (a prefix may have been written).
// Threads: one task at a time.
#pragma once

#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/byte_buffer.h"
#include "runtime/task.h"

namespace corio::net {

template <typename S>
class BufReader {
 public:
  explicit BufReader(S& stream, size_t chunk = 8192) : stream_(stream), chunk_(chunk) {}

  // Appends bytes up to and including `delim` to `out`; returns how many were appended
  // (0 at end of stream; fewer than a full line if the stream ended mid-line).
  Task<absl::StatusOr<size_t>> read_until(char delim, std::string& out) {
    size_t appended = 0;
    for (;;) {
      std::string_view avail = buffer_.readable_view();
      size_t pos = avail.find(delim);
      if (pos != std::string_view::npos) {
        out.append(avail.substr(0, pos + 1));
        buffer_.consume(pos + 1);
        co_return appended + pos + 1;
      }
      out.append(avail);
      appended += avail.size();
      buffer_.consume(avail.size());
      auto reading = stream_.read_buf(buffer_, chunk_);
      auto n = co_await reading;
      if (!n.ok()) co_return n.status();
      if (*n == 0) co_return appended;
    }
  }
  Task<absl::StatusOr<size_t>> read_line(std::string& out) { return read_until('\n', out); }

  // Reads up to out.size() bytes, from the buffer first.
  Task<absl::StatusOr<size_t>> read(std::span<std::byte> out) {
    if (buffer_.empty()) {
      auto reading = stream_.read_buf(buffer_, std::max(chunk_, out.size()));
      auto n = co_await reading;
      if (!n.ok() || *n == 0) co_return n;
    }
    auto avail = buffer_.readable();
    size_t n = std::min(avail.size(), out.size());
    std::memcpy(out.data(), avail.data(), n);
    buffer_.consume(n);
    co_return n;
  }

  ByteBuffer& buffer() { return buffer_; }
  S& get() { return stream_; }

 private:
  S& stream_;
  size_t chunk_;
  ByteBuffer buffer_;
};

template <typename S>
class BufWriter {
 public:
  explicit BufWriter(S& stream, size_t capacity = 8192) : stream_(stream), capacity_(capacity) {}

  // Buffers `data`; writes the buffer out first if it would overflow, and writes large
  // data straight through.
  Task<absl::Status> write(std::string_view data) {
    if (buffer_.size() + data.size() > capacity_) {
      absl::Status s = co_await flush();
      if (!s.ok()) co_return s;
      if (data.size() >= capacity_) {
        auto writing = stream_.write_all(data);
        co_return co_await writing;
      }
    }
    buffer_.append(data);
    co_return absl::OkStatus();
  }
  // Writes everything buffered.
  Task<absl::Status> flush() {
    if (buffer_.empty()) co_return absl::OkStatus();
    auto writing = stream_.write_all(buffer_.readable());
    absl::Status s = co_await writing;
    if (s.ok()) buffer_.consume(buffer_.size());
    co_return s;
  }

  size_t buffered() const { return buffer_.size(); }
  S& get() { return stream_; }

 private:
  S& stream_;
  size_t capacity_;
  ByteBuffer buffer_;
};

// Copies from `reader` to `writer` until end of stream; returns the bytes copied.
template <typename R, typename W>
Task<absl::StatusOr<uint64_t>> copy(R& reader, W& writer, size_t chunk = 16384) {
  ByteBuffer buffer;
  uint64_t total = 0;
  for (;;) {
    auto reading = reader.read_buf(buffer, chunk);
    auto n = co_await reading;
    if (!n.ok()) co_return n.status();
    if (*n == 0) co_return total;
    auto writing = writer.write_all(buffer.readable());
    absl::Status s = co_await writing;
    if (!s.ok()) co_return s;
    total += buffer.size();
    buffer.consume(buffer.size());
  }
}

}  // namespace corio::net
