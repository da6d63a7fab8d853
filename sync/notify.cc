#include "sync/notify.h"

#include "sync/internal/wake_batch.h"

namespace corio::sync {

Notified* Notify::waiter_of(WaitNode* node) {
  return static_cast<Notified::Node*>(node)->waiter;
}

Poll<void> Notified::poll(Context& cx) {
  // Ordering: acquire pairs with the notifier's release store of kNotified/kDone.
  State st = state_.load(std::memory_order_acquire);
  if (st == State::kNotified || st == State::kDone) {
    state_.store(State::kDone, std::memory_order_relaxed);  // only we touch it now
    return Ready();
  }
  if (st == State::kInit) {
    if (notify_->take_permit()) {
      state_.store(State::kDone, std::memory_order_relaxed);
      return Ready();
    }
    std::lock_guard<std::mutex> lock(notify_->mu_);
    // Enter WAITING unless a permit showed up meanwhile.
    uint32_t s = notify_->state_.load(std::memory_order_relaxed);
    for (;;) {
      if (s == Notify::kWaiting) break;
      if (s == Notify::kNotified) {
        // Ordering: acquire, as in take_permit().
        if (notify_->state_.compare_exchange_weak(s, Notify::kEmpty, std::memory_order_acquire,
                                                  std::memory_order_relaxed)) {
          state_.store(State::kDone, std::memory_order_relaxed);
          return Ready();
        }
        continue;
      }
      // kEmpty. Ordering: relaxed; the list is guarded by mu_, and a concurrent
      // store_permit CAS on the same word is ordered by the modification order.
      if (notify_->state_.compare_exchange_weak(s, Notify::kWaiting, std::memory_order_relaxed,
                                                std::memory_order_relaxed)) {
        break;
      }
    }
    waker_ = cx.waker();
    notify_->waiters_.push_back(&node_);
    state_.store(State::kWaiting, std::memory_order_relaxed);
    return kPending;
  }
  // kWaiting: refresh the waker unless we were picked meanwhile.
  std::lock_guard<std::mutex> lock(notify_->mu_);
  if (state_.load(std::memory_order_relaxed) == State::kWaiting) {
    if (!waker_.will_wake(cx.waker())) waker_ = cx.waker();
    return kPending;
  }
  state_.store(State::kDone, std::memory_order_relaxed);
  return Ready();
}

Notified::~Notified() {
  // Ordering: acquire pairs with the notifier's release store; after kDone it no longer
  // touches this waiter.
  State s = state_.load(std::memory_order_acquire);
  if (s == State::kInit || s == State::kDone) return;
  Waker to_wake;
  {
    std::lock_guard<std::mutex> lock(notify_->mu_);
    s = state_.load(std::memory_order_relaxed);
    if (s == State::kWaiting) {
      // Possibly from the private list of a notify_waiters() in progress.
      WaitList::unlink(&node_);
      if (notify_->waiters_.empty() &&
          notify_->state_.load(std::memory_order_relaxed) == Notify::kWaiting) {
        // Ordering: relaxed; WAITING only changes under mu_.
        notify_->state_.store(Notify::kEmpty, std::memory_order_relaxed);
      }
    } else if (s == State::kNotified) {
      // We were handed a notify_one() we never observed: pass it on.
      to_wake = notify_->notify_one_locked();
    }
    waker_ = Waker();
  }
  to_wake.wake();
}

bool Notify::take_permit() {
  uint32_t s = kNotified;
  // Ordering: acquire pairs with store_permit()'s release.
  return state_.compare_exchange_strong(s, kEmpty, std::memory_order_acquire,
                                        std::memory_order_relaxed);
}

bool Notify::store_permit(uint32_t s) {
  while (s != kWaiting) {
    // kEmpty or kNotified -> kNotified (a CAS even when already set, so the consumer
    // synchronizes with the latest notifier). Ordering: release pairs with take_permit().
    if (state_.compare_exchange_weak(s, kNotified, std::memory_order_release,
                                     std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

Waker Notify::notify_one_locked() {
  uint32_t s = state_.load(std::memory_order_relaxed);
  if (s != kWaiting) {
    // Nobody waits, and WAITING cannot appear while we hold mu_.
    (void)store_permit(s);
    return Waker();
  }
  WaitNode* node = waiters_.pop_front();
  if (waiters_.empty()) state_.store(kEmpty, std::memory_order_relaxed);  // under mu_
  Notified* waiter = waiter_of(node);
  Waker w = std::move(waiter->waker_);
  // Ordering: release pairs with poll()'s acquire; the waiter may complete and vanish
  // without the lock once it sees this, so it comes last.
  waiter->state_.store(Notified::State::kNotified, std::memory_order_release);
  return w;
}

void Notify::notify_one() {
  if (store_permit(state_.load(std::memory_order_relaxed))) return;
  // Someone waits (store_permit gives up when it sees WAITING).
  Waker to_wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    to_wake = notify_one_locked();
  }
  to_wake.wake();
}

void Notify::notify_waiters() {
  internal::WakeBatch batch;
  std::unique_lock<std::mutex> lock(mu_);
  if (waiters_.empty()) return;
  // Only the waiters registered now are notified: move them to a private list, then wake
  // them in batches (unlocking between batches). A waiter cancelled meanwhile unlinks
  // itself from this list; one registering meanwhile goes to waiters_ and is left alone.
  WaitList current;
  waiters_.move_all_to(current);
  state_.store(kEmpty, std::memory_order_relaxed);  // WAITING only changes under mu_
  for (;;) {
    while (!batch.full()) {
      WaitNode* node = current.pop_front();
      if (node == nullptr) break;
      Notified* waiter = waiter_of(node);
      batch.push(std::move(waiter->waker_));
      // Not kNotified: a waiter cancelled after notify_waiters has nothing to pass on.
      // Ordering: release pairs with the destructor's acquire; the waiter may be
      // destroyed (without the lock) right after this store, so it comes last.
      waiter->state_.store(Notified::State::kDone, std::memory_order_release);
    }
    if (current.empty()) break;
    lock.unlock();
    batch.wake_all();
    lock.lock();
  }
  lock.unlock();
  batch.wake_all();
}

}  // namespace corio::sync
