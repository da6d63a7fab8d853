// Injector: the global run queue shared by all workers.
//
// Receives tasks spawned or woken from outside the workers, and the overflow of full local
// queues. An intrusive singly-linked FIFO (through TaskHeader::queue_next) under a
// spin lock (spin_lock.h: the sections are a few pointer moves):
// a whole overflow batch is linked in one critical section, and an empty check costs one
// atomic load, so workers can poll it often without taking the lock.
//
// (moodycamel's ConcurrentQueue was the alternative; its per-producer sub-queues lose the
// global FIFO order that fairness wants, it cannot take a pre-linked batch without
// copying, and its fences are invisible to TSAN.)
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>

#include "runtime/spin_lock.h"
#include "runtime/task_header.h"

namespace corio::internal {

class Injector {
 public:
  Injector() = default;
  Injector(const Injector&) = delete;
  Injector& operator=(const Injector&) = delete;

  // Returns false (and leaves ownership with the caller) once closed.
  bool push(TaskHeader* task);
  // Appends the list first..last (linked through queue_next) of `count` tasks.
  bool push_batch(TaskHeader* first, TaskHeader* last, size_t count);
  TaskHeader* pop();
  // Pops up to `max` tasks as a list linked through queue_next; returns the first, or null.
  TaskHeader* pop_batch(size_t max, size_t& popped);

  size_t len() const { return len_.load(std::memory_order_acquire); }
  bool is_empty() const { return len() == 0; }

  // Refuses further pushes; returns whatever is queued (linked list) for the caller to drop.
  TaskHeader* close();

 private:
  mutable SpinLock mu_;
  TaskHeader* head_ = nullptr;  // guarded by mu_
  TaskHeader* tail_ = nullptr;  // guarded by mu_
  bool closed_ = false;         // guarded by mu_
  // Ordering: written under mu_ with release; read without the lock with acquire as a hint
  // (a stale zero only delays a pop until the next check).
  std::atomic<size_t> len_{0};
};

}  // namespace corio::internal
