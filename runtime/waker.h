// Waker and Context: how a pending future asks to be polled again.
//
// A Waker is an intrusive, reference-counted pointer to a task: copying adds a reference,
// destroying drops one, and the last reference frees the task. wake() consumes the waker;
// wake_by_ref() does not. Both may be called from any thread, any number of times: waking
// an idle task queues it once; waking a running task makes it poll again after the current
// poll returns, never concurrently.
//
// Contract for futures: a poll(Context&) that returns Pending must have stored a copy of
// cx.waker() (or checked with will_wake() that the one it stored is still right) where
// the event it waits for will find it. Otherwise the task is never polled again.
//
// Thread-safety: a Waker object is a value; distinct copies may be used from distinct
// threads. The same object must not be mutated from two threads at once.
#pragma once

#include <utility>

#include "runtime/task_header.h"

namespace corio {

namespace internal {
// Schedules `task` if this wake is its idle -> notified edge; consumes one reference.
void wake_task_by_val(TaskHeader* task);
// Schedules `task` if this wake is its idle -> notified edge; keeps the caller's reference.
void wake_task_by_ref(TaskHeader* task);
}  // namespace internal

class Waker {
 public:
  Waker() = default;
  // Takes over a reference the caller already holds.
  static Waker adopt(TaskHeader* task) { return Waker(task); }

  Waker(const Waker& other) : task_(other.task_) {
    if (task_ != nullptr) task_->ref_inc();
  }
  Waker(Waker&& other) noexcept : task_(std::exchange(other.task_, nullptr)) {}
  Waker& operator=(const Waker& other) {
    if (this != &other) *this = Waker(other);
    return *this;
  }
  Waker& operator=(Waker&& other) noexcept {
    Waker old(std::exchange(task_, std::exchange(other.task_, nullptr)));
    return *this;
  }
  ~Waker() {
    if (task_ != nullptr) task_->ref_dec();
  }

  // Wakes the task and gives up this waker's reference; the waker becomes empty.
  void wake() {
    if (TaskHeader* t = std::exchange(task_, nullptr)) internal::wake_task_by_val(t);
  }
  // Wakes the task, keeping this waker usable.
  void wake_by_ref() const {
    if (task_ != nullptr) internal::wake_task_by_ref(task_);
  }
  // True if both wakers wake the same task (then storing a new copy is unnecessary).
  bool will_wake(const Waker& other) const { return task_ == other.task_; }

  explicit operator bool() const { return task_ != nullptr; }
  // Gives up ownership of the reference without dropping it.
  TaskHeader* release() { return std::exchange(task_, nullptr); }
  TaskHeader* task() const { return task_; }

 private:
  explicit Waker(TaskHeader* task) : task_(task) {}
  TaskHeader* task_ = nullptr;
};

// What a future receives when polled: the waker of the task polling it.
class Context {
 public:
  explicit Context(const Waker& waker) : waker_(waker) {}
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const Waker& waker() const { return waker_; }

 private:
  const Waker& waker_;
};

}  // namespace corio
