// watch: a single-value channel; receivers see the latest value, not every value.
//
//   auto [tx, rx] = watch::channel<Config>(initial);
//   tx.send(next);                           // or tx.send_modify([](Config& c) { ... });
//   while ((co_await rx.changed()).ok()) {   // wakes once per burst of sends
//     Config c = *rx.borrow_and_update();
//   }
//
// Contract
// - The channel holds one value and a version. Every send/send_replace/send_modify (and a
//   send_if_modified that reports a change) bumps the version.
// - Receiver::changed() completes when the version is newer than the last one this
//   receiver marked seen, and marks the current one seen. Several sends before it runs
//   complete it once (coalescing): a receiver sees the latest value, not the sequence.
//   It returns absl::CancelledError once the Sender is gone and there is nothing unseen.
// - borrow() gives a read guard (Ref) on the current value without marking it seen;
//   borrow_and_update() also marks it seen; has_changed() tells whether changed() would
//   complete at once. A Ref holds a shared lock: keep it short and never hold it across
//   co_await (the sender would block). Copy the value out if you need it longer.
// - Sender::send(v) stores v only if at least one receiver exists; otherwise it returns
//   SendError{v} and the value is unchanged. send_replace / send_modify always store.
// - Receivers are copyable (a copy starts with the same "seen" version); subscribe() makes
//   a receiver that has seen the current value. Sender::closed() completes when every
//   receiver is gone.
//
// Cancellation: changed() and closed() are cancel-safe; a cancelled changed() marks
// nothing seen.
//
// Thread-safety: one Sender (movable), any number of receivers on any threads; each
// Receiver object is used by one task at a time. Futures borrow their Sender/Receiver.
// Ordering: a receiver that observed version v (changed() or borrow_and_update()) sees
// the value stored by the send that produced v, or a later one.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/poll.h"
#include "runtime/waker.h"
#include "sync/notify.h"

namespace corio::sync::watch {

template <typename T>
struct SendError {
  T value;
};

namespace internal {

template <typename T>
class Shared {
 public:
  explicit Shared(T value) : value_(std::move(value)) {}

  // The version word: a count bumped by kStep per change, and kClosed once the sender
  // is gone. Written under mu_ (exclusive), so a reader holding mu_ (shared) sees a value
  // and a version that belong together.
  static constexpr uint64_t kClosed = 1;
  static constexpr uint64_t kStep = 2;

  std::shared_mutex mu_;
  T value_;                             // guarded by mu_
  std::atomic<uint64_t> version_{0};   // see above
  std::atomic<size_t> rx_count_{1};
  Notify changed_;   // notify_waiters() after every change and on close
  Notify rx_gone_;   // notify_waiters() when the last receiver goes

  uint64_t load_version() const {
    // Ordering: acquire pairs with the release in bump(), so the value written before
    // the bump is visible to a reader that then takes mu_ shared (mu_ orders it anyway).
    return version_.load(std::memory_order_acquire);
  }
  // Requires mu_ held exclusively.
  void bump() { version_.fetch_add(kStep, std::memory_order_release); }
};

}  // namespace internal

template <typename T>
class Sender;
template <typename T>
class Receiver;
template <typename T>
std::pair<Sender<T>, Receiver<T>> channel(T initial);

// A read guard on the current value. Do not hold it across co_await.
template <typename T>
class Ref {
 public:
  const T& operator*() const { return shared_->value_; }
  const T* operator->() const { return &shared_->value_; }
  // Whether this value is newer than what the receiver had seen before borrowing.
  bool has_changed() const { return changed_; }

 private:
  template <typename U>
  friend class Receiver;
  template <typename U>
  friend class Sender;
  Ref(internal::Shared<T>* shared, bool changed)
      : shared_(shared), lock_(shared->mu_), changed_(changed) {}
  internal::Shared<T>* shared_;
  std::shared_lock<std::shared_mutex> lock_;
  bool changed_;
};

template <typename T>
class Receiver {
 public:
  Receiver(const Receiver& other) : shared_(other.shared_), seen_(other.seen_) {
    // Ordering: relaxed; copied from a live receiver.
    shared_->rx_count_.fetch_add(1, std::memory_order_relaxed);
  }
  Receiver(Receiver&& other) noexcept : shared_(std::move(other.shared_)), seen_(other.seen_) {}
  Receiver& operator=(const Receiver& other) {
    if (this != &other) *this = Receiver(other);
    return *this;
  }
  Receiver& operator=(Receiver&& other) noexcept {
    if (this != &other) {
      reset();
      shared_ = std::move(other.shared_);
      seen_ = other.seen_;
    }
    return *this;
  }
  ~Receiver() { reset(); }

  // Future of changed(): absl::Status. Cancel-safe.
  class Changed {
   public:
    explicit Changed(Receiver* rx) : rx_(rx) {}
    // Movable only before its first poll.
    Changed(Changed&& other) noexcept : rx_(other.rx_) {}
    Poll<absl::Status> poll(Context& cx) {
      for (;;) {
        if (auto done = rx_->check()) return *done;
        if (!notified_) notified_.emplace(&rx_->shared_->changed_);
        if (notified_->poll(cx).is_pending()) {
          // Registered: a change from now on wakes us; one before is seen here.
          if (auto done = rx_->check()) return *done;
          return kPending;
        }
        notified_.reset();  // woken: look again (and register afresh if needed)
      }
    }

   private:
    Receiver* rx_;
    std::optional<Notified> notified_;
  };

  // Waits for a version newer than the last seen one, and marks it seen.
  Changed changed() { return Changed(this); }

  // The current value; does not mark it seen.
  Ref<T> borrow() const {
    Ref<T> r(shared_.get(), false);
    r.changed_ = version_of(shared_->load_version()) != seen_;
    return r;
  }
  // The current value, marked seen.
  Ref<T> borrow_and_update() {
    Ref<T> r(shared_.get(), false);
    uint64_t v = version_of(shared_->load_version());  // stable while we hold mu_ shared
    r.changed_ = v != seen_;
    seen_ = v;
    return r;
  }
  // True if changed() would complete at once with OK; CancelledError if the sender is gone
  // (and nothing is unseen).
  absl::StatusOr<bool> has_changed() const {
    uint64_t v = shared_->load_version();
    if (version_of(v) != seen_) return true;
    if (v & internal::Shared<T>::kClosed) return absl::CancelledError("watch: sender dropped");
    return false;
  }

 private:
  template <typename U>
  friend class Sender;
  template <typename U>
  friend std::pair<Sender<U>, Receiver<U>> channel(U);
  Receiver(std::shared_ptr<internal::Shared<T>> shared, uint64_t seen)
      : shared_(std::move(shared)), seen_(seen) {}

  static uint64_t version_of(uint64_t word) { return word & ~internal::Shared<T>::kClosed; }

  // Ready result of changed() if there is one: marks the new version seen.
  std::optional<absl::Status> check() {
    uint64_t v = shared_->load_version();
    if (version_of(v) != seen_) {
      seen_ = version_of(v);
      return absl::OkStatus();
    }
    if (v & internal::Shared<T>::kClosed) return absl::CancelledError("watch: sender dropped");
    return std::nullopt;
  }

  void reset() {
    if (!shared_) return;
    // seq_cst: pairs with closed()'s check after registering.
    if (shared_->rx_count_.fetch_sub(1) == 1) shared_->rx_gone_.notify_waiters();
    shared_.reset();
  }

  std::shared_ptr<internal::Shared<T>> shared_;
  uint64_t seen_;  // the version (without kClosed) this receiver has seen
};

template <typename T>
class Sender {
 public:
  Sender(Sender&&) noexcept = default;
  Sender& operator=(Sender&& other) noexcept {
    if (this != &other) {
      reset();
      shared_ = std::move(other.shared_);
    }
    return *this;
  }
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;
  ~Sender() { reset(); }

  // Stores `value` and notifies, if a receiver exists; else SendError{value}.
  std::optional<SendError<T>> send(T value) {
    if (receiver_count() == 0) return SendError<T>{std::move(value)};
    (void)send_replace(std::move(value));
    return std::nullopt;
  }
  // Stores `value` (receivers or not) and returns the previous one.
  T send_replace(T value) {
    {
      std::unique_lock<std::shared_mutex> lock(shared_->mu_);
      std::swap(value, shared_->value_);
      shared_->bump();
    }
    shared_->changed_.notify_waiters();
    return value;
  }
  // Modifies the value in place (under the lock; keep `fn` short) and notifies.
  template <typename F>
  void send_modify(F&& fn) {
    send_if_modified([&](T& v) {
      fn(v);
      return true;
    });
  }
  // As send_modify, but notifies (and bumps the version) only if `fn` returns true.
  template <typename F>
  bool send_if_modified(F&& fn) {
    bool modified;
    {
      std::unique_lock<std::shared_mutex> lock(shared_->mu_);
      modified = fn(shared_->value_);
      if (modified) shared_->bump();
    }
    if (modified) shared_->changed_.notify_waiters();
    return modified;
  }

  Ref<T> borrow() const { return Ref<T>(shared_.get(), false); }
  // A receiver that has seen the current value.
  Receiver<T> subscribe() const {
    // Ordering: relaxed; the count is only compared with zero by send() and closed().
    shared_->rx_count_.fetch_add(1, std::memory_order_relaxed);
    std::shared_lock<std::shared_mutex> lock(shared_->mu_);
    return Receiver<T>(shared_, Receiver<T>::version_of(shared_->load_version()));
  }
  size_t receiver_count() const { return shared_->rx_count_.load(); }
  bool is_closed() const { return receiver_count() == 0; }

  // Future of closed(): completes once every receiver is gone. Cancel-safe.
  class Closed {
   public:
    explicit Closed(internal::Shared<T>* shared) : shared_(shared) {}
    Closed(Closed&& other) noexcept : shared_(other.shared_) {}
    Poll<void> poll(Context& cx) {
      if (shared_->rx_count_.load() == 0) return Ready();
      if (!notified_) notified_.emplace(&shared_->rx_gone_);
      if (notified_->poll(cx).is_ready()) return Ready();
      if (shared_->rx_count_.load() == 0) return Ready();
      return kPending;
    }

   private:
    internal::Shared<T>* shared_;
    std::optional<Notified> notified_;
  };
  Closed closed() const { return Closed(shared_.get()); }

 private:
  template <typename U>
  friend std::pair<Sender<U>, Receiver<U>> channel(U);
  explicit Sender(std::shared_ptr<internal::Shared<T>> shared) : shared_(std::move(shared)) {}
  void reset() {
    if (!shared_) return;
    {
      // Under the lock, like every version change (see Shared).
      std::unique_lock<std::shared_mutex> lock(shared_->mu_);
      // Ordering: release, as in bump().
      shared_->version_.fetch_or(internal::Shared<T>::kClosed, std::memory_order_release);
    }
    shared_->changed_.notify_waiters();
    shared_.reset();
  }
  std::shared_ptr<internal::Shared<T>> shared_;
};

// A channel holding `initial`; the receiver has seen it (changed() waits for a send).
template <typename T>
std::pair<Sender<T>, Receiver<T>> channel(T initial) {
  auto shared = std::make_shared<internal::Shared<T>>(std::move(initial));
  return {Sender<T>(shared), Receiver<T>(shared, 0)};
}

}  // namespace corio::sync::watch
