#include "net/byte_buffer.h"

#include <algorithm>

namespace corio::net {

std::span<std::byte> ByteBuffer::reserve(size_t min_bytes) {
  if (capacity_ - write_ >= min_bytes) return {data_.get() + write_, capacity_ - write_};
  size_t unread = write_ - read_;
  if (capacity_ - unread >= min_bytes && read_ > 0) {
    // Enough room once the consumed front is reclaimed.
    std::memmove(data_.get(), data_.get() + read_, unread);
  } else {
    size_t wanted = std::max({capacity_ * 2, unread + min_bytes, size_t{64}});
    auto bigger = std::make_unique_for_overwrite<std::byte[]>(wanted);
    if (unread > 0) std::memcpy(bigger.get(), data_.get() + read_, unread);
    data_ = std::move(bigger);
    capacity_ = wanted;
  }
  read_ = 0;
  write_ = unread;
  return {data_.get() + write_, capacity_ - write_};
}

void ByteBuffer::commit(size_t n) {
  if (n > capacity_ - write_) throw std::out_of_range("ByteBuffer::commit past reserved space");
  write_ += n;
}

void ByteBuffer::consume(size_t n) {
  if (n > write_ - read_) throw std::out_of_range("ByteBuffer::consume past readable bytes");
  read_ += n;
  if (read_ == write_) read_ = write_ = 0;  // empty: reuse from the start for free
}

void ByteBuffer::append(std::string_view bytes) {
  auto space = reserve(bytes.size());
  if (!bytes.empty()) std::memcpy(space.data(), bytes.data(), bytes.size());
  commit(bytes.size());
}

void ByteBuffer::release() {
  if (!empty()) return;
  data_.reset();
  capacity_ = read_ = write_ = 0;
}

}  // namespace corio::net
