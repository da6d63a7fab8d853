// Cooperative budget: keeps one busy task from starving the others on its worker.
//
// Each poll of a task starts with a budget of kTaskBudget operations. A resource whose
// operation could complete immediately (a channel with a message waiting, a socket with
// bytes ready) first calls poll_proceed(cx); once the budget is spent it returns false
// after waking the task, and the resource returns Pending. The task is then re-queued
// behind the others instead of monopolizing the worker.
//
// Thread-safety: the budget is thread-local; it exists only while a task is being polled
// (outside a task, poll_proceed always allows).
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

#include "runtime/waker.h"

namespace corio::coop {

inline constexpr int kTaskBudget = 128;

namespace internal {
inline thread_local int tl_budget = -1;  // -1: unconstrained
// Where budget-forced yields are counted (a worker's metrics), or null.
inline thread_local std::atomic<uint64_t>* tl_forced_yield_counter = nullptr;
}  // namespace internal

// Gives the current thread a fresh budget for the duration of one task poll.
class BudgetScope {
 public:
  BudgetScope() : saved_(std::exchange(internal::tl_budget, kTaskBudget)) {}
  ~BudgetScope() { internal::tl_budget = saved_; }
  BudgetScope(const BudgetScope&) = delete;
  BudgetScope& operator=(const BudgetScope&) = delete;

 private:
  int saved_;
};

// True while a task is polled if its budget is spent (it was or will be told to yield).
inline bool budget_spent() { return internal::tl_budget == 0; }

// Consumes one unit of budget. false: the budget is spent, the task has been woken, and
// the caller must return Pending.
inline bool poll_proceed(Context& cx) {
  int& budget = internal::tl_budget;
  if (budget < 0) return true;
  if (budget == 0) {
    cx.waker().wake_by_ref();
    if (auto* counter = internal::tl_forced_yield_counter) {
      // Ordering: relaxed; a statistic.
      counter->fetch_add(1, std::memory_order_relaxed);
    }
    return false;
  }
  --budget;
  return true;
}

}  // namespace corio::coop
