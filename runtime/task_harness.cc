#include "runtime/task_harness.h"

#include <new>

#include "runtime/coop.h"

namespace corio::internal {
namespace {

// A Waker that borrows the poller's reference instead of owning one: it is never
// destroyed, so it never drops that reference. Copies made from it are ordinary wakers.
class BorrowedWaker {
 public:
  explicit BorrowedWaker(TaskHeader* task) { new (storage_) Waker(Waker::adopt(task)); }
  const Waker& get() const { return *std::launder(reinterpret_cast<const Waker*>(storage_)); }

 private:
  alignas(Waker) unsigned char storage_[sizeof(Waker)];
};

// Finishes a task whose poller holds RUNNING and has destroyed its frame, and drops the
// poller's queue reference.
void complete(TaskHeader* task, bool cancelled) {
  uint64_t state = task->transition_to_complete(cancelled);
  if ((state & TaskHeader::kJoinInterest) == 0) {
    // Nobody will read the output: drop it now.
    if (!cancelled) task->destroy_output();
  } else if (state & TaskHeader::kJoinWaker) {
    wake_task_by_ref(task->join_waker);
    uint64_t after = task->unset_join_waker_after_complete();
    if ((after & TaskHeader::kJoinInterest) == 0) {
      // The JoinHandle went away while we held the waker slot: it is ours to clear.
      std::exchange(task->join_waker, nullptr)->ref_dec();
    }
  }
  uint64_t refs = 1 + (task->scheduler()->release(task) ? 1 : 0);
  task->ref_dec_n(refs);
}

void cancel(TaskHeader* task) {
  destroy_frame(task);
  complete(task, /*cancelled=*/true);
}

}  // namespace

void run_task(TaskHeader* task) {
  switch (task->transition_to_running()) {
    case TransitionToRunning::kFailed:
      return;
    case TransitionToRunning::kCancelled:
      cancel(task);
      return;
    case TransitionToRunning::kSuccess:
      break;
  }
  bool done;
  bool budget_spent;
  {
    BorrowedWaker waker(task);
    Context cx(waker.get());
    coop::BudgetScope budget;
    done = task->promise()->chain_.run(cx);
    budget_spent = coop::budget_spent();
  }
  if (done) {
    // Before COMPLETE is published: a joiner that sees the task finished must also see
    // its parameters and captures released (a Sender moved into it, a lock guard...).
    destroy_frame(task);
    complete(task, /*cancelled=*/false);
    return;
  }
  switch (task->transition_to_idle()) {
    case TransitionToIdle::kOk:
      return;
    case TransitionToIdle::kOkNotified:
      if (budget_spent) {
        task->scheduler()->schedule_budget_yield(task);
      } else {
        task->scheduler()->schedule(task, /*is_yield=*/true);
      }
      return;
    case TransitionToIdle::kOkDealloc:
      task->dealloc();
      return;
    case TransitionToIdle::kCancelled:
      cancel(task);
      return;
  }
}

void shutdown_task(TaskHeader* task) {
  if (!task->transition_to_shutdown()) return;
  // We hold RUNNING now; cancel() drops one reference as if it had been popped from a
  // queue, so take one for it.
  task->ref_inc();
  cancel(task);
}

}  // namespace corio::internal
