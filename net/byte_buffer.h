// ByteBuffer: a growable byte buffer with cheap consumption from the front (the role
// BytesMut plays in Rust), and a reserve/commit interface for reads:
//
//   auto space = buf.reserve(4096);            // writable span, at least 4096 bytes
//   ssize_t n = ::read(fd, space.data(), space.size());
//   buf.commit(n);                             // those bytes are now readable
//   parse(buf.readable()); buf.consume(used);  // O(1): advances the read offset
//
// Consumed space at the front is reclaimed by sliding the unread bytes down only when a
// reserve() would otherwise grow the allocation, so each byte is moved at most once per
// growth; an empty buffer resets for free. release() frees the storage (an idle
// connection keeps no buffer).
//
// Thread-safety: none; a buffer belongs to one task at a time.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <string_view>

namespace corio::net {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(ByteBuffer&&) noexcept = default;
  ByteBuffer& operator=(ByteBuffer&&) noexcept = default;

  // Bytes written and not yet consumed.
  std::span<const std::byte> readable() const { return {data_.get() + read_, write_ - read_}; }
  std::string_view readable_view() const {
    return {reinterpret_cast<const char*>(data_.get()) + read_, write_ - read_};
  }
  size_t size() const { return write_ - read_; }
  bool empty() const { return write_ == read_; }
  size_t capacity() const { return capacity_; }

  // Writable space of at least `min_bytes` after the readable bytes.
  std::span<std::byte> reserve(size_t min_bytes);
  // Marks `n` bytes of the last reserve() as written.
  void commit(size_t n);
  // Drops `n` bytes from the front.
  void consume(size_t n);
  // Appends a copy of `bytes`.
  void append(std::string_view bytes);
  // Frees the storage if nothing is unread.
  void release();

 private:
  std::unique_ptr<std::byte[]> data_;
  size_t capacity_ = 0;
  size_t read_ = 0;   // first unread byte
  size_t write_ = 0;  // one past the last written byte
};

}  // namespace corio::net
