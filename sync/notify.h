// Notify: wakes one task or all waiting tasks, with no data attached.
//
//   Notify n;
//   co_await n.notified();   // in one task
//   n.notify_one();          // from anywhere
//
// - notify_one() wakes the longest-waiting task (FIFO). If nobody is waiting it stores a
//   single permit (several calls still store one) that the next notified() consumes at
//   once.
// - notify_waiters() wakes every task waiting right now and stores nothing.
// - A Notified future is registered when first polled; only registered waiters count as
//   waiting.
//
// Cancellation: destroying a pending Notified unlinks it. If it had already been picked by
// notify_one() but never saw it, the notification is passed on (to the next waiter, or
// stored as the permit), so notify_one() is never lost to a cancelled waiter.
//
// Thread-safety: every method may be called from any thread. A Notified future belongs to
// one task. A Notify must outlive its Notified futures.
//
// Implementation: a state word says EMPTY, NOTIFIED (the stored permit) or WAITING (the
// intrusive wait list is non-empty). Storing or consuming the permit is one CAS without
// the lock; WAITING is entered and left only under the mutex, which guards the list.
// A waiter picked by notify_one() learns it from its own atomic state, so the poll that
// completes it takes no lock either. notify_waiters() always takes the lock: it must
// order itself after registrations that happened before it (the wait-then-recheck
// pattern of watch and closed() futures relies on that).
#pragma once

#include <atomic>
#include <mutex>

#include "runtime/poll.h"
#include "runtime/waker.h"
#include "sync/wait_list.h"

namespace corio::sync {

class Notify;

class Notified {
 public:
  explicit Notified(Notify* notify) : notify_(notify) {}
  // Movable only before the first poll (it is linked into the Notify's list after).
  Notified(Notified&& other) noexcept : notify_(other.notify_) {}
  Notified(const Notified&) = delete;
  Notified& operator=(const Notified&) = delete;
  ~Notified();

  Poll<void> poll(Context& cx);

 private:
  friend class Notify;
  enum class State { kInit, kWaiting, kNotified, kDone };

  // The list node, pointing back at its waiter.
  struct Node : WaitNode {
    explicit Node(Notified* w) : waiter(w) {}
    Notified* waiter;
  };

  Notify* notify_;
  // Written under notify_->mu_ while registered (by the owner after that). poll() and the
  // destructor read it without the lock: a notifier that sets kNotified or kDone has
  // finished with this waiter (it took the waker first).
  // Ordering: release by that notifier, acquire by poll() and the destructor.
  std::atomic<State> state_{State::kInit};
  Node node_{this};
  Waker waker_;                 // guarded by notify_->mu_
};

class Notify {
 public:
  Notify() = default;
  Notify(const Notify&) = delete;
  Notify& operator=(const Notify&) = delete;

  Notified notified() { return Notified(this); }
  void notify_one();
  void notify_waiters();

 private:
  friend class Notified;
  // Picks the first waiter and marks it notified, or stores the permit. Returns the waker
  // to wake after unlocking. Requires mu_.
  Waker notify_one_locked();
  // Stores the permit, starting from the state `seen`; false (nothing done) once the
  // state is WAITING. Needs no lock.
  [[nodiscard]] bool store_permit(uint32_t seen);
  // Consumes the permit if there is one.
  bool take_permit();
  static Notified* waiter_of(WaitNode* node);

  // The state word. kWaiting is set and cleared only under mu_ (and then waiters_ is
  // non-empty); kEmpty <-> kNotified may flip by CAS without it.
  static constexpr uint32_t kEmpty = 0;
  static constexpr uint32_t kNotified = 1;
  static constexpr uint32_t kWaiting = 2;

  std::mutex mu_;
  WaitList waiters_;  // guarded by mu_: Notified::node_ of registered waiters
  // Ordering: acq_rel CASes, so whoever consumes the permit sees what the notifier did
  // before storing it.
  std::atomic<uint32_t> state_{kEmpty};
};

}  // namespace corio::sync
