// RwLock<T>: an asynchronous, fair reader-writer lock that owns the value it protects.
//
//   RwLock<Config> cfg;
//   { auto r = co_await cfg.read();  use(*r); }            // shared: many at once
//   { auto w = co_await cfg.write(); w->reload(); }        // exclusive
//
// Contract
// - read() completes when the caller holds shared access (RwLockReadGuard, const T&);
//   write() when it holds exclusive access (RwLockWriteGuard, T&). Guards release on
//   destruction, may be held across co_await and may move between tasks.
// - Fair, phase-ordered: requests are served in arrival order (a FIFO Semaphore of
//   max_readers permits; a read takes one, a write takes all). A writer that waits blocks
//   the readers that come after it, so writers are not starved by a stream of readers,
//   and readers queued behind a writer all get in together once it is done.
// - At most max_readers (default kMaxReaders) readers at once.
// - try_read()/try_write() never wait: std::nullopt if the access is not free right now
//   or others are waiting.
// - RwLockWriteGuard::downgrade() turns exclusive access into shared access without
//   letting a writer in between.
//
// Cancellation: destroying a pending read()/write() unlinks it and returns whatever part
// of its permits it had been handed (a waiting writer collects reader permits as they are
// released), so the requests behind it proceed as if it had never asked.
//
// Memory ordering: writes made under a write guard are visible under every later guard.
//
// Thread-safety: any thread may lock; guards may be destroyed on any thread. The RwLock
// must outlive its guards and pending futures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "runtime/poll.h"
#include "runtime/waker.h"
#include "sync/semaphore.h"

namespace corio::sync {

template <typename T>
class RwLock;
template <typename T>
class RwLockWriteGuard;

// Shared access to an RwLock's value; releases when destroyed.
template <typename T>
class RwLockReadGuard {
 public:
  RwLockReadGuard(RwLockReadGuard&& other) noexcept : lock_(std::exchange(other.lock_, nullptr)) {}
  RwLockReadGuard& operator=(RwLockReadGuard&& other) noexcept {
    if (this != &other) {
      release();
      lock_ = std::exchange(other.lock_, nullptr);
    }
    return *this;
  }
  ~RwLockReadGuard() { release(); }

  const T& operator*() const { return lock_->value_; }
  const T* operator->() const { return &lock_->value_; }

 private:
  friend class RwLock<T>;
  friend class RwLockWriteGuard<T>;  // downgrade()
  explicit RwLockReadGuard(RwLock<T>* lock) : lock_(lock) {}
  void release() {
    if (lock_ != nullptr) std::exchange(lock_, nullptr)->sem_.release(1);
  }
  RwLock<T>* lock_;
};

// Exclusive access to an RwLock's value; releases when destroyed.
template <typename T>
class RwLockWriteGuard {
 public:
  RwLockWriteGuard(RwLockWriteGuard&& other) noexcept
      : lock_(std::exchange(other.lock_, nullptr)) {}
  RwLockWriteGuard& operator=(RwLockWriteGuard&& other) noexcept {
    if (this != &other) {
      release();
      lock_ = std::exchange(other.lock_, nullptr);
    }
    return *this;
  }
  ~RwLockWriteGuard() { release(); }

  T& operator*() const { return lock_->value_; }
  T* operator->() const { return &lock_->value_; }

  // Keeps one reader permit and gives back the rest: the waiters at the head of the queue
  // (readers) may join, a writer may not get in before this read guard is released.
  RwLockReadGuard<T> downgrade() && {
    RwLock<T>* lock = std::exchange(lock_, nullptr);
    lock->sem_.release(lock->max_readers_ - 1);
    return RwLockReadGuard<T>(lock);
  }

 private:
  friend class RwLock<T>;
  explicit RwLockWriteGuard(RwLock<T>* lock) : lock_(lock) {}
  void release() {
    if (lock_ != nullptr) {
      RwLock<T>* lock = std::exchange(lock_, nullptr);
      lock->sem_.release(lock->max_readers_);
    }
  }
  RwLock<T>* lock_;
};

template <typename T>
class RwLock {
 public:
  static constexpr size_t kMaxReaders = UINT32_MAX >> 3;

  RwLock() requires std::is_default_constructible_v<T> : RwLock(T()) {}
  explicit RwLock(T value, size_t max_readers = kMaxReaders)
      : max_readers_(checked(max_readers)), sem_(max_readers), value_(std::move(value)) {}
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  // Future of read(): RwLockReadGuard<T>.
  class Read {
   public:
    explicit Read(RwLock* lock) : lock_(lock), request_(&lock->sem_, 1) {}
    Poll<RwLockReadGuard<T>> poll(Context& cx) {
      auto p = request_.poll(cx);
      if (p.is_pending()) return kPending;
      (void)p.take();  // never closed
      return RwLockReadGuard<T>(lock_);
    }

   private:
    RwLock* lock_;
    PermitRequest request_;
  };

  // Future of write(): RwLockWriteGuard<T>.
  class Write {
   public:
    explicit Write(RwLock* lock) : lock_(lock), request_(&lock->sem_, lock->max_readers_) {}
    Poll<RwLockWriteGuard<T>> poll(Context& cx) {
      auto p = request_.poll(cx);
      if (p.is_pending()) return kPending;
      (void)p.take();
      return RwLockWriteGuard<T>(lock_);
    }

   private:
    RwLock* lock_;
    PermitRequest request_;
  };

  Read read() { return Read(this); }
  Write write() { return Write(this); }

  std::optional<RwLockReadGuard<T>> try_read() {
    if (sem_.try_acquire_raw(1) != TryAcquireResult::kAcquired) return std::nullopt;
    return RwLockReadGuard<T>(this);
  }
  std::optional<RwLockWriteGuard<T>> try_write() {
    if (sem_.try_acquire_raw(max_readers_) != TryAcquireResult::kAcquired) return std::nullopt;
    return RwLockWriteGuard<T>(this);
  }

  // Direct access when nobody else can use the lock (see Mutex::get_mut).
  T& get_mut() { return value_; }

 private:
  friend class RwLockReadGuard<T>;
  friend class RwLockWriteGuard<T>;
  static size_t checked(size_t max_readers) {
    if (max_readers == 0 || max_readers > Semaphore::kMaxPermits) {
      throw std::invalid_argument("RwLock: max_readers must be in [1, kMaxPermits]");
    }
    return max_readers;
  }
  const size_t max_readers_;
  Semaphore sem_;
  T value_;
};

}  // namespace corio::sync
