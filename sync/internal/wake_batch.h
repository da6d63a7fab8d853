// WakeBatch: wakers collected under a primitive's lock, woken after it is released.
//
// Waking a task can take a scheduler lock or a futex syscall, so sync primitives never wake
// while holding their own lock. A batch holds up to kCapacity wakers inline (no
// allocation); a caller that may have more waiters than that works in rounds: fill the
// batch under the lock, unlock, wake_all(), lock again and continue.
//
// Thread-safety: a WakeBatch is a local value of one thread.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include "runtime/waker.h"

namespace corio::sync::internal {

class WakeBatch {
 public:
  static constexpr size_t kCapacity = 32;

  WakeBatch() = default;
  WakeBatch(const WakeBatch&) = delete;
  WakeBatch& operator=(const WakeBatch&) = delete;
  // Wakes whatever is left: callers cannot forget a waker on an early return.
  ~WakeBatch() { wake_all(); }

  bool full() const { return size_ == kCapacity; }
  bool empty() const { return size_ == 0; }

  // Requires !full(). Empty wakers are skipped.
  void push(Waker waker) {
    if (waker) wakers_[size_++] = std::move(waker);
  }

  // Wakes every collected waker and empties the batch. Call it without holding locks.
  void wake_all() {
    for (size_t i = 0; i < size_; ++i) wakers_[i].wake();
    size_ = 0;
  }

 private:
  std::array<Waker, kCapacity> wakers_;
  size_t size_ = 0;
};

}  // namespace corio::sync::internal
