// oneshot: a channel for exactly one value, from one Sender to one Receiver.
//
//   auto [tx, rx] = oneshot::channel<int>();
//   tx.send(5);                          // from anywhere
//   absl::StatusOr<int> v = co_await rx; // 5, or CancelledError if tx died unsent
//
// - Sender::send(v) returns std::nullopt on success, or gives `v` back (SendError) if the
//   Receiver is already gone.
// - Awaiting the Receiver yields the value, or absl::CancelledError when the Sender was
//   destroyed without sending. try_recv() never waits: UnavailableError while empty.
// - Sender::closed() completes when the Receiver is destroyed (lets a producer stop early).
//
// Implementation: one allocation shared by both ends, one state word. A send to a receiver
// that is not waiting yet sets VALUE and TX_GONE with one CAS, and a receiver that has seen
// TX_GONE frees the block without another RMW: one locked instruction per round trip on
// that path. The value slot is
// written by the sender before it sets VALUE (release) and read by the receiver after it
// sees VALUE (acquire); each waker slot belongs to its owner while its *_WAKER bit is clear
// and is only read by the other side while it is set.
//
// Cancellation: destroying a pending `co_await rx` leaves the channel usable (the value,
// if sent later, stays for a later await or try_recv). Destroying the Receiver drops an
// unread value.
// Thread-safety: Sender and Receiver may live on different threads; each end is used by one
// thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/poll.h"
#include "runtime/waker.h"

namespace corio::sync::oneshot {

template <typename T>
struct SendError {
  T value;
};

namespace internal {

template <typename T>
class Shared {
 public:
  static constexpr uint32_t kRxWaker = 1 << 0;  // rx_waker_ set; the sender may read it
  static constexpr uint32_t kTxWaker = 1 << 1;  // tx_waker_ set; the receiver may read it
  static constexpr uint32_t kValue = 1 << 2;    // value_ written
  static constexpr uint32_t kTxGone = 1 << 3;   // Sender destroyed
  static constexpr uint32_t kRxGone = 1 << 4;   // Receiver destroyed
  static constexpr uint32_t kTxWaking = 1 << 5; // Sender left and is still waking rx_waker_
  static constexpr uint32_t kRxWaking = 1 << 6; // Receiver left and is still waking tx_waker_

  // Sends and gives up the sender's interest (drop_sender) in one go.
  std::optional<SendError<T>> send_and_drop(T value) {
    uint32_t s = state_.load(std::memory_order_acquire);
    if (s & kRxGone) {
      SendError<T> back{std::move(value)};
      drop_sender();
      return back;
    }
    value_.emplace(std::move(value));
    if ((s & kRxWaker) == 0) {
      // Nobody to wake: publish the value and leave with one RMW. After it the receiver
      // may free the block at any moment, so this path must not touch it again.
      // Ordering: release publishes value_ to the receiver's acquire of kValue.
      if (state_.compare_exchange_strong(s, s | kValue | kTxGone, std::memory_order_acq_rel,
                                         std::memory_order_acquire)) {
        return std::nullopt;
      }
      // The receiver registered a waker or left meanwhile: take the general path.
    }
    // Ordering: release publishes value_ to the receiver's acquire of kValue; acquire so
    // we see the receiver's waker if kRxWaker is set.
    uint32_t prev = state_.fetch_or(kValue, std::memory_order_acq_rel);
    if (prev & kRxGone) {
      // The receiver left between our check and the store: take the value back.
      SendError<T> back{std::move(*value_)};
      value_.reset();
      drop_sender();
      return back;
    }
    if (prev & kRxWaker) rx_waker_.wake_by_ref();
    drop_sender();
    return std::nullopt;
  }

  Poll<absl::StatusOr<T>> poll_recv(Context& cx) {
    uint32_t s = state_.load(std::memory_order_acquire);
    if (auto done = ready_result(s)) return *std::move(done);
    if (s & kRxWaker) {
      if (rx_waker_.will_wake(cx.waker())) return kPending;
      // Take the slot back to replace the waker.
      s = state_.fetch_and(~kRxWaker, std::memory_order_acq_rel);
      if (auto done = ready_result(s)) return *std::move(done);
    }
    rx_waker_ = cx.waker();
    s = state_.fetch_or(kRxWaker, std::memory_order_acq_rel);
    if (auto done = ready_result(s)) return *std::move(done);
    return kPending;
  }

  absl::StatusOr<T> try_recv() {
    if (auto done = ready_result(state_.load(std::memory_order_acquire))) return *std::move(done);
    return absl::UnavailableError("oneshot: no value yet");
  }

  Poll<void> poll_closed(Context& cx) {
    uint32_t s = state_.load(std::memory_order_acquire);
    if (s & kRxGone) return Ready();
    if (s & kTxWaker) {
      if (tx_waker_.will_wake(cx.waker())) return kPending;
      s = state_.fetch_and(~kTxWaker, std::memory_order_acq_rel);
      if (s & kRxGone) return Ready();
    }
    tx_waker_ = cx.waker();
    s = state_.fetch_or(kTxWaker, std::memory_order_acq_rel);
    if (s & kRxGone) return Ready();
    return kPending;
  }

  bool is_closed() const { return state_.load(std::memory_order_acquire) & kRxGone; }

  // Each end calls its drop once; whichever leaves last frees the block. An end that
  // must wake the other one after announcing its exit (the peer could see the exit, leave
  // and free the block while we still touch its waker) also sets its *_WAKING bit, and
  // the peer leaves the freeing to it.
  void drop_sender() {
    uint32_t s = state_.load(std::memory_order_relaxed);
    bool wake;
    for (;;) {
      // A receiver waiting for a value that will never come must learn we are gone.
      wake = (s & (kRxWaker | kValue | kRxGone)) == kRxWaker;
      uint32_t next = s | kTxGone | (wake ? kTxWaking : 0);
      // Ordering: acq_rel; release hands our writes to whoever frees the block, acquire
      // sees the receiver's waker and, if we free it, everything the receiver did.
      if (state_.compare_exchange_weak(s, next, std::memory_order_acq_rel,
                                       std::memory_order_relaxed)) {
        break;
      }
    }
    if (wake) {
      rx_waker_.wake_by_ref();
      // Ordering: acq_rel, as above.
      s = state_.fetch_and(~kTxWaking, std::memory_order_acq_rel) & ~kTxWaking;
    }
    if ((s & kRxGone) && !(s & kRxWaking)) delete this;
  }
  void drop_receiver() {
    if (tx_gone_seen_) {
      // We saw kTxGone without kTxWaking (acquire): the sender touches the block no more,
      // so free it without an RMW.
      delete this;
      return;
    }
    uint32_t s = state_.load(std::memory_order_relaxed);
    bool wake;
    for (;;) {
      // A sender waiting in closed() must learn we are gone.
      wake = (s & (kTxWaker | kTxGone)) == kTxWaker;
      uint32_t next = s | kRxGone | (wake ? kRxWaking : 0);
      // Ordering: acq_rel, as in drop_sender.
      if (state_.compare_exchange_weak(s, next, std::memory_order_acq_rel,
                                       std::memory_order_relaxed)) {
        break;
      }
    }
    if (wake) {
      tx_waker_.wake_by_ref();
      // Ordering: acq_rel, as in drop_sender.
      s = state_.fetch_and(~kRxWaking, std::memory_order_acq_rel) & ~kRxWaking;
    }
    if ((s & kTxGone) && !(s & kTxWaking)) delete this;
  }

 private:
  // The receiver's outcome if there is one: the value (taken once), or closed.
  std::optional<absl::StatusOr<T>> ready_result(uint32_t s) {
    if ((s & (kTxGone | kTxWaking)) == kTxGone) tx_gone_seen_ = true;
    if (s & kValue) {
      if (!value_) return absl::StatusOr<T>(absl::FailedPreconditionError("oneshot: value already taken"));
      absl::StatusOr<T> v(std::move(*value_));
      value_.reset();
      return v;
    }
    if (s & kTxGone) return absl::StatusOr<T>(absl::CancelledError("oneshot: sender dropped without sending"));
    return std::nullopt;
  }

  std::atomic<uint32_t> state_{0};
  std::optional<T> value_;
  Waker rx_waker_;
  Waker tx_waker_;
  bool tx_gone_seen_ = false;  // receiver-owned: it loaded a state with kTxGone
};

}  // namespace internal

template <typename T>
class Receiver;

template <typename T>
class Sender {
 public:
  Sender() = default;
  Sender(Sender&& o) noexcept : shared_(std::exchange(o.shared_, nullptr)) {}
  Sender& operator=(Sender&& o) noexcept {
    if (this != &o) {
      reset();
      shared_ = std::exchange(o.shared_, nullptr);
    }
    return *this;
  }
  ~Sender() { reset(); }

  // Consumes the sender. nullopt: sent. Otherwise the receiver is gone; the value is back.
  std::optional<SendError<T>> send(T value) {
    if (shared_ == nullptr) return SendError<T>{std::move(value)};
    return std::exchange(shared_, nullptr)->send_and_drop(std::move(value));
  }
  bool is_closed() const { return shared_ == nullptr || shared_->is_closed(); }

  // A future completing when the Receiver is destroyed.
  class Closed {
   public:
    explicit Closed(internal::Shared<T>* s) : shared_(s) {}
    Poll<void> poll(Context& cx) { return shared_ ? shared_->poll_closed(cx) : Ready(); }

   private:
    internal::Shared<T>* shared_;
  };
  Closed closed() { return Closed(shared_); }

 private:
  template <typename U>
  friend std::pair<Sender<U>, Receiver<U>> channel();
  explicit Sender(internal::Shared<T>* s) : shared_(s) {}
  void reset() {
    if (auto* s = std::exchange(shared_, nullptr)) s->drop_sender();
  }
  internal::Shared<T>* shared_ = nullptr;
};

template <typename T>
class Receiver {
 public:
  Receiver() = default;
  Receiver(Receiver&& o) noexcept : shared_(std::exchange(o.shared_, nullptr)) {}
  Receiver& operator=(Receiver&& o) noexcept {
    if (this != &o) {
      reset();
      shared_ = std::exchange(o.shared_, nullptr);
    }
    return *this;
  }
  ~Receiver() { reset(); }

  // Future interface: `co_await rx`.
  Poll<absl::StatusOr<T>> poll(Context& cx) {
    if (shared_ == nullptr) return absl::StatusOr<T>(absl::FailedPreconditionError("oneshot: empty receiver"));
    return shared_->poll_recv(cx);
  }
  absl::StatusOr<T> try_recv() {
    if (shared_ == nullptr) return absl::FailedPreconditionError("oneshot: empty receiver");
    return shared_->try_recv();
  }

 private:
  template <typename U>
  friend std::pair<Sender<U>, Receiver<U>> channel();
  explicit Receiver(internal::Shared<T>* s) : shared_(s) {}
  void reset() {
    if (auto* s = std::exchange(shared_, nullptr)) s->drop_receiver();
  }
  internal::Shared<T>* shared_ = nullptr;
};

template <typename T>
std::pair<Sender<T>, Receiver<T>> channel() {
  auto* shared = new internal::Shared<T>();
  return {Sender<T>(shared), Receiver<T>(shared)};
}

}  // namespace corio::sync::oneshot
