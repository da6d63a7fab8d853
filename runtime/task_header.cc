#include "runtime/task_header.h"

#include <cstdio>
#include <cstdlib>

#include "runtime/scheduler.h"
#include "runtime/task_alloc.h"
#include "runtime/waker.h"

namespace corio {
namespace {

// Runs a compare-and-swap loop: `next(state)` returns the desired new state, or nullopt-like
// `kNoChange` to stop without writing. Returns {observed state, whether it was written}.
constexpr uint64_t kNoChange = ~uint64_t{0};

template <typename F>
std::pair<uint64_t, bool> update_state(std::atomic<uint64_t>& state, F next) {
  // Ordering: acq_rel on success so that a transition both publishes the writes made
  // before it (e.g. the poller's writes to the frame before clearing RUNNING) and sees
  // those of the transition it follows (e.g. a waker's writes before setting NOTIFIED).
  uint64_t cur = state.load(std::memory_order_acquire);
  for (;;) {
    uint64_t desired = next(cur);
    if (desired == kNoChange) return {cur, false};
    if (state.compare_exchange_weak(cur, desired, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return {cur, true};
    }
  }
}

[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "corio: task state invariant violated: %s\n", what);
  std::abort();
}

}  // namespace

void TaskHeader::init_spawned(const TaskVTable* vtable, Scheduler* scheduler) {
  vtable_ = vtable;
  scheduler_ = scheduler;
  // Ordering: relaxed; the task is published to other threads by the queue push that
  // follows, which is a release operation.
  state_.store(kNotified | kJoinInterest | 3 * kRefOne, std::memory_order_relaxed);
}

void TaskHeader::ref_inc() {
  // Ordering: relaxed, as for shared_ptr: a new reference is made from an existing one,
  // which already keeps the task alive.
  uint64_t prev = state_.fetch_add(kRefOne, std::memory_order_relaxed);
  if (ref_count(prev) == 0) fatal("reference count incremented from zero");
}

void TaskHeader::ref_dec() { ref_dec_n(1); }

void TaskHeader::ref_dec_n(uint64_t n) {
  // Ordering: acq_rel: release so our writes to the task happen before its destruction;
  // acquire so the thread that frees it sees everyone else's writes.
  uint64_t prev = state_.fetch_sub(n * kRefOne, std::memory_order_acq_rel);
  uint64_t refs = ref_count(prev);
  if (refs < n) fatal("reference count underflow");
  if (refs == n) dealloc();
}

void TaskHeader::dealloc() {
  // The frame was destroyed already (see the ground rules in the header); only the output
  // slot's leftovers and the memory remain.
  vtable_->destroy_output(this);
  this->~TaskHeader();
  internal::free_frame(this);
}

TransitionToRunning TaskHeader::transition_to_running() {
  TransitionToRunning result = TransitionToRunning::kSuccess;
  update_state(state_, [&](uint64_t s) {
    if ((s & kNotified) == 0) fatal("polled a task that was not notified");
    if ((s & (kRunning | kComplete)) != 0) {
      result = TransitionToRunning::kFailed;
      return kNoChange;
    }
    result = (s & kCancelled) ? TransitionToRunning::kCancelled : TransitionToRunning::kSuccess;
    return (s & ~kNotified) | kRunning;
  });
  if (result == TransitionToRunning::kFailed) {
    // Someone else holds RUNNING or the task completed: drop the queue's reference.
    ref_dec();
  }
  return result;
}

TransitionToIdle TaskHeader::transition_to_idle() {
  TransitionToIdle result = TransitionToIdle::kOk;
  update_state(state_, [&](uint64_t s) {
    if ((s & kRunning) == 0) fatal("transition_to_idle without RUNNING");
    if (s & kCancelled) {
      result = TransitionToIdle::kCancelled;
      return kNoChange;
    }
    uint64_t next = s & ~kRunning;
    if (s & kNotified) {
      // Woken while running: keep the queue reference for the re-queue.
      result = TransitionToIdle::kOkNotified;
      return next;
    }
    // Drop the reference the queue handed to this run.
    if (ref_count(s) < 1) fatal("reference count underflow in transition_to_idle");
    next -= kRefOne;
    result = ref_count(next) == 0 ? TransitionToIdle::kOkDealloc : TransitionToIdle::kOk;
    return next;
  });
  return result;
}

uint64_t TaskHeader::transition_to_complete(bool cancelled) {
  // Ordering (inside update_state): the release half publishes the output written into the
  // frame to the JoinHandle, whose acquire load of COMPLETE pairs with it.
  auto [prev, written] = update_state(state_, [&](uint64_t s) {
    if ((s & kRunning) == 0 || (s & kComplete) != 0) fatal("bad transition_to_complete");
    uint64_t next = (s & ~kRunning) | kComplete;
    return cancelled ? (next | kCancelled) : (next & ~kCancelled);
  });
  (void)written;
  uint64_t next = (prev & ~kRunning) | kComplete;
  return cancelled ? (next | kCancelled) : (next & ~kCancelled);
}

TransitionToNotified TaskHeader::transition_to_notified_by_val() {
  TransitionToNotified result = TransitionToNotified::kDoNothing;
  update_state(state_, [&](uint64_t s) {
    if (s & kRunning) {
      // The poller will see NOTIFIED and re-queue; our reference is not needed.
      result = TransitionToNotified::kDoNothing;
      return (s | kNotified) - kRefOne;
    }
    if (s & (kComplete | kNotified)) {
      uint64_t next = s - kRefOne;
      result = ref_count(next) == 0 ? TransitionToNotified::kDealloc
                                    : TransitionToNotified::kDoNothing;
      return next;
    }
    // Idle -> notified: our reference becomes the queue's.
    result = TransitionToNotified::kSubmit;
    return s | kNotified;
  });
  return result;
}

TransitionToNotified TaskHeader::transition_to_notified_by_ref() {
  TransitionToNotified result = TransitionToNotified::kDoNothing;
  update_state(state_, [&](uint64_t s) {
    if (s & (kComplete | kNotified)) {
      result = TransitionToNotified::kDoNothing;
      return kNoChange;
    }
    if (s & kRunning) {
      result = TransitionToNotified::kDoNothing;
      return s | kNotified;
    }
    result = TransitionToNotified::kSubmit;
    return (s | kNotified) + kRefOne;
  });
  return result;
}

bool TaskHeader::transition_to_notified_and_cancel() {
  bool submit = false;
  update_state(state_, [&](uint64_t s) {
    submit = false;
    if (s & (kCancelled | kComplete)) return kNoChange;
    if (s & kRunning) return s | kNotified | kCancelled;  // the poller cancels
    if (s & kNotified) return s | kCancelled;            // queued: cancelled when popped
    submit = true;
    return (s | kNotified | kCancelled) + kRefOne;
  });
  return submit;
}

bool TaskHeader::transition_to_shutdown() {
  bool claimed = false;
  update_state(state_, [&](uint64_t s) {
    claimed = (s & (kRunning | kComplete)) == 0;
    uint64_t next = s | kCancelled;
    if (claimed) next |= kRunning;
    return next == s ? kNoChange : next;
  });
  return claimed;
}

bool TaskHeader::set_join_waker() {
  auto [prev, written] = update_state(state_, [](uint64_t s) {
    if (s & kComplete) return kNoChange;
    return s | kJoinWaker;
  });
  (void)prev;
  return written;
}

bool TaskHeader::unset_join_waker() {
  auto [prev, written] = update_state(state_, [](uint64_t s) {
    if (s & kComplete) return kNoChange;
    return s & ~kJoinWaker;
  });
  (void)prev;
  return written;
}

uint64_t TaskHeader::drop_join_interest() {
  auto [prev, written] = update_state(state_, [](uint64_t s) {
    if (s & kComplete) return s & ~kJoinInterest;
    return s & ~(kJoinInterest | kJoinWaker);
  });
  (void)written;
  return prev;
}

uint64_t TaskHeader::unset_join_waker_after_complete() {
  uint64_t prev = state_.fetch_and(~kJoinWaker, std::memory_order_acq_rel);
  return prev & ~kJoinWaker;
}

namespace internal {

void wake_task_by_val(TaskHeader* task) {
  switch (task->transition_to_notified_by_val()) {
    case TransitionToNotified::kSubmit:
      task->scheduler()->schedule(task, /*is_yield=*/false);
      break;
    case TransitionToNotified::kDealloc:
      task->dealloc();
      break;
    case TransitionToNotified::kDoNothing:
      break;
  }
}

void wake_task_by_ref(TaskHeader* task) {
  switch (task->transition_to_notified_by_ref()) {
    case TransitionToNotified::kSubmit:
      task->scheduler()->schedule(task, /*is_yield=*/false);
      break;
    case TransitionToNotified::kDealloc:
    case TransitionToNotified::kDoNothing:
      break;
  }
}

}  // namespace internal
}  // namespace corio
