// mpsc: multi-producer, single-consumer FIFO channels.
//
//   auto [tx, rx] = mpsc::channel<Request>(128);        // bounded: back-pressure
//   auto failed = co_await tx.send(req);                 // waits for room; nullopt = sent
//   std::optional<Request> r = co_await rx.recv();       // nullopt: closed and drained
//
//   auto [utx, urx] = mpsc::unbounded_channel<Event>();  // send never waits
//   (void)utx.send(ev);
//
// Bounded channel (`channel<T>(capacity)`, capacity >= 1, else std::invalid_argument):
// - Sender::send(v) waits for a free slot (a permit of a FIFO semaphore, so waiting senders
//   are served in arrival order) and queues v. Output std::nullopt when queued, or
//   SendError{v} giving the value back when the receiver is closed or gone.
// - Sender::try_send(v) never waits: TrySendError{kFull or kClosed, v} on failure.
// - Sender::reserve() waits for a slot and returns a Permit; Permit::send(v) then queues
//   without waiting; dropping an unused Permit returns the slot. try_reserve() never waits.
// - Sender::closed() completes once the receiver is closed or destroyed.
// - Sender::blocking_send(v), Receiver::blocking_recv(): the same, blocking a thread that
//   is not inside a task (std::logic_error otherwise).
// - Receiver::recv() yields the next value, or std::nullopt once the channel is finished:
//   every Sender (and Permit) is gone, or close() was called, and every queued value has
//   been received. try_recv() never waits: absl::UnavailableError while empty,
//   absl::CancelledError once finished (disconnected).
// - Receiver::close() makes later sends fail (and wakes waiting senders with SendError)
//   while the receiver drains what is queued; outstanding Permits may still send.
// - Dropping the last Sender wakes the receiver (it then drains and gets std::nullopt);
//   dropping the Receiver closes the channel, wakes waiting senders and destroys the
//   queued values.
// Unbounded channel (`unbounded_channel<T>()`): UnboundedSender::send(v) queues at once
// (SendError{v} if the receiver is closed); the receiver side is the same.
//
// Values are moved, never copied; T need only be move-constructible.
//
// Ordering: FIFO. Values from one sender arrive in send order; a send that completed
// before another began is received first.
//
// Cancellation (destroying a pending future):
// - recv(): cancel-safe. A value is taken out of the channel only in the poll that returns
//   it, so a cancelled recv never loses one.
// - send(v): the value is dropped with the future; no slot stays taken (a slot granted to
//   the cancelled send goes to the next waiting sender). If it had already been queued,
//   send() has completed, so it cannot be cancelled any more.
// - reserve(): as send(), with no value. closed(): cancel-safe.
//
// Thread-safety: Senders may be copied and used from any threads (each copy by one thread
// at a time); the Receiver by one thread at a time. Senders and receiver may be on
// different workers, on different runtimes, or on plain threads (blocking_*). The futures
// returned by send/reserve/closed/recv borrow their Sender/Receiver, which must outlive
// them (as `&self` futures do in Tokio).
//
// Implementation: a bounded channel is a FIFO Semaphore of `capacity` permits plus a
// lock-free ring (internal/mpsc_queues.h); a send takes a permit (one CAS while nobody
// waits), claims a position (one fetch_add) and publishes its slot; the receiver reads the
// slot and returns the permit (one CAS). Neither side takes a lock unless a sender has to
// wait. The receiver's waker sits in an AtomicWaker, which senders check with one load.
// The unbounded channel uses a node-per-value linked queue and a count of values in flight
// instead of permits. Memory of a bounded channel is allocated at creation:
// bit_ceil(capacity) slots of sizeof(T) + 8 bytes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/coop.h"
#include "runtime/poll.h"
#include "runtime/waker.h"
#include "sync/internal/atomic_waker.h"
#include "sync/internal/block_on_thread.h"
#include "sync/internal/mpsc_queues.h"
#include "sync/notify.h"
#include "sync/semaphore.h"

namespace corio::sync::mpsc {

// The value of a failed send: the receiver is closed or gone.
template <typename T>
struct SendError {
  T value;
};

enum class TrySendErrorKind { kFull, kClosed };

template <typename T>
struct TrySendError {
  TrySendErrorKind kind;
  T value;
};

// Largest capacity of a bounded channel (its ring is allocated up front).
inline constexpr size_t kMaxCapacity = size_t{1} << 30;

namespace internal {

// Admission of values into a bounded channel: a permit per queued value.
class BoundedGate {
 public:
  explicit BoundedGate(size_t capacity) : capacity_(capacity), sem_(capacity) {}
  Semaphore& semaphore() { return sem_; }
  size_t capacity() const { return capacity_; }
  void close() { sem_.close(); }
  // A value was received: its slot is free again.
  void on_pop() { sem_.release(1); }
  // No value queued or in flight and no permit outstanding.
  bool idle() const { return sem_.available_permits() == capacity_; }

 private:
  const size_t capacity_;
  Semaphore sem_;
};

// Admission for an unbounded channel: counts values in flight, and a closed bit.
class UnboundedGate {
 public:
  explicit UnboundedGate(size_t) {}
  // false once closed.
  bool enter() {
    uint64_t s = state_.load(std::memory_order_relaxed);
    for (;;) {
      if (s & kClosed) return false;
      // Ordering: relaxed is enough for a count: the value itself is published by the
      // queue; close() and the receiver's checks are ordered by seq_cst elsewhere.
      if (state_.compare_exchange_weak(s, s + kOne, std::memory_order_relaxed)) return true;
    }
  }
  void close() { state_.fetch_or(kClosed); }
  void on_pop() { state_.fetch_sub(kOne, std::memory_order_relaxed); }
  bool idle() const { return (state_.load() >> 1) == 0; }

 private:
  static constexpr uint64_t kClosed = 1;
  static constexpr uint64_t kOne = 2;
  std::atomic<uint64_t> state_{0};
};

template <typename T, bool kBounded>
class Chan {
 public:
  using Queue = std::conditional_t<kBounded, sync::internal::BoundedRing<T>,
                                   sync::internal::NodeQueue<T>>;
  using Gate = std::conditional_t<kBounded, BoundedGate, UnboundedGate>;

  explicit Chan(size_t capacity) : queue_(make_queue(capacity)), gate_(capacity) {}

  Gate& gate() { return gate_; }

  // --- senders --------------------------------------------------------------------------
  void add_sender() {
    // Ordering: relaxed; the new sender comes from an existing one, which keeps the
    // count above zero meanwhile.
    tx_count_.fetch_add(1, std::memory_order_relaxed);
  }
  void drop_sender() {
    // seq_cst: the receiver registers its waker, then reads tx_count_ (see atomic_waker.h).
    if (tx_count_.fetch_sub(1) == 1) rx_waker_.wake();
  }
  // Queues a value that was admitted (bounded: its permit now belongs to the value).
  void push(T value) {
    queue_.push(std::move(value));
    rx_waker_.wake();
  }
  // Bounded: an admitted sender gives its slot back unused.
  void release_unused_permit() {
    gate_.on_pop();
    wake_rx_if_closed();
  }
  // A permit went back to the semaphore outside the receiver's pops. A closed receiver
  // waits for the channel to become idle, and this may be the moment.
  void wake_rx_if_closed() {
    // Ordering: the fence pairs with the one in finished() (store-buffering on the
    // semaphore word and rx_closed_).
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (rx_closed_.load(std::memory_order_relaxed)) rx_waker_.wake();
  }
  bool rx_closed() const { return rx_closed_.load(); }
  Notify& closed_notify() { return closed_notify_; }

  // --- receiver -------------------------------------------------------------------------
  Poll<std::optional<T>> poll_recv(Context& cx) {
    if (!coop::poll_proceed(cx)) return kPending;
    for (int attempt = 0;; ++attempt) {
      if (auto v = pop()) return v;
      if (auto done = finished()) return std::optional<T>(std::move(*done));
      if (attempt == 1) return kPending;
      // Register, then look again: a value (or the last sender's exit) that came before
      // the registration is seen by the second look; one after it wakes us.
      rx_waker_.register_waker(cx.waker());
    }
  }

  absl::StatusOr<T> try_recv() {
    if (auto v = pop()) return std::move(*v);
    if (auto done = finished()) {
      if (*done) return std::move(**done);
      return absl::CancelledError("mpsc: channel closed and drained");
    }
    return absl::UnavailableError("mpsc: channel empty");
  }

  void close_rx() {
    if (rx_closed_.exchange(true)) return;  // seq_cst: see release_unused_permit
    gate_.close();
    closed_notify_.notify_waiters();
  }

  // The Receiver is destroyed: close, destroy what is queued, forget the waker.
  void drop_rx() {
    close_rx();
    while (pop()) {
    }
    rx_waker_.clear();
  }

 private:
  static Queue make_queue(size_t capacity) {
    if constexpr (kBounded) {
      return Queue(capacity);
    } else {
      return Queue();
    }
  }

  std::optional<T> pop() {
    std::optional<T> v = queue_.pop();
    if (v) gate_.on_pop();
    return v;
  }

  // Empty result: not finished. Otherwise finished, possibly with one last value that
  // showed up after the first look (returned inside).
  std::optional<std::optional<T>> finished() {
    if (tx_count_.load() == 0) {  // seq_cst: see drop_sender
      // Every sender finished its pushes before leaving: one more look is exact.
      return std::optional<std::optional<T>>(pop());
    }
    if (rx_closed_.load(std::memory_order_relaxed)) {  // set by this (receiver) thread
      std::atomic_thread_fence(std::memory_order_seq_cst);  // see release_unused_permit
      if (gate_.idle()) return std::optional<std::optional<T>>(std::optional<T>());
    }
    return std::nullopt;
  }

  Queue queue_;
  Gate gate_;
  sync::internal::AtomicWaker rx_waker_;
  std::atomic<size_t> tx_count_{1};
  std::atomic<bool> rx_closed_{false};
  Notify closed_notify_;  // notify_waiters() on close: wakes Sender::closed()
};

// The receiving half, shared by both flavours (see Receiver / UnboundedReceiver below).
template <typename T, bool kBounded>
class ReceiverImpl {
 public:
  using ChanType = Chan<T, kBounded>;

  ReceiverImpl() = default;
  explicit ReceiverImpl(std::shared_ptr<ChanType> chan) : chan_(std::move(chan)) {}
  ReceiverImpl(ReceiverImpl&&) noexcept = default;
  ReceiverImpl& operator=(ReceiverImpl&& other) noexcept {
    if (this != &other) {
      reset();
      chan_ = std::move(other.chan_);
    }
    return *this;
  }
  ~ReceiverImpl() { reset(); }

  // Future of recv(): std::optional<T>. Cancel-safe.
  class Recv {
   public:
    explicit Recv(ChanType* chan) : chan_(chan) {}
    Poll<std::optional<T>> poll(Context& cx) { return chan_->poll_recv(cx); }

   private:
    ChanType* chan_;
  };

  // The next value, or std::nullopt once the channel is finished (see header).
  Recv recv() { return Recv(chan_.get()); }
  // Never waits: the value, UnavailableError (empty) or CancelledError (finished).
  absl::StatusOr<T> try_recv() { return chan_->try_recv(); }
  // recv() for a thread outside any task; blocks it.
  std::optional<T> blocking_recv() {
    return sync::internal::block_on_thread(recv(), "mpsc::Receiver::blocking_recv");
  }
  // For hand-written futures.
  Poll<std::optional<T>> poll_recv(Context& cx) { return chan_->poll_recv(cx); }
  // Stops new sends; queued values (and outstanding permits) can still be received.
  void close() { chan_->close_rx(); }

 private:
  void reset() {
    if (chan_) {
      chan_->drop_rx();
      chan_.reset();
    }
  }
  std::shared_ptr<ChanType> chan_;
};

// Shared by both sender flavours: counting and the closed() future.
template <typename T, bool kBounded>
class SenderBase {
 public:
  using ChanType = Chan<T, kBounded>;

  SenderBase() = default;
  explicit SenderBase(std::shared_ptr<ChanType> chan) : chan_(std::move(chan)) {}
  SenderBase(const SenderBase& other) : chan_(other.chan_) {
    if (chan_) chan_->add_sender();
  }
  SenderBase(SenderBase&&) noexcept = default;
  SenderBase& operator=(const SenderBase& other) {
    if (this != &other) *this = SenderBase(other);
    return *this;
  }
  SenderBase& operator=(SenderBase&& other) noexcept {
    if (this != &other) {
      reset();
      chan_ = std::move(other.chan_);
    }
    return *this;
  }
  ~SenderBase() { reset(); }

  // Future of closed(): completes once the receiver is closed or destroyed. Cancel-safe.
  class Closed {
   public:
    explicit Closed(ChanType* chan) : chan_(chan) {}
    // Movable only before its first poll.
    Closed(Closed&& other) noexcept : chan_(other.chan_) {}
    Poll<void> poll(Context& cx) {
      if (chan_->rx_closed()) return Ready();
      if (!notified_) notified_.emplace(&chan_->closed_notify());
      if (notified_->poll(cx).is_ready()) return Ready();
      // Registered: a close from now on wakes us; one before is seen here.
      if (chan_->rx_closed()) return Ready();
      return kPending;
    }

   private:
    ChanType* chan_;
    std::optional<Notified> notified_;
  };

  Closed closed() const { return Closed(chan_.get()); }
  // True once the receiver is closed or destroyed.
  bool is_closed() const { return chan_->rx_closed(); }
  bool same_channel(const SenderBase& other) const { return chan_ == other.chan_; }

 protected:
  ChanType* chan() const { return chan_.get(); }

 private:
  void reset() {
    if (chan_) {
      chan_->drop_sender();
      chan_.reset();
    }
  }
  std::shared_ptr<ChanType> chan_;
};

}  // namespace internal

template <typename T>
using Receiver = internal::ReceiverImpl<T, true>;
template <typename T>
using UnboundedReceiver = internal::ReceiverImpl<T, false>;

template <typename T>
class Permit;

// The sending half of a bounded channel. Copyable: the channel stays open to senders
// until every copy (and every Permit) is gone.
template <typename T>
class Sender : public internal::SenderBase<T, true> {
  using Base = internal::SenderBase<T, true>;

 public:
  using Base::Base;

  // Future of send(v): std::optional<SendError<T>> (nullopt = queued).
  class Send {
   public:
    Send(typename Base::ChanType* chan, T value)
        : chan_(chan), value_(std::move(value)) {
      request_.emplace(&chan->gate().semaphore(), 1);
    }
    // Movable only before its first poll.
    Send(Send&& other) noexcept(std::is_nothrow_move_constructible_v<T>)
        : chan_(other.chan_), value_(std::move(other.value_)), done_(other.done_) {
      request_.emplace(std::move(*other.request_));
      other.done_ = true;
    }
    ~Send() {
      if (done_) return;
      request_.reset();  // gives back a slot granted but not used
      chan_->wake_rx_if_closed();
    }

    Poll<std::optional<SendError<T>>> poll(Context& cx) {
      auto p = request_->poll(cx);
      if (p.is_pending()) return kPending;
      done_ = true;
      if (!p.take().ok()) return std::optional<SendError<T>>(SendError<T>{std::move(*value_)});
      chan_->push(std::move(*value_));  // the permit now belongs to the queued value
      return std::optional<SendError<T>>();
    }

   private:
    typename Base::ChanType* chan_;
    std::optional<T> value_;
    std::optional<PermitRequest> request_;  // reset first on cancellation, see ~Send
    bool done_ = false;
  };

  // Future of reserve(): absl::StatusOr<Permit<T>> (CancelledError when closed).
  class Reserve {
   public:
    explicit Reserve(const Sender* sender) : sender_(sender) {
      request_.emplace(&sender->chan()->gate().semaphore(), 1);
    }
    // Movable only before its first poll.
    Reserve(Reserve&& other) noexcept : sender_(other.sender_), done_(other.done_) {
      request_.emplace(std::move(*other.request_));
      other.done_ = true;
    }
    ~Reserve() {
      if (done_) return;
      request_.reset();  // gives back a slot granted but not used
      sender_->chan()->wake_rx_if_closed();
    }
    Poll<absl::StatusOr<Permit<T>>> poll(Context& cx);

   private:
    const Sender* sender_;
    std::optional<PermitRequest> request_;
    bool done_ = false;
  };

  // Waits for a slot, then queues `value`. See the header for errors and cancellation.
  Send send(T value) const { return Send(this->chan(), std::move(value)); }

  // Queues `value` if a slot is free right now.
  std::optional<TrySendError<T>> try_send(T value) const {
    switch (this->chan()->gate().semaphore().try_acquire_raw(1)) {
      case TryAcquireResult::kAcquired:
        this->chan()->push(std::move(value));
        return std::nullopt;
      case TryAcquireResult::kNoPermits:
        return TrySendError<T>{TrySendErrorKind::kFull, std::move(value)};
      case TryAcquireResult::kClosed:
        break;
    }
    return TrySendError<T>{TrySendErrorKind::kClosed, std::move(value)};
  }

  // send() for a thread outside any task; blocks it.
  std::optional<SendError<T>> blocking_send(T value) const {
    return sync::internal::block_on_thread(send(std::move(value)),
                                           "mpsc::Sender::blocking_send");
  }

  // Waits for a slot and holds it in a Permit.
  Reserve reserve() const { return Reserve(this); }
  // Never waits: UnavailableError if full, CancelledError if closed.
  absl::StatusOr<Permit<T>> try_reserve() const;

  // Free slots right now, and the channel's capacity.
  size_t capacity() const { return this->chan()->gate().semaphore().available_permits(); }
  size_t max_capacity() const { return this->chan()->gate().capacity(); }

 private:
  friend class Permit<T>;
  using Base::chan;
};

// A reserved slot of a bounded channel: send() queues a value without waiting; destroying
// an unused Permit gives the slot back. Holds a Sender, so the channel stays open to it.
template <typename T>
class Permit {
 public:
  Permit() = default;
  Permit(Permit&& other) noexcept : sender_(std::exchange(other.sender_, std::nullopt)) {}
  Permit& operator=(Permit&& other) noexcept {
    if (this != &other) {
      reset();
      sender_ = std::exchange(other.sender_, std::nullopt);
    }
    return *this;
  }
  ~Permit() { reset(); }

  bool valid() const { return sender_.has_value(); }

  // Queues `value` and uses the permit up (std::logic_error if already used).
  void send(T value) {
    if (!sender_) throw std::logic_error("mpsc::Permit::send: permit already used");
    sender_->chan()->push(std::move(value));
    sender_.reset();
  }

 private:
  friend class Sender<T>;
  explicit Permit(const Sender<T>& sender) : sender_(sender) {}
  void reset() {
    if (sender_) {
      sender_->chan()->release_unused_permit();
      sender_.reset();
    }
  }
  std::optional<Sender<T>> sender_;
};

template <typename T>
Poll<absl::StatusOr<Permit<T>>> Sender<T>::Reserve::poll(Context& cx) {
  auto p = request_->poll(cx);
  if (p.is_pending()) return kPending;
  done_ = true;
  absl::Status status = p.take();
  if (!status.ok()) return absl::StatusOr<Permit<T>>(absl::CancelledError("mpsc: channel closed"));
  return absl::StatusOr<Permit<T>>(Permit<T>(*sender_));
}

template <typename T>
absl::StatusOr<Permit<T>> Sender<T>::try_reserve() const {
  switch (chan()->gate().semaphore().try_acquire_raw(1)) {
    case TryAcquireResult::kAcquired:
      return Permit<T>(*this);
    case TryAcquireResult::kNoPermits:
      return absl::UnavailableError("mpsc: channel full");
    case TryAcquireResult::kClosed:
      break;
  }
  return absl::CancelledError("mpsc: channel closed");
}

// The sending half of an unbounded channel. Copyable.
template <typename T>
class UnboundedSender : public internal::SenderBase<T, false> {
  using Base = internal::SenderBase<T, false>;

 public:
  using Base::Base;

  // Queues `value` at once. SendError{value} if the receiver is closed or gone.
  std::optional<SendError<T>> send(T value) const {
    if (!this->chan()->gate().enter()) return SendError<T>{std::move(value)};
    this->chan()->push(std::move(value));
    return std::nullopt;
  }
};

// A bounded channel holding at most `capacity` values (1 <= capacity <= kMaxCapacity).
template <typename T>
std::pair<Sender<T>, Receiver<T>> channel(size_t capacity) {
  if (capacity == 0 || capacity > kMaxCapacity) {
    throw std::invalid_argument("mpsc::channel: capacity must be in [1, kMaxCapacity]");
  }
  auto chan = std::make_shared<internal::Chan<T, true>>(capacity);
  return {Sender<T>(chan), Receiver<T>(chan)};
}

template <typename T>
std::pair<UnboundedSender<T>, UnboundedReceiver<T>> unbounded_channel() {
  auto chan = std::make_shared<internal::Chan<T, false>>(0);
  return {UnboundedSender<T>(chan), UnboundedReceiver<T>(chan)};
}

}  // namespace corio::sync::mpsc
