// Scheduler: what a task needs from whoever runs it.
//
// Each spawned task records the Scheduler it belongs to (TaskHeader::scheduler()). Wakers
// call schedule() on the idle -> notified edge; the task's poller calls release() when the
// task completes. Implementations: MultiThreadScheduler, CurrentThreadScheduler and the
// private one that backs block_on.
#pragma once

namespace corio {

class TaskHeader;

class Scheduler {
 public:
  // Queues `task`, taking over one reference (the NOTIFIED one). May be called from any
  // thread. `is_yield` asks for the back of the queue (the task yielded or was woken while
  // it ran) rather than the hot LIFO slot.
  virtual void schedule(TaskHeader* task, bool is_yield) = 0;

  // Queues `task`, which spent its cooperative budget during the poll that just ended
  // (same reference rules as schedule with is_yield).
  virtual void schedule_budget_yield(TaskHeader* task) { schedule(task, /*is_yield=*/true); }

  // Removes a completed task from the scheduler's bookkeeping. Returns true if the
  // scheduler held a reference that the caller must now drop on its behalf.
  [[nodiscard]] virtual bool release(TaskHeader* task) = 0;

 protected:
  ~Scheduler() = default;
};

}  // namespace corio
