#include "runtime/owned_tasks.h"

#include "runtime/task_harness.h"

namespace corio::internal {

bool OwnedTasks::bind_or_cancel(TaskHeader* task) {
  uint32_t index = shard_of(task);
  Shard& shard = shards_[index];
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    if (!shard.closed) {
      task->owned_shard = index;
      task->owned_prev = nullptr;
      task->owned_next = shard.head;
      if (shard.head != nullptr) shard.head->owned_prev = task;
      shard.head = task;
      ++shard.len;
      return true;
    }
  }
  // Shut down: the task is in no queue and no list; shutdown_task leaves those two
  // references to us. The JoinHandle keeps its own.
  shutdown_task(task);
  task->ref_dec_n(2);
  return false;
}

void OwnedTasks::unlink(Shard& shard, TaskHeader* task) {
  if (task->owned_prev != nullptr) {
    task->owned_prev->owned_next = task->owned_next;
  } else {
    shard.head = task->owned_next;
  }
  if (task->owned_next != nullptr) task->owned_next->owned_prev = task->owned_prev;
  task->owned_prev = task->owned_next = nullptr;
  task->owned_shard = kNotOwned;
  --shard.len;
}

bool OwnedTasks::remove(TaskHeader* task) {
  uint32_t index = shard_of(task);
  Shard& shard = shards_[index];
  std::lock_guard<std::mutex> lock(shard.mu);
  if (task->owned_shard != index) return false;  // taken out by shutdown
  unlink(shard, task);
  return true;
}

void OwnedTasks::close_and_cancel_all() {
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    shard.closed = true;
  }
  while (TaskHeader* task = pop_any()) {
    shutdown_task(task);
    task->ref_dec();  // the list's reference
  }
}

TaskHeader* OwnedTasks::pop_any() {
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    if (TaskHeader* task = shard.head) {
      unlink(shard, task);
      return task;
    }
  }
  return nullptr;
}

size_t OwnedTasks::len() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(const_cast<std::mutex&>(shard.mu));
    total += shard.len;
  }
  return total;
}

}  // namespace corio::internal
