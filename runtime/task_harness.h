// The scheduler-facing operations on a spawned task: run one poll, cancel, shut down.
//
// A scheduler pops a task (holding the queue's reference) and calls run_task(); that is
// the only way a spawned task's coroutine is resumed. Everything here follows the ground
// rules of task_header.h.
#pragma once

#include <coroutine>

#include "runtime/scheduler.h"
#include "runtime/task.h"
#include "runtime/task_header.h"

namespace corio::internal {

template <typename T>
const TaskVTable* vtable_for() {
  static constexpr TaskVTable kVTable{
      [](TaskHeader* header) -> PromiseBase* {
        return &std::coroutine_handle<Promise<T>>::from_address(header->frame()).promise();
      },
      [](TaskHeader* header) { Promise<T>::slot_of(header)->reset(); },
  };
  return &kVTable;
}

// Adopts the Task's frame as a spawned task bound to `scheduler` (three references: queue,
// JoinHandle, owner). The caller queues it (or hands it to a RuntimeCore::spawn).
template <typename T>
TaskHeader* into_spawned(Task<T>&& task, Scheduler* scheduler) {
  TaskHeader* header = TaskHeader::from_frame(task.release().address());
  header->init_spawned(vtable_for<T>(), scheduler);
  return header;
}

// Polls the task once, consuming the queue reference the caller popped with it.
void run_task(TaskHeader* task);

// Runtime shutdown: cancels the task if it is idle; otherwise only marks it cancelled.
// Does not consume a reference.
void shutdown_task(TaskHeader* task);

// Destroys the coroutine frame (its locals and parameters); for a spawned task the output
// slot and the memory stay until the last reference is dropped.
inline void destroy_frame(TaskHeader* task) {
  std::coroutine_handle<>::from_address(task->frame()).destroy();
}

}  // namespace corio::internal
