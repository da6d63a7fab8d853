#include "sync/notify.h"

#include "sync/internal/wake_batch.h"

namespace corio::sync {

Notified* Notify::waiter_of(WaitNode* node) {
  return static_cast<Notified::Node*>(node)->waiter;
}

Poll<void> Notified::poll(Context& cx) {
  // Ordering: acquire pairs with notify_waiters' release store of kDone.
  if (state_.load(std::memory_order_acquire) == State::kDone) return Ready();
  std::lock_guard<std::mutex> lock(notify_->mu_);
  switch (state_.load(std::memory_order_relaxed)) {
    case State::kInit:
      if (notify_->permit_) {
        notify_->permit_ = false;
        state_.store(State::kDone, std::memory_order_relaxed);
        return Ready();
      }
      waker_ = cx.waker();
      notify_->waiters_.push_back(&node_);
      state_.store(State::kWaiting, std::memory_order_relaxed);
      return kPending;
    case State::kWaiting:
      if (!waker_.will_wake(cx.waker())) waker_ = cx.waker();
      return kPending;
    case State::kNotified:
      state_.store(State::kDone, std::memory_order_relaxed);
      return Ready();
    case State::kDone:
      return Ready();
  }
  return kPending;
}

Notified::~Notified() {
  // Ordering: acquire pairs with notify_waiters' release store of kDone, after which the
  // notifier no longer touches this waiter.
  State s = state_.load(std::memory_order_acquire);
  if (s == State::kInit || s == State::kDone) return;
  Waker to_wake;
  {
    std::lock_guard<std::mutex> lock(notify_->mu_);
    s = state_.load(std::memory_order_relaxed);
    if (s == State::kWaiting) {
      // Possibly from the private list of a notify_waiters() in progress.
      WaitList::unlink(&node_);
    } else if (s == State::kNotified) {
      // We were handed a notify_one() we never observed: pass it on.
      to_wake = notify_->notify_one_locked();
    }
    waker_ = Waker();
  }
  to_wake.wake();
}

Waker Notify::notify_one_locked() {
  WaitNode* node = waiters_.pop_front();
  if (node == nullptr) {
    permit_ = true;
    return Waker();
  }
  Notified* waiter = waiter_of(node);
  // kNotified keeps the waiter's destructor on the locked path, so the order of these two
  // lines does not matter.
  waiter->state_.store(Notified::State::kNotified, std::memory_order_relaxed);
  return std::move(waiter->waker_);
}

void Notify::notify_one() {
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
