#include "runtime/injector.h"

namespace corio::internal {

bool Injector::push(TaskHeader* task) {
  task->queue_next = nullptr;
  return push_batch(task, task, 1);
}

bool Injector::push_batch(TaskHeader* first, TaskHeader* last, size_t count) {
  last->queue_next = nullptr;
  std::lock_guard<SpinLock> lock(mu_);
  if (closed_) return false;
  if (tail_ != nullptr) {
    tail_->queue_next = first;
  } else {
    head_ = first;
  }
  tail_ = last;
  len_.store(len_.load(std::memory_order_relaxed) + count, std::memory_order_release);
  return true;
}

TaskHeader* Injector::pop() {
  size_t popped = 0;
  return pop_batch(1, popped);
}

TaskHeader* Injector::pop_batch(size_t max, size_t& popped) {
  popped = 0;
  if (max == 0 || is_empty()) return nullptr;
  std::lock_guard<SpinLock> lock(mu_);
  TaskHeader* first = head_;
  TaskHeader* last = nullptr;
  TaskHeader* cur = head_;
  while (cur != nullptr && popped < max) {
    last = cur;
    cur = cur->queue_next;
    ++popped;
  }
  if (popped == 0) return nullptr;
  head_ = cur;
  if (head_ == nullptr) tail_ = nullptr;
  last->queue_next = nullptr;
  len_.store(len_.load(std::memory_order_relaxed) - popped, std::memory_order_release);
  return first;
}

TaskHeader* Injector::close() {
  std::lock_guard<SpinLock> lock(mu_);
  closed_ = true;
  TaskHeader* all = head_;
  head_ = tail_ = nullptr;
  len_.store(0, std::memory_order_release);
  return all;
}

}  // namespace corio::internal
