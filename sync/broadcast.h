// broadcast: a multi-producer, multi-consumer channel where every receiver sees every
// value (each gets its own copy).
//
//   auto [tx, rx] = broadcast::channel<Event>(64);
//   auto rx2 = tx.subscribe();               // sees values sent from now on
//   (void)tx.send(ev);                       // never waits
//   broadcast::RecvResult<Event> r = co_await rx.recv();
//   if (r.ok()) use(*r);
//   else if (r.error().kind == broadcast::RecvErrorKind::kLagged) ...;  // r.error().missed
//
// Contract
// - The channel keeps the last `capacity` values (rounded up to a power of two) in a ring.
//   send() never waits: it overwrites the oldest slot. A receiver that falls more than
//   capacity values behind has lost the overwritten ones: its next recv() returns
//   RecvError{kLagged, missed} once, and the following recv() continues with the oldest
//   value still held.
// - send(v) fails with SendError{v} (value back) when there is no receiver; a value sent
//   with no receiver would be seen by nobody.
// - Sender::subscribe() / Receiver::resubscribe() make a receiver that starts with the next
//   value sent. Senders are copyable.
// - When every Sender is gone, receivers get the values still held for them, then
//   RecvError{kClosed}. try_recv() never waits: kEmpty when nothing new has been sent.
// - T must be copy-constructible: receivers get copies. A value stays in its slot until it
//   is overwritten or the channel is destroyed.
//
// Cancellation: recv() is cancel-safe: a value is consumed (the receiver's position
// advances) only in the poll that returns it; a cancelled recv() unlinks its waiter.
//
// Thread-safety: any number of senders on any threads; each Receiver is used by one task
// at a time; receivers may be on different workers or threads. The recv() future borrows
// its Receiver, which must outlive it.
//
// Implementation: each slot has its own reader-writer lock; a receiver copies a value
// under the slot's shared lock and only takes the channel lock (`tail`) when it has caught
// up (to register its waker) or has fallen behind (to find the oldest value). A send takes
// the channel lock, fills the slot under its exclusive lock, and wakes the registered
// receivers after unlocking, in batches.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "runtime/coop.h"
#include "runtime/poll.h"
#include "runtime/waker.h"
#include "sync/internal/wake_batch.h"
#include "sync/wait_list.h"

namespace corio::sync::broadcast {

template <typename T>
struct SendError {
  T value;
};

enum class RecvErrorKind {
  kClosed,  // every sender is gone and this receiver has seen everything
  kLagged,  // `missed` values were overwritten before this receiver got them
  kEmpty,   // try_recv only: nothing new yet
};

struct RecvError {
  RecvErrorKind kind;
  uint64_t missed = 0;  // kLagged only
};

// A received value or the reason there is none.
template <typename T>
class RecvResult {
 public:
  RecvResult(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  RecvResult(RecvError error) : v_(std::in_place_index<1>, error) {}     // NOLINT

  bool ok() const { return v_.index() == 0; }
  T& operator*() { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  // std::bad_variant_access if !ok().
  T& value() { return std::get<0>(v_); }
  // Requires !ok().
  RecvError error() const { return std::get<1>(v_); }

 private:
  std::variant<T, RecvError> v_;
};

// Largest capacity (before rounding up).
inline constexpr size_t kMaxCapacity = size_t{1} << 30;

namespace internal {

template <typename T>
class Shared;

// A receiver's registration in the channel's wait list (embedded in its recv() future).
struct Waiter {
  struct Node : WaitNode {
    explicit Node(Waiter* w) : waiter(w) {}
    Waiter* waiter;
  };
  Node node{this};
  Waker waker;  // guarded by the channel's tail lock while queued
  // Set under the tail lock when linked; cleared by the sender that unlinks it, after it
  // took the waker. Ordering: release by that sender, acquire by the owner's destructor.
  std::atomic<bool> queued{false};
};

template <typename T>
class Shared {
 public:
  explicit Shared(size_t capacity)
      : mask_(std::bit_ceil(capacity) - 1), slots_(new Slot[mask_ + 1]) {}

  uint64_t capacity() const { return mask_ + 1; }

  std::optional<SendError<T>> send(T value) {
    sync::internal::WakeBatch batch;
    std::unique_lock<std::mutex> lock(tail_mu_);
    if (rx_count_ == 0) return SendError<T>{std::move(value)};
    uint64_t pos = tail_pos_;
    Slot& slot = slots_[pos & mask_];
    {
      std::unique_lock<std::shared_mutex> slot_lock(slot.lock);
      slot.pos = pos;
      slot.value.emplace(std::move(value));
    }
    tail_pos_ = pos + 1;
    wake_all_locked(lock, batch);
    return std::nullopt;
  }

  // One look at position `next`: a value (next advances), kLagged (next jumps to the
  // oldest held), kClosed, or kEmpty. If `waiter` is given and the result would be kEmpty,
  // it is registered instead (then kEmpty means "registered").
  RecvResult<T> try_recv(uint64_t& next, Waiter* waiter, const Waker* waker) {
    Slot& slot = slots_[next & mask_];
    {
      std::shared_lock<std::shared_mutex> slot_lock(slot.lock);
      if (slot.pos == next) {
        RecvResult<T> out(*slot.value);  // a copy: others read it too
        ++next;
        return out;
      }
    }
    std::lock_guard<std::mutex> lock(tail_mu_);
    // Lock order: tail, then slot (as in send).
    {
      std::shared_lock<std::shared_mutex> slot_lock(slot.lock);
      if (slot.pos == next) {
        RecvResult<T> out(*slot.value);
        ++next;
        return out;
      }
    }
    if (next >= tail_pos_) {
      // Caught up: every value before tail_pos_ is in its slot by now.
      if (closed_) return RecvError{RecvErrorKind::kClosed};
      if (waiter != nullptr) {
        if (!waiter->waker.will_wake(*waker)) waiter->waker = *waker;
        if (!waiter->node.is_linked()) {
          waiters_.push_back(&waiter->node);
          waiter->queued.store(true, std::memory_order_relaxed);
        }
      }
      return RecvError{RecvErrorKind::kEmpty};
    }
    // Behind by more than the ring: the slot holds a later lap.
    uint64_t oldest = tail_pos_ - capacity();
    uint64_t missed = oldest - next;
    next = oldest;
    return RecvError{RecvErrorKind::kLagged, missed};
  }

  void unlink(Waiter* waiter) {
    // Ordering: acquire pairs with the release in wake_all_locked.
    if (!waiter->queued.load(std::memory_order_acquire)) return;
    std::lock_guard<std::mutex> lock(tail_mu_);
    WaitList::unlink(&waiter->node);
    waiter->waker = Waker();
  }

  // Receivers and senders come and go under the tail lock.
  uint64_t add_receiver() {
    std::lock_guard<std::mutex> lock(tail_mu_);
    ++rx_count_;
    return tail_pos_;
  }
  void drop_receiver() {
    std::lock_guard<std::mutex> lock(tail_mu_);
    --rx_count_;
  }
  size_t receiver_count() {
    std::lock_guard<std::mutex> lock(tail_mu_);
    return rx_count_;
  }
  void add_sender() {
    // Ordering: relaxed; the new sender is copied from a live one.
    tx_count_.fetch_add(1, std::memory_order_relaxed);
  }
  void drop_sender() {
    // Ordering: acq_rel; the last sender's close must follow every send.
    if (tx_count_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    sync::internal::WakeBatch batch;
    std::unique_lock<std::mutex> lock(tail_mu_);
    closed_ = true;
    wake_all_locked(lock, batch);
  }

 private:
  struct Slot {
    std::shared_mutex lock;
    uint64_t pos = ~uint64_t{0};  // guarded by lock: the position held (~0: none yet)
    std::optional<T> value;       // guarded by lock
  };

  // Wakes every receiver registered now (not ones that register while this runs), in
  // batches, unlocking in between. Leaves `lock` unlocked.
  void wake_all_locked(std::unique_lock<std::mutex>& lock, sync::internal::WakeBatch& batch) {
    if (waiters_.empty()) {
      lock.unlock();
      return;
    }
    WaitList current;
    waiters_.move_all_to(current);
    for (;;) {
      while (!batch.full()) {
        WaitNode* node = current.pop_front();
        if (node == nullptr) break;
        Waiter* waiter = static_cast<Waiter::Node*>(node)->waiter;
        batch.push(std::move(waiter->waker));
        // Ordering: release pairs with unlink()'s acquire; the waiter may go away after.
        waiter->queued.store(false, std::memory_order_release);
      }
      if (current.empty()) break;
      lock.unlock();
      batch.wake_all();
      lock.lock();
    }
    lock.unlock();
    batch.wake_all();
  }

  const uint64_t mask_;
  const std::unique_ptr<Slot[]> slots_;
  std::mutex tail_mu_;
  uint64_t tail_pos_ = 0;  // guarded by tail_mu_: position of the next send
  size_t rx_count_ = 1;    // guarded by tail_mu_
  bool closed_ = false;    // guarded by tail_mu_
  WaitList waiters_;       // guarded by tail_mu_: Waiter::node of caught-up receivers
  std::atomic<size_t> tx_count_{1};
};

}  // namespace internal

template <typename T>
class Receiver;

template <typename T>
class Sender {
 public:
  Sender(const Sender& other) : shared_(other.shared_) {
    if (shared_) shared_->add_sender();
  }
  Sender(Sender&&) noexcept = default;
  Sender& operator=(const Sender& other) {
    if (this != &other) *this = Sender(other);
    return *this;
  }
  Sender& operator=(Sender&& other) noexcept {
    if (this != &other) {
      reset();
      shared_ = std::move(other.shared_);
    }
    return *this;
  }
  ~Sender() { reset(); }

  // Never waits. SendError{value} if there is no receiver.
  std::optional<SendError<T>> send(T value) const { return shared_->send(std::move(value)); }
  // A receiver that sees values sent from now on.
  Receiver<T> subscribe() const;
  size_t receiver_count() const { return shared_->receiver_count(); }

 private:
  template <typename U>
  friend std::pair<Sender<U>, Receiver<U>> channel(size_t);
  explicit Sender(std::shared_ptr<internal::Shared<T>> shared) : shared_(std::move(shared)) {}
  void reset() {
    if (shared_) {
      shared_->drop_sender();
      shared_.reset();
    }
  }
  std::shared_ptr<internal::Shared<T>> shared_;
};

template <typename T>
class Receiver {
 public:
  Receiver(Receiver&& other) noexcept : shared_(std::move(other.shared_)), next_(other.next_) {}
  Receiver& operator=(Receiver&& other) noexcept {
    if (this != &other) {
      reset();
      shared_ = std::move(other.shared_);
      next_ = other.next_;
    }
    return *this;
  }
  ~Receiver() { reset(); }

  // Future of recv(): RecvResult<T>. Cancel-safe.
  class Recv {
   public:
    explicit Recv(Receiver* rx) : rx_(rx) {}
    // Movable only before its first poll.
    Recv(Recv&& other) noexcept : rx_(other.rx_) {}
    ~Recv() { rx_->shared_->unlink(&waiter_); }

    Poll<RecvResult<T>> poll(Context& cx) {
      if (!coop::poll_proceed(cx)) return kPending;
      RecvResult<T> r = rx_->shared_->try_recv(rx_->next_, &waiter_, &cx.waker());
      if (!r.ok() && r.error().kind == RecvErrorKind::kEmpty) return kPending;
      return r;
    }

   private:
    Receiver* rx_;
    internal::Waiter waiter_;
  };

  // The next value, or RecvError{kLagged, n} once after falling behind, or kClosed.
  Recv recv() { return Recv(this); }
  // Never waits: as recv(), plus RecvError{kEmpty}.
  RecvResult<T> try_recv() { return shared_->try_recv(next_, nullptr, nullptr); }
  // A new receiver starting at the next value sent.
  Receiver resubscribe() const { return Receiver(shared_, shared_->add_receiver()); }

 private:
  friend class Sender<T>;
  template <typename U>
  friend std::pair<Sender<U>, Receiver<U>> channel(size_t);
  Receiver(std::shared_ptr<internal::Shared<T>> shared, uint64_t next)
      : shared_(std::move(shared)), next_(next) {}
  void reset() {
    if (shared_) {
      shared_->drop_receiver();
      shared_.reset();
    }
  }
  std::shared_ptr<internal::Shared<T>> shared_;
  uint64_t next_ = 0;  // position of the next value to receive
};

template <typename T>
Receiver<T> Sender<T>::subscribe() const {
  return Receiver<T>(shared_, shared_->add_receiver());
}

// A channel holding the last `capacity` values (rounded up to a power of two), with one
// sender and one receiver to start with. 1 <= capacity <= kMaxCapacity.
template <typename T>
std::pair<Sender<T>, Receiver<T>> channel(size_t capacity) {
  static_assert(std::is_copy_constructible_v<T>, "broadcast receivers get copies");
  if (capacity == 0 || capacity > kMaxCapacity) {
    throw std::invalid_argument("broadcast::channel: capacity must be in [1, kMaxCapacity]");
  }
  auto shared = std::make_shared<internal::Shared<T>>(capacity);
  return {Sender<T>(shared), Receiver<T>(shared, 0)};
}

}  // namespace corio::sync::broadcast
