#include "sync/barrier.h"

#include "sync/internal/wake_batch.h"

namespace corio::sync {

Poll<BarrierWaitResult> Barrier::Wait::poll(Context& cx) {
  // Ordering: acquire pairs with release_locked()'s release store.
  State s = state_.load(std::memory_order_acquire);
  if (s == kReleased || s == kDone) {
    state_.store(kDone, std::memory_order_relaxed);
    return BarrierWaitResult(false);
  }
  std::unique_lock<std::mutex> lock(barrier_->mu_);
  s = state_.load(std::memory_order_relaxed);
  if (s == kReleased) {
    state_.store(kDone, std::memory_order_relaxed);
    return BarrierWaitResult(false);
  }
  if (s == kWaiting) {
    // Possibly released already, with the leader still waking earlier waiters (it
    // stores kReleased when it reaches us): keep the waker current until then.
    if (!waker_.will_wake(cx.waker())) waker_ = cx.waker();
    return kPending;
  }
  // kInit: arrive.
  if (++barrier_->arrived_ == barrier_->n_) {
    state_.store(kDone, std::memory_order_relaxed);
    barrier_->release_locked(lock);
    return BarrierWaitResult(true);
  }
  waker_ = cx.waker();
  generation_ = barrier_->generation_;
  barrier_->waiters_.push_back(&node_);
  state_.store(kWaiting, std::memory_order_relaxed);
  return kPending;
}

Barrier::Wait::~Wait() {
  // Ordering: acquire, as in poll(): after kReleased the leader no longer touches us.
  if (state_.load(std::memory_order_acquire) != kWaiting) return;
  std::lock_guard<std::mutex> lock(barrier_->mu_);
  if (state_.load(std::memory_order_relaxed) != kWaiting) return;
  // Unlink (from waiters_, or from a release in progress), and withdraw the arrival
  // unless our generation has been released meanwhile.
  WaitList::unlink(&node_);
  if (generation_ == barrier_->generation_) --barrier_->arrived_;
  waker_ = Waker();
}

void Barrier::release_locked(std::unique_lock<std::mutex>& lock) {
  arrived_ = 0;  // a new generation starts now; its waiters go to waiters_
  ++generation_;
  WaitList current;
  waiters_.move_all_to(current);
  internal::WakeBatch batch;
  for (;;) {
    while (!batch.full()) {
      WaitNode* node = current.pop_front();
      if (node == nullptr) break;
      Wait* w = static_cast<Wait::Node*>(node)->wait;
      batch.push(std::move(w->waker_));
      // Ordering: release pairs with the acquire in poll()/~Wait(); `w` may be destroyed
      // right after this store.
      w->state_.store(Wait::kReleased, std::memory_order_release);
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
