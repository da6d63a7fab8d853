// Mutex<T>: an asynchronous mutual-exclusion lock that owns the value it protects.
//
//   Mutex<std::vector<int>> m;
//   auto guard = co_await m.lock();   // MutexGuard: waits without blocking the thread
//   guard->push_back(1);
//   co_await something();             // the guard may be held across co_await
//   // the guard's destructor unlocks
//
// Contract
// - lock() completes when the caller owns the lock, and yields a MutexGuard<T> giving
//   access to the value; destroying the guard unlocks. The guard may be held across
//   co_await points and may move to another task (it is a value); OwnedMutexGuard
//   (lock_owned) also keeps the Mutex alive through a shared_ptr.
// - Fair: waiters get the lock in the order they asked for it (a FIFO Semaphore of one
//   permit underneath), so no waiter starves.
// - try_lock() never waits: std::nullopt if the lock is held or others are waiting.
// - Unlike std::mutex, use it when the lock must be held across co_await; for short
//   critical sections that never await, std::mutex is cheaper.
//
// Cancellation: destroying a pending lock() future unlinks it; if the lock had just been
// handed to it, the lock passes on to the next waiter. Nothing else happens to the value.
//
// Memory ordering: everything written under one guard is visible under the next (the
// semaphore hands its permit over with release/acquire).
//
// Thread-safety: any thread may lock; a guard may be destroyed on any thread. The Mutex
// must outlive its guards (except OwnedMutexGuard) and pending lock() futures.
#pragma once

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "runtime/poll.h"
#include "runtime/waker.h"
#include "sync/semaphore.h"

namespace corio::sync {

template <typename T>
class Mutex;

// Exclusive access to a Mutex's value; unlocks when destroyed.
template <typename T>
class MutexGuard {
 public:
  MutexGuard(MutexGuard&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
  MutexGuard& operator=(MutexGuard&& other) noexcept {
    if (this != &other) {
      unlock();
      mutex_ = std::exchange(other.mutex_, nullptr);
    }
    return *this;
  }
  MutexGuard(const MutexGuard&) = delete;
  MutexGuard& operator=(const MutexGuard&) = delete;
  ~MutexGuard() { unlock(); }

  T& operator*() const { return mutex_->value_; }
  T* operator->() const { return &mutex_->value_; }

 private:
  friend class Mutex<T>;
  explicit MutexGuard(Mutex<T>* mutex) : mutex_(mutex) {}
  void unlock() {
    if (mutex_ != nullptr) std::exchange(mutex_, nullptr)->sem_.release(1);
  }
  Mutex<T>* mutex_;
};

// As MutexGuard, and keeps the Mutex alive.
template <typename T>
class OwnedMutexGuard {
 public:
  OwnedMutexGuard(OwnedMutexGuard&& other) noexcept = default;
  OwnedMutexGuard& operator=(OwnedMutexGuard&& other) noexcept {
    if (this != &other) {
      unlock();
      mutex_ = std::move(other.mutex_);
    }
    return *this;
  }
  ~OwnedMutexGuard() { unlock(); }

  T& operator*() const { return mutex_->value_; }
  T* operator->() const { return &mutex_->value_; }
  const std::shared_ptr<Mutex<T>>& mutex() const { return mutex_; }

 private:
  friend class Mutex<T>;
  explicit OwnedMutexGuard(std::shared_ptr<Mutex<T>> mutex) : mutex_(std::move(mutex)) {}
  void unlock() {
    if (mutex_) {
      mutex_->sem_.release(1);
      mutex_.reset();
    }
  }
  std::shared_ptr<Mutex<T>> mutex_;
};

template <typename T>
class Mutex {
 public:
  Mutex() requires std::is_default_constructible_v<T> : value_() {}
  explicit Mutex(T value) : value_(std::move(value)) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // Future of lock(): MutexGuard<T>.
  class Lock {
   public:
    explicit Lock(Mutex* mutex) : mutex_(mutex), request_(&mutex->sem_, 1) {}
    Poll<MutexGuard<T>> poll(Context& cx) {
      auto p = request_.poll(cx);
      if (p.is_pending()) return kPending;
      (void)p.take();  // never closed: always OK
      return MutexGuard<T>(mutex_);
    }

   private:
    Mutex* mutex_;
    PermitRequest request_;
  };

  // Future of lock_owned(): OwnedMutexGuard<T>.
  class LockOwned {
   public:
    explicit LockOwned(std::shared_ptr<Mutex> mutex)
        : mutex_(std::move(mutex)), request_(&mutex_->sem_, 1) {}
    LockOwned(LockOwned&& other) noexcept
        : mutex_(std::move(other.mutex_)), request_(std::move(other.request_)) {}
    Poll<OwnedMutexGuard<T>> poll(Context& cx) {
      auto p = request_.poll(cx);
      if (p.is_pending()) return kPending;
      (void)p.take();
      return OwnedMutexGuard<T>(mutex_);
    }

   private:
    std::shared_ptr<Mutex> mutex_;  // declared first: outlives request_
    PermitRequest request_;
  };

  // Waits for the lock (FIFO). Cancel-safe.
  Lock lock() { return Lock(this); }
  static LockOwned lock_owned(std::shared_ptr<Mutex> mutex) {
    return LockOwned(std::move(mutex));
  }

  // The lock if it is free and nobody waits for it; otherwise std::nullopt.
  std::optional<MutexGuard<T>> try_lock() {
    if (sem_.try_acquire_raw(1) != TryAcquireResult::kAcquired) return std::nullopt;
    return MutexGuard<T>(this);
  }

  // Direct access for a caller that knows nobody else can use the Mutex (no guards, no
  // other references), e.g. before sharing it or after every task using it finished.
  T& get_mut() { return value_; }

 private:
  friend class MutexGuard<T>;
  friend class OwnedMutexGuard<T>;
  Semaphore sem_{1};
  T value_;
};

}  // namespace corio::sync
