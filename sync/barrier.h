// Barrier: lets n tasks wait until all n have arrived, then releases them together.
//
//   Barrier b(3);
//   BarrierWaitResult r = co_await b.wait();   // in each of 3 tasks
//   if (r.is_leader()) ...                      // exactly one of the 3
//
// Contract
// - wait() counts the caller as arrived on its first poll. The n-th arrival completes at
//   once as the leader (is_leader() true) and releases the other n-1, which complete
//   with is_leader() false. The barrier then starts over for the next n arrivals
//   (generations). Barrier(0) behaves as Barrier(1).
//
// Cancellation: destroying a wait() that has arrived but not been released withdraws its
// arrival (the generation then needs one more). A wait() that was released but destroyed
// before it was polled again counted in its generation, which went on without it; its
// task just never learns it (nothing can be handed back, unlike a permit).
// (Tokio's Barrier keeps a cancelled arrival counted; withdrawing is what lets a waiter
// give up with a timeout without releasing the others early.)
//
// Thread-safety: wait() from any task on any thread. The Barrier must outlive its pending
// wait() futures.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "runtime/poll.h"
#include "runtime/waker.h"
#include "sync/wait_list.h"

namespace corio::sync {

class BarrierWaitResult {
 public:
  explicit BarrierWaitResult(bool leader) : leader_(leader) {}
  // True for exactly one waiter of each generation.
  bool is_leader() const { return leader_; }

 private:
  bool leader_;
};

class Barrier {
 public:
  explicit Barrier(size_t n) : n_(n == 0 ? 1 : n) {}
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  // Future of wait(): BarrierWaitResult. Cancel-safe as described above.
  class Wait {
   public:
    explicit Wait(Barrier* barrier) : barrier_(barrier) {}
    // Movable only before its first poll.
    Wait(Wait&& other) noexcept : barrier_(other.barrier_) {}
    Wait(const Wait&) = delete;
    Wait& operator=(const Wait&) = delete;
    ~Wait();

    Poll<BarrierWaitResult> poll(Context& cx);

   private:
    friend class Barrier;
    // kInit: not arrived. kWaiting: arrived and linked. kReleased: unlinked by the leader,
    // which took the waker. kDone: completed.
    enum State : uint8_t { kInit, kWaiting, kReleased, kDone };
    struct Node : WaitNode {
      explicit Node(Wait* w) : wait(w) {}
      Wait* wait;
    };

    Barrier* barrier_;
    // Written under barrier_->mu_. Ordering: the leader stores kReleased with release
    // after taking the waker; poll and the destructor load it with acquire.
    std::atomic<State> state_{kInit};
    Waker waker_;             // guarded by barrier_->mu_ while kWaiting
    uint64_t generation_ = 0;  // the barrier's generation when we arrived
    Node node_{this};
  };

  Wait wait() { return Wait(this); }

 private:
  // Releases every waiter of the current generation. Requires mu_; leaves it unlocked.
  void release_locked(std::unique_lock<std::mutex>& lock);

  const size_t n_;
  std::mutex mu_;
  size_t arrived_ = 0;      // guarded by mu_: arrivals in the current generation
  uint64_t generation_ = 0;  // guarded by mu_: generations released so far
  WaitList waiters_;    // guarded by mu_: the arrived, not yet released (n_ - 1 at most)
};

}  // namespace corio::sync
