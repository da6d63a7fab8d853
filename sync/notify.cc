#include "sync/notify.h"

#include <vector>

namespace corio::sync {

Notified* Notify::waiter_of(WaitNode* node) {
  return static_cast<Notified::Node*>(node)->waiter;
}

Poll<void> Notified::poll(Context& cx) {
  std::lock_guard<std::mutex> lock(notify_->mu_);
  switch (state_) {
    case State::kInit:
      if (notify_->permit_) {
        notify_->permit_ = false;
        state_ = State::kDone;
        return Ready();
      }
      waker_ = cx.waker();
      notify_->waiters_.push_back(&node_);
      state_ = State::kWaiting;
      return kPending;
    case State::kWaiting:
      if (!waker_.will_wake(cx.waker())) waker_ = cx.waker();
      return kPending;
    case State::kNotified:
      state_ = State::kDone;
      return Ready();
    case State::kDone:
      return Ready();
  }
  return kPending;
}

Notified::~Notified() {
  if (state_ == State::kInit || state_ == State::kDone) return;
  Waker to_wake;
  {
    std::lock_guard<std::mutex> lock(notify_->mu_);
    if (state_ == State::kWaiting) {
      notify_->waiters_.remove(&node_);
    } else if (state_ == State::kNotified) {
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
  waiter->state_ = Notified::State::kNotified;
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
  std::vector<Waker> to_wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (WaitNode* node = waiters_.pop_front()) {
      Notified* waiter = waiter_of(node);
      // Not kNotified: a waiter cancelled after notify_waiters has nothing to pass on.
      waiter->state_ = Notified::State::kDone;
      to_wake.push_back(std::move(waiter->waker_));
    }
  }
  for (Waker& w : to_wake) w.wake();
}

}  // namespace corio::sync
